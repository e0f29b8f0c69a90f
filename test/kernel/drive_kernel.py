"""Drives `perfcell kernel` with jupyter_client's KernelManager (the real client) and prints one JSON
line per scenario on stdout, for test/kernel/kernel-client.test.ts to assert on.

Usage: /usr/bin/python3 drive_kernel.py KERNEL_NAME SCENARIO...
Scenarios: basic, complete_unicode, history, expressions, gc, shown, exit, rerun, interrupt, interrupt_child, restart, shutdown,
    shutdown_spinning, shutdown_held, badsig, api, empty, oneperf, held, comm,
    unshowable, frames, interrupt_timing, interrupt_first_await, interrupt_sweep
JUPYTER_PATH must point at the share/jupyter holding the kernelspec.
"""
import fcntl
import json
import os
import signal
import sys
import tempfile
import time
from contextlib import contextmanager

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

TIMEOUT_S = 60


def run_cell(kc, code, timeout=TIMEOUT_S, **kwargs):
    """Executes code; returns (reply content, [iopub messages of that request])."""
    msg_id = kc.execute(code, **kwargs)
    outputs = []
    deadline = time.monotonic() + timeout
    idle = False
    while not idle:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            idle = msg["content"]["execution_state"] == "idle"
            continue
        outputs.append({"type": msg["msg_type"], "content": msg["content"]})
    reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
    return reply["content"], outputs


def shell_reply(kc, msg_id):
    reply = kc.get_shell_msg(timeout=TIMEOUT_S)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT_S)
    return reply["content"]


def summary(reply, outputs):
    return {
        "status": reply["status"],
        "execution_count": reply.get("execution_count"),
        "ename": reply.get("ename"),
        "outputs": outputs,
    }


