import type { CapabilityFacts } from './capabilities.ts';
import type { Verdict } from './diagnose.ts';
import type { CgroupMethod } from '../session/cgroup.ts';
import type { CpuCgroupMethod } from '../session/cpu-cgroup.ts';

const MEMORY: Readonly<Record<CgroupMethod, string>> = {
  'memory-cgroup-v1': 'cgroup v1 memory.max_usage_in_bytes',
  'memory-cgroup-v2': 'cgroup v2 memory.peak',
};

const CPU: Readonly<Record<CpuCgroupMethod, string>> = {
  'cpuacct-cgroup-v1': 'cgroup v1 cpuacct.usage',
  'cpu-stat-cgroup-v2': "cgroup v2 cpu.stat, the memory cgroup's own",
};

const PEAK_EXACT = "peak RAM: the process tree's high-water mark, which the kernel keeps: exact, with no polling";
const PEAK_SAMPLED = "peak RAM: without a memory cgroup the process tree's RSS is sampled from /proc every 10 ms, which can miss a shorter peak";
const CPU_TREE = "CPU: every descendant's, waited for or not (a child left running, a daemon)";
const CPU_WAITED = 'CPU: without a CPU cgroup only the children the program waited for are in it, as under time -v; a child left running or a daemon is not';

/**
 * Whether `run` (and compare's commands) can make the cgroups that measure a program's whole
 * tree (cgroup.ts, cpu-cgroup.ts): without them peaks are sampled and CPU may leave out children,
 * which the reports do not repeat at every run. `warn`, never `fail`: everything is still measured.
 */
export function treeCgroups(facts: CapabilityFacts): Verdict {
  const refused = facts.treeCgroups.moveRefused;
  if (refused.length > 0) return moveRefused(facts);
  const { memory, cpu } = facts.treeCgroups;
  const details = [memory === null ? PEAK_SAMPLED : PEAK_EXACT, cpu === null ? CPU_WAITED : CPU_TREE];
  if (memory !== null && cpu !== null) {
    return { check: 'tree-cgroups', status: 'ok', summary: `perfcell run and compare make a memory cgroup (${MEMORY[memory]}) and a CPU cgroup (${CPU[cpu]}) for the program's tree`, details, fix: null };
  }
  const who = facts.uid === 0 ? 'root' : `uid ${facts.uid}`;
  const summary =
    memory !== null
      ? `a memory cgroup (${MEMORY[memory]}) but no CPU cgroup can be made here (${who}): CPU may leave out children`
      : cpu !== null
        ? `a CPU cgroup (${CPU[cpu]}) but no memory cgroup can be made here (${who}): peaks are sampled`
        : `no memory or CPU cgroup can be made here (${who}): peaks are sampled, and CPU may leave out children`;
  if (facts.uid === 0) {
    const missing = memory === null ? 'no memory hierarchy mounted (cgroup v1 memory, or v2 with memory.peak, kernel 5.19 and later)' : 'no cgroup v1 cpuacct hierarchy mounted';
    return {
      check: 'tree-cgroups',
      status: 'warn',
      summary,
      details: [...details, `root, yet none was made: ${missing}, or /sys/fs/cgroup read-only (a container)`],
      fix: 'grep cgroup /proc/self/mountinfo',
    };
  }
  return {
    check: 'tree-cgroups',
    status: 'warn',
    summary,
    details: [...details, 'perfcell makes them below its own cgroup (/proc/self/cgroup) where it may, else below the hierarchy\'s root, which takes root: on cgroup v1 a memory and cpuacct cgroup of this user\'s own serves too'],
    fix: 'run perfcell as root: sudo perfcell run -- PROG',
  };
}

/**
 * The cgroups are made but the kernel refuses a process in one (its cgroup.procs): a run falls
 * back then as where none is made, so the check says which one and what the run loses.
 */
function moveRefused(facts: CapabilityFacts): Verdict {
  const { memory, cpu, moveRefused: refused } = facts.treeCgroups;
  const who = facts.uid === 0 ? 'root' : `uid ${facts.uid}`;
  const memoryMoves = memory !== null && !refused.includes('memory');
  const cpuMoves = cpu !== null && !refused.includes('cpu');
  const names = refused.map((kind) => (kind === 'memory' && memory !== null ? `the memory cgroup (${MEMORY[memory]})` : cpu !== null ? `the CPU cgroup (${CPU[cpu]})` : 'the CPU cgroup'));
  const loses = [...(memoryMoves ? [] : ['peaks are sampled']), ...(cpuMoves ? [] : ['CPU may leave out children'])].join(', and ');
  return {
    check: 'tree-cgroups',
    status: 'warn',
    summary: `perfcell run and compare make ${names.join(' and ')} here but cannot move a process into ${refused.length === 1 ? 'it' : 'them'} (${who}): ${loses}`,
    details: [
      memoryMoves ? PEAK_EXACT : PEAK_SAMPLED,
      cpuMoves ? CPU_TREE : CPU_WAITED,
      "the kernel refused the program's pid in the new cgroup's cgroup.procs: on cgroup v2 the writer needs the cgroup.procs of the common ancestor of the cgroup it leaves and the one it enters too; else a security module (SELinux, AppArmor) refused it",
    ],
    fix: facts.uid === 0 ? 'dmesg | grep -i -e denied -e cgroup' : 'run perfcell as root: sudo perfcell run -- PROG',
  };
}
