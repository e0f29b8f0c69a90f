"""Execute round trips through jupyter_client, for scripts/bench-kernel.mjs.

Starts every kernel named on the command line (JUPYTER_PATH must hold their kernelspecs), warms
each up, then has them take turns executing CODE: one round trip is from sending execute_request
until both the execute_reply and the iopub idle status that ends the cell's outputs (the report
included) have arrived. Prints one JSON object: kernel name -> [milliseconds], plus outputs seen.

Usage: /usr/bin/python3 scripts/bench-kernel.py ROUNDS WARMUP CODE KERNEL...
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager

TIMEOUT_S = 60


def round_trip(kc, code):
    """Blocks on the reply, then on the idle status (both are queued by zmq as they arrive)."""
    start = time.perf_counter()
    msg_id = kc.execute(code)
    while kc.get_shell_msg(timeout=TIMEOUT_S)["parent_header"].get("msg_id") != msg_id:
        pass
    kinds = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT_S)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                break
            continue
        kinds.append(msg["msg_type"])
    return (time.perf_counter() - start) * 1000, kinds


def main():
    rounds, warmup, code = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    names = sys.argv[4:]
    started = []
    for name in names:
        km = KernelManager(kernel_name=name)
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=TIMEOUT_S)
        started.append((name, km, kc))
    results = {name: [] for name in names}
    outputs = {name: {} for name in names}
    try:
        for _ in range(warmup):
            for name, _, kc in started:
                round_trip(kc, code)
        for _ in range(rounds):
            for name, _, kc in started:
                ms, kinds = round_trip(kc, code)
                results[name].append(ms)
                key = ",".join(kinds)
                outputs[name][key] = outputs[name].get(key, 0) + 1
                time.sleep(0.02)
    finally:
        for _, km, kc in started:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    print(json.dumps({"latenciesMs": results, "outputs": outputs}))


if __name__ == "__main__":
    main()