@contextmanager
def ports_held():
    """Held from jupyter_client's choice of a kernel's ports until the kernel answers on them.

    jupyter_client picks each port by binding port 0 and closing the socket, and the kernel binds it
    later (jupyter_client issue 487); its LocalPortCache keeps one process's kernels apart, not
    several processes'. The test file runs its scenarios at once, each in a drive_kernel.py of its
    own, so one of them could pick a port another's kernel was about to bind, and that kernel then
    exits saying the port is in use (seen once in CI, 2026-12-05). One Jupyter server starts its
    kernels from one process; this lock gives the drivers the same footing.
    """
    with open(os.path.join(tempfile.gettempdir(), "perfcell-drive-kernel-ports.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def start(name):
    km = KernelManager(kernel_name=name)
    with ports_held():
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=TIMEOUT_S)
    return km, kc


def emit(scenario, **data):
    print(json.dumps({"scenario": scenario, **data}), flush=True)


def scenario_basic(km, kc):
    info = kc.kernel_info(reply=True, timeout=TIMEOUT_S)["content"]
    results = [summary(*run_cell(kc, "const n: number = 20; n + 22"))]
    results.append(summary(*run_cell(kc, "throw new RangeError('too far')")))
    results.append(summary(*run_cell(kc, "n * 2", silent=True)))
    results.append(summary(*run_cell(kc, "n * 3")))
    comp = shell_reply(kc, kc.is_complete("function f() {"))
    comp2 = shell_reply(kc, kc.is_complete("const x: number = 1"))
    comp3 = shell_reply(kc, kc.is_complete("enum Color {"))
    completion = kc.complete("const nn = 1;\nn", 15, reply=True, timeout=TIMEOUT_S)["content"]
    inspection = kc.inspect("n", 1, reply=True, timeout=TIMEOUT_S)["content"]
    comm = kc.comm_info(reply=True, timeout=TIMEOUT_S)["content"]
    # stop_on_error: a request queued behind a failing cell is aborted, not run.
    failing = kc.execute("await new Promise((resolve) => setTimeout(resolve, 300)); throw new Error('first fails')")
    queued = kc.execute("globalThis.ranAfterFailure = true")
    aborted = [shell_reply(kc, failing)["status"], shell_reply(kc, queued)["status"]]
    ran_after = summary(*run_cell(kc, "typeof ranAfterFailure"))
    emit("basic", info=info, results=results, is_complete=[comp, comp2, comp3], complete=completion, inspect=inspection, comm_info=comm, aborted=aborted, ran_after=ran_after)


def scenario_complete_unicode(km, kc):
    # complete_request for a member of a non-ASCII name; cursor_pos counts code points (the emoji is one)
    run_cell(kc, "var \u00e9 = { abc: 1, abd: 2 }")
    emit("complete_unicode", member=kc.complete("'\U0001F600'; \u00e9.a", 8, reply=True, timeout=TIMEOUT_S)["content"])


def scenario_history(km, kc):
    # history_request as jupyter console (up-arrow: tail) and %history-like clients (range, search) send it
    run_cell(kc, "const a: number = 1; a")
    run_cell(kc, "throw new Error('x')")
    run_cell(kc, "'quiet'", silent=True)
    run_cell(kc, "a * 100", store_history=False)
    run_cell(kc, "a + 1")
    run_cell(kc, "console.log('h\u00e9')")
    run_cell(kc, "a + 1")

    def history(**request):
        return kc.history(reply=True, timeout=TIMEOUT_S, **request)["content"]

    emit(
        "history",
        tail=history(hist_access_type="tail", n=3),
        tail_output=history(hist_access_type="tail", n=2, output=True),
        range=history(hist_access_type="range", session=0, start=1, stop=3),
        range_from_end=history(hist_access_type="range", session=0, start=-2, stop=0),
        range_earlier_session=history(hist_access_type="range", session=-1, start=1, stop=0),
        search=history(hist_access_type="search", pattern="a + ?"),
        search_unique=history(hist_access_type="search", pattern="a + ?", unique=True),
        search_last=history(hist_access_type="search", pattern="*Error*", n=1),
    )


def scenario_expressions(km, kc):
    # execute_request's user_expressions, evaluated after the cell (not for a failing one), as ipykernel does
    expressions = {"doubled": "q * 2", "typed": "(q as number) + 1", "missing": "nope.x"}
    ok, ok_outputs = run_cell(kc, "var q = 21", user_expressions=expressions)
    silent, _ = run_cell(kc, "q++", silent=True, user_expressions={"q": "q"})
    failing, _ = run_cell(kc, "throw new Error('no')", user_expressions={"q": "q"})
    emit("expressions", ok=ok, ok_outputs=[output["type"] for output in ok_outputs], silent=silent, failing=failing)


def scenario_gc(km, kc):
    # garbage made and collected in the window; then memory kept, then freed (a peak at the start)
    garbage = summary(*run_cell(kc, "{ const ring = new Array(1024); for (let i = 0; i < 3e6; i++) ring[i & 1023] = { i } }"))
    run_cell(kc, "globalThis.kept = Buffer.alloc(64 * 1024 * 1024, 1); 0")
    freed = summary(*run_cell(kc, "globalThis.kept = null; 0"))
    emit("gc", garbage=garbage, freed=freed)


def scenario_shown(km, kc):
    # 64 MiB values that only the notebook shows (nothing of the cells' scope names them), each
    # followed by a cell that keeps nothing; then a value whose showing allocates 64 MiB and spins 1 s
    cells = [
        "new Float64Array(8 << 20).fill(1)",
        "1",
        "await Promise.resolve(new Float64Array(8 << 20).fill(2))",
        "2",
        "Promise.resolve(new Float64Array(8 << 20).fill(3))",
        "3",
        "({ _repr_html_() { new Float64Array(8 << 20).fill(4); const end = Date.now() + 1000; while (Date.now() < end); return '<b>4</b>' } })",
    ]
    emit("shown", cells=[summary(*run_cell(kc, code)) for code in cells])


def scenario_exit(km, kc):
    # process.exit in a cell: an error under the cell, and the kernel goes on
    pid = km.provisioner.process.pid
    exited = summary(*run_cell(kc, "console.log('bye'); process.exit(2)"))
    after = summary(*run_cell(kc, "21 * 2"))
    # a cell that touches 5,000 fresh pages (as scenario_oneperf's) and exits: its report counts them
    touched = summary(*run_cell(kc, "var exitPages = new Float64Array(9216 * 512); for (let page = 0; page < 5000; page++) exitPages[page * 512] = 1; process.exit(0)"))
    # as scenario_oneperf reads it: the perf is stopped just after the reply, which under load came first ('R' once)
    time.sleep(0.2)
    perfs_after_touched = perfs_counting(pid)
    coded = summary(*run_cell(kc, "process.exitCode = 3; process.exit()"))
    # a timer's exit once its cell has ended: the kernel's stderr, as a timer's throw is
    scheduled = summary(*run_cell(kc, "setTimeout(() => process.exit(5), 50); 'scheduled'"))
    late = late_streams(kc)
    after_timer = summary(*run_cell(kc, "'still here'"))
    emit("exit", exited=exited, after=after, touched=touched, perfs_after_touched=perfs_after_touched, coded=coded,
         scheduled=scheduled, late_stderr=late, after_timer=after_timer, alive=km.is_alive())


def scenario_rerun(km, kc):
    # a cell run again, as notebooks do: its const, let and class are declared again
    cell = "const a: number = 20; let b; class K { v() { return a + 1; } }\nb = new K().v(); [a, b]"
    first = summary(*run_cell(kc, cell))
    again = summary(*run_cell(kc, cell))
    emit("rerun", first=first, again=again)


def scenario_comm(km, kc):
    # comm_open for a target the kernel has none of (a widget's front end opening one): the iopub
    # messages of that request, up to its idle
    msg = kc.session.msg("comm_open", {"comm_id": "c0ffee", "target_name": "jupyter.widget", "data": {}})
    kc.shell_channel.send(msg)
    outputs = []
    while True:
        reply = kc.get_iopub_msg(timeout=TIMEOUT_S)
        if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        if reply["msg_type"] == "status":
            if reply["content"]["execution_state"] == "idle":
                break
            continue
        outputs.append({"type": reply["msg_type"], "content": reply["content"]})
    emit("comm", outputs=outputs, after=summary(*run_cell(kc, "1 + 1")))


def scenario_frames(km, kc):
    # a throw's frames, each named by the cell it is in: cell[N] for In [N], unstored[N] for a cell sent with store_history False
    run_cell(kc, "function g(): void { throw new Error('u') }")
    unstored, _ = run_cell(kc, "function h(): void { g() }\nh()", store_history=False)
    stored, _ = run_cell(kc, "h()")
    emit("frames", unstored=unstored.get("traceback"), stored=stored.get("traceback"), stored_count=stored.get("execution_count"))


def scenario_unshowable(km, kc):
    # values whose showing throws: a Proxy whose get trap throws (asked for its _repr_html_), and an
    # object whose util.inspect.custom throws, returned and thrown; each must still get its reply and its report
    cells = [
        "new Proxy({}, { get() { throw new Error('trap') } })",
        "({ [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('inspect broke') } })",
        "throw { [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('thrown inspect broke') } }",
    ]
    results = []
    for code in cells:
        try:
            results.append(summary(*run_cell(kc, code, timeout=8)))
        except Exception as error:
            results.append({"status": f"no reply ({type(error).__name__})"})
    emit("unshowable", results=results, after=summary(*run_cell(kc, "perfcell.history.map((report) => report.label).join()")))


def heartbeat(km):
    """One ping on the heartbeat channel; True when echoed within 2 s."""
    import zmq
    context = zmq.Context.instance()
    socket = context.socket(zmq.REQ)
    socket.linger = 0
    socket.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
    try:
        socket.send(b"ping")
        return socket.poll(2000) != 0 and socket.recv() == b"ping"
    finally:
        socket.close()


def outputs_until_idle(kc, msg_id):
    """The outputs of the cell msg_id sent, in order, read from iopub until it is idle."""
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT_S)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return outputs
        if msg["msg_type"] != "status":
            outputs.append({"type": msg["msg_type"], "content": msg["content"]})


