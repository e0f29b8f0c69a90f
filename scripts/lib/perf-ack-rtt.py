#!/usr/bin/python3
"""perf stat's --control round trip from a small native-speed driver, for comparing with what
perfcell's Node process sees (BENCHMARKS.md, Pace notes): one perf of two slots, as compare's served
runs start it, attached to an idle `sleep`, each slot's events switched by name.

    /usr/bin/python3 scripts/lib/perf-ack-rtt.py [TICK_MS] [ROUNDS]     (defaults: 4, 40)

Prints the median and p90 of the enable and the disable round trip (write the two commands, read
both acks), in ms.
"""
import os
import statistics
import subprocess
import sys
import time

tick_ms = sys.argv[1] if len(sys.argv) > 1 else '4'
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 40
ctl_read, ctl_write = os.pipe()
ack_read, ack_write = os.pipe()
target = subprocess.Popen(['sleep', '60'])
events = 'page-faults/name=pcA0/,context-switches/name=pcA1/,page-faults/name=pcB0/,context-switches/name=pcB1/'
perf = subprocess.Popen(
    ['perf', 'stat', '-x,', '-I', tick_ms, '-D', '-1', '--control', f'fd:{ctl_read},{ack_write}', '-e', events, '--pid', str(target.pid), '-o', '/dev/null'],
    pass_fds=(ctl_read, ack_write), stderr=subprocess.DEVNULL, env={**os.environ, 'LC_ALL': 'C'})
os.close(ctl_read)
os.close(ack_write)
time.sleep(0.3)


def round_trip_ms(commands):
    start = time.monotonic()
    os.write(ctl_write, ''.join(f'{command}\n' for command in commands).encode())
    acks = 0
    while acks < len(commands):
        acks += os.read(ack_read, 100).count(b'\n')
    return (time.monotonic() - start) * 1000


enables, disables = [], []
try:
    for _ in range(rounds):
        enables.append(round_trip_ms(['enable pcA0', 'enable pcA1']))
        time.sleep(0.007)
        disables.append(round_trip_ms(['disable pcA0', 'disable pcA1']))
        time.sleep(0.003)
finally:
    perf.send_signal(2)
    perf.wait()
    target.kill()
p90 = lambda values: sorted(values)[int(len(values) * 0.9)]
print(f'-I {tick_ms}: enable {statistics.median(enables):.2f} ms (p90 {p90(enables):.2f}), disable {statistics.median(disables):.2f} ms (p90 {p90(disables):.2f}), {rounds} rounds')
