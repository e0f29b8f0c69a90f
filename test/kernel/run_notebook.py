"""Executes a notebook with nbclient (the client nbconvert --execute and papermill use) through an
installed kernelspec, and writes the executed notebook.

Usage: /usr/bin/python3 run_notebook.py IN.ipynb OUT.ipynb KERNEL_NAME [--allow-errors]
JUPYTER_PATH must point at the share/jupyter holding the kernelspec.
"""
import sys

import nbformat
from nbclient import NotebookClient


def main():
    source, target, kernel_name = sys.argv[1:4]
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel_name,
        timeout=120,
        allow_errors="--allow-errors" in sys.argv,
        record_timing=False,
    )
    client.execute()
    # The outputs the kernel sent (the report's MIME bundle included) must make a valid notebook.
    nbformat.validate(notebook)
    nbformat.write(notebook, target)


if __name__ == "__main__":
    main()