def scenario_interrupt(km, kc):
    msg_id = kc.execute("let spins = 0; while (true) { spins++ }")
    time.sleep(1.0)
    hb_busy = heartbeat(km)
    time.sleep(0.5)
    km.interrupt_kernel()
    deadline = time.monotonic() + TIMEOUT_S
    reply = kc.get_shell_msg(timeout=TIMEOUT_S)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
    outputs = outputs_until_idle(kc, msg_id)
    after = summary(*run_cell(kc, "spins > 0 ? 'spun and went on' : 'never spun'"))
    # An awaiting cell is interrupted too (node:repl's Ctrl-C path for top-level await).
    msg_id = kc.execute("await new Promise(() => {})")
    time.sleep(1.0)
    km.interrupt_kernel()
    awaited = kc.get_shell_msg(timeout=TIMEOUT_S)
    while awaited["parent_header"].get("msg_id") != msg_id:
        awaited = kc.get_shell_msg(timeout=TIMEOUT_S)
    after_await = summary(*run_cell(kc, "1 + 1"))
    emit("interrupt", hb_during_busy_cell=hb_busy, interrupted=summary(reply["content"], outputs), after=after, awaited={"status": awaited["content"]["status"], "ename": awaited["content"].get("ename")}, after_await=after_await)


def interrupted_cell(km, kc, code, wait_s):
    """Runs code, interrupts it after wait_s; returns its summary, outputs in order, once it is idle."""
    msg_id = kc.execute(code)
    time.sleep(wait_s)
    km.interrupt_kernel()
    outputs = outputs_until_idle(kc, msg_id)
    return summary(shell_reply(kc, msg_id), outputs)


