"""Starts `perfcell kernel` the way Jupyter does (jupyter_client's launcher: a new session,
JPY_PARENT_PID set to this process), prints the kernel's pid, then waits to be killed. With CODE,
it first sends CODE as a cell (jupyter_client's BlockingKernelClient) and prints the pid once the
kernel has begun it.

Usage: /usr/bin/python3 parent_dies.py NODE CLI CONNECTION_FILE [CODE]
"""
import sys
import time

from jupyter_client.connect import write_connection_file
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.launcher import launch_kernel


def main():
    node, cli, connection_file = sys.argv[1:4]
    write_connection_file(connection_file, key=b"a-secret")
    kernel = launch_kernel([node, cli, "kernel", connection_file])
    if len(sys.argv) > 4:
        client = BlockingKernelClient(connection_file=connection_file)
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        msg_id = client.execute(sys.argv[4])
        while True:
            msg = client.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                break
    print(kernel.pid, flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
