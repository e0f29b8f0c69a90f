"""Starts `perfcell kernel` the way Jupyter does (jupyter_client's launcher: a new session,
JPY_PARENT_PID set to this process), prints the kernel's pid, then waits to be killed.

Usage: /usr/bin/python3 parent_dies.py NODE CLI CONNECTION_FILE
"""
import sys
import time

from jupyter_client.connect import write_connection_file
from jupyter_client.launcher import launch_kernel


def main():
    node, cli, connection_file = sys.argv[1:4]
    write_connection_file(connection_file, key=b"a-secret")
    kernel = launch_kernel([node, cli, "kernel", connection_file])
    print(kernel.pid, flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