def scenario_interrupt_first_await(km, kc):
    # the kernel's first cell holding await (and a var, which node:repl hoists out of its await
    # wrapper), interrupted 15 ms after it was sent: node:repl was then loading its await parser,
    # with the signal's default action on; read while the kernel lives
    msg_id = kc.execute("await new Promise((resolve) => setTimeout(resolve, 2000)); var firstPages = new Float64Array(9216 * 512); for (let page = 0; page < 5000; page++) firstPages[page * 512] = 1; 'not interrupted'")
    time.sleep(0.015)
    km.interrupt_kernel()
    outputs = []
    deadline = time.monotonic() + TIMEOUT_S
    while km.is_alive() and time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except Exception:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] != "status":
            outputs.append({"type": msg["msg_type"], "content": msg["content"]})
    if not km.is_alive():
        emit("interrupt_first_await", alive=False, exit_code=km.provisioner.process.poll(), outputs=outputs)
        return
    interrupted = summary(shell_reply(kc, msg_id), outputs)
    emit("interrupt_first_await", alive=True, interrupted=interrupted, after=summary(*run_cell(kc, "21 * 2")))


def scenario_interrupt_sweep(km, kc):
    # a long cell holding await (300 statements: node:repl parses it for the await, then compiles it),
    # interrupted 0 to 20 ms after it was sent, every 0.5 ms: the SIGINT's default action was on
    # through that parse and compile; read while the kernel lives
    body = "; ".join(f"var sweep{i} = [{i}, {i} + 1, {{ a: {i} }}].map((x) => x)" for i in range(300))
    code = f"await new Promise((resolve) => setTimeout(resolve, 100)); {body}; 'not interrupted'"
    run_cell(kc, "await 1")
    answered = []
    for step in range(40):
        msg_id = kc.execute(code)
        time.sleep(step / 2000)
        km.interrupt_kernel()
        deadline = time.monotonic() + 20
        status = None
        while km.is_alive() and time.monotonic() < deadline and status is None:
            try:
                msg = kc.get_iopub_msg(timeout=0.2)
            except Exception:
                continue
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                status = shell_reply(kc, msg_id)["status"]
        if not km.is_alive():
            emit("interrupt_sweep", alive=False, died_after_ms=step / 2, exit_code=km.provisioner.process.poll(), answered=answered)
            return
        answered.append(status)
    emit("interrupt_sweep", alive=True, answered=answered, after=summary(*run_cell(kc, "21 * 2")))


def scenario_interrupt_timing(km, kc):
    # a cell awaiting perfcell.timeit, then one awaiting perfcell.compare, each interrupted some 1.5 s in
    spin = "const end = Date.now() + 50; while (Date.now() < end);"
    timeit = interrupted_cell(km, kc, f"await perfcell.timeit(() => {{ {spin} }}, {{ runs: 1000, loops: 1, warmup: 0 }})", 1.5)
    compare = interrupted_cell(km, kc, f"await perfcell.compare({{ a: () => {{ {spin} }}, b: () => {{ {spin} }} }}, {{ runs: 1000, loops: 1, warmup: 0 }})", 1.5)
    emit("interrupt_timing", timeit=timeit, compare=compare, after=summary(*run_cell(kc, "1 + 1")))


def scenario_interrupt_child(km, kc):
    # a cell waiting on a child synchronously (execSync), interrupted: the kernel leads its process
    # group, and the child gets the SIGINT too, as ipykernel and KernelManager's signal mode send it
    msg_id = kc.execute("require('node:child_process').execSync('sleep 8')")
    time.sleep(1.5)
    start = time.monotonic()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id)
    emit("interrupt_child", status=reply["status"], ename=reply.get("ename"), seconds=time.monotonic() - start)


def gone_within(km, limit_s):
    """Seconds until the kernel process is gone (reaped), or None past limit_s."""
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        if km.provisioner.process.poll() is not None:
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def scenario_shutdown_spinning(km, kc):
    # shutdown_request alone (KernelClient.shutdown(), as a client that does not interrupt first sends it)
    # while a cell spins in synchronous code
    kc.execute("while (true) {}")
    time.sleep(1.0)
    start = time.monotonic()
    try:
        reply = kc.shutdown(reply=True, timeout=10)["content"]
    except Exception:
        reply = None
    replied_s = time.monotonic() - start
    gone_s = gone_within(km, 10 - replied_s)
    emit("shutdown_spinning", reply=reply, replied_s=replied_s, gone_s=None if gone_s is None else replied_s + gone_s)


def scenario_shutdown_held(km, kc):
    # KernelManager's shutdown (interrupt, shutdown_request, SIGTERM after half its grace, SIGKILL at
    # its end) of a kernel whose cell waits on a child that ignores SIGINT and SIGTERM
    pid_file = os.path.join(tempfile.mkdtemp(), "child.pid")
    kc.execute(f"require('node:child_process').execSync(\"trap '' INT TERM; echo $$ > {pid_file}; exec sleep 30\")")
    deadline = time.monotonic() + 10
    while not os.path.exists(pid_file) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    with open(pid_file) as pid_text:
        child = int(pid_text.read())
    start = time.monotonic()
    km.shutdown_kernel(now=False)
    seconds = time.monotonic() - start
    emit("shutdown_held", seconds=seconds, child=child, child_alive=alive(child))


def scenario_restart(km, kc):
    before = summary(*run_cell(kc, "globalThis.mark = 'before restart'; process.pid"))
    old_pid = km.provisioner.process.pid
    with ports_held():
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT_S)
    after = summary(*run_cell(kc, "typeof mark"))
    emit("restart", before=before, after=after, old_pid=old_pid, old_alive=alive(old_pid), new_pid=km.provisioner.process.pid)


def scenario_shutdown(km, kc):
    pid = km.provisioner.process.pid
    run_cell(kc, "1")
    km.shutdown_kernel(now=False)
    emit("shutdown", pid=pid, alive=alive(pid), exit_code=None)


def scenario_badsig(km, kc):
    # A client signing with the wrong key: its execute must be dropped, never executed.
    bad = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
    msg = bad.msg("execute_request", {"code": "globalThis.pwned = true; 'pwned'", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    bad.send(kc.shell_channel.socket, msg)
    time.sleep(1.0)
    check = summary(*run_cell(kc, "typeof pwned"))
    emit("badsig", check=check)


def scenario_api(km, kc):
    cells = [
        "perfcell.stop()",
        "'unreported'",
        "perfcell.start()",
        "perfcell.events('page-faults', 'task-clock')",
        "perfcell.interval(20)",
        "await new Promise((resolve) => setTimeout(resolve, 120)); perfcell.last.label",
        "({ _repr_html_: () => '<b>rich</b>', toString: () => 'plain' })",
        "perfcell.history.length",
        "perfcell.history.map((report) => report.label).join()",
        "perfcell.events('default')",
        "perfcell.events()",
    ]
    results = [summary(*run_cell(kc, code)) for code in cells]
    # An earlier cell's timer throwing after the cell ended: shown as stderr, and the kernel goes on.
    stray = summary(*run_cell(kc, "setTimeout(() => { throw new Error('thrown by a timer') }, 0); 'scheduled'"))
    late = late_streams(kc)
    after_stray = summary(*run_cell(kc, "'still here'"))
    emit("api", results=results, stray=stray, late_stderr=late, after_stray=after_stray)


def scenario_empty(km, kc):
    # cells that do nothing: what perf counts in them is the kernel's own work; then a throw's column
    run_cell(kc, "perfcell.events('task-clock', 'page-faults')")
    for _ in range(25):
        run_cell(kc, "void 0")
    history = summary(*run_cell(kc, "JSON.stringify(perfcell.history.slice(6).map((r) => [r.durationS, ...r.counters.events.map((e) => e.total)]))"))
    thrown = summary(*run_cell(kc, "function f() { throw new Error('boom') }\nf()"))
    emit("empty", history=history, thrown=thrown)


def late_streams(kc):
    """The stream text the kernel sends once no cell runs (a timer's), until it is quiet for a second."""
    late = []
    try:
        while True:
            msg = kc.get_iopub_msg(timeout=1.0)
            if msg["msg_type"] == "stream":
                late.append(msg["content"]["text"])
    except Exception:
        pass
    return "".join(late)


def perfs_counting(pid):
    """The perf processes attached to pid (`perf stat ... --pid PID`), each with its state letter."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                argv = cmdline.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as stat:
                state = stat.read().split(") ")[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if argv and os.path.basename(argv[0]) == b"perf" and b"--pid" in argv and argv[argv.index(b"--pid") + 1] == str(pid).encode():
            found.append([int(entry), state])
    return found


def scenario_oneperf(km, kc):
    # one perf serves every cell, stopped (state T) between them; a cell that touches 5,000 pages counts them
    pid = km.provisioner.process.pid
    run_cell(kc, "1 + 1")
    seen = [perfs_counting(pid)]
    touched = []
    for index in range(3):
        # test/support/fresh-pages.ts's touchFreshPages: 5,000 pages of a buffer over glibc's largest mmap
        # threshold, a mapping of its own (a smaller one may reuse pages of malloc's heap: 4,797 faults once)
        touched.append(summary(*run_cell(kc, f"var pages{index} = new Float64Array(9216 * 512); for (let page = 0; page < 5000; page++) pages{index}[page * 512] = 1; void 0")))
        time.sleep(0.2)
        seen.append(perfs_counting(pid))
    emit("oneperf", seen=seen, touched=touched)


def scenario_held(km, kc):
    # two cells of 8,192 fresh pages each, one at once and one over 100 ms, under the perf PERFCELL_PERF
    # names (the test's: writes held by strace); each cell's report as the kernel displays it
    pages = 8192
    cells = [
        f"var held0 = new Float64Array({pages} * 512); for (let i = 0; i < held0.length; i += 512) held0[i] = 1; void 0",
        f"var held1 = new Float64Array({pages} * 512); var t1 = performance.now(); for (let i = 0; i < held1.length; i += 512) {{ while (performance.now() < t1 + (100 * i) / held1.length); held1[i] = 1 }} void 0",
    ]
    emit("held", cells=[summary(*run_cell(kc, code)) for code in cells])


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def main():
    name = sys.argv[1]
    pids = []
    for scenario in sys.argv[2:]:
        km, kc = start(name)
        pids.append(km.provisioner.process.pid)
        try:
            globals()[f"scenario_{scenario}"](km, kc)
        finally:
            kc.stop_channels()
            if km.has_kernel:
                # As Jupyter does: shutdown_request first, a kill only if the kernel does not exit.
                km.shutdown_kernel(now=False)
    # Every kernel started (a restart's new one is in its scenario's data), for the leaked-perf check.
    emit("_pids", pids=pids)


if __name__ == "__main__":
    main()
