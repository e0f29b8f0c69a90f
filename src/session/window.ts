import { startPerf, type PerfSession } from '../perf/controller.ts';
import { PerfError } from '../errors.ts';
import { readCpuTicks, readProcMemory, resetPeakRss } from '../proc/read-proc.ts';
import type { CpuTicks } from '../../parsers/proc-stat.ts';
import { monotonicNs } from './clock.ts';
import { buildCpuReport } from './cpu.ts';
import { buildPerfCounters, noCounters } from './counters.ts';
import { resolvePerfOptions, type MeasureOptions } from './options.ts';
import type { CommandReport, CountersReport, HeapReport, PeakMethod } from './report.ts';
import { startGcWindow, type GcWindow } from './gc.ts';

/**
 * A measurement window over a living process (perfcell's own, for the REPL and cells).
 * prepareWindow() attaches perf with counting disabled, which takes tens of ms, so it can be
 * done while the person types; begin() only resets the peak, reads the starting point and
 * enables perf; end() reads the end point at once, then collects perf's samples.
 */
export interface MeasurementWindow {
  begin(): Promise<void>;
  end(outcome?: { exitCode?: number | null; signal?: string | null }): Promise<CommandReport>;
  /** Drops the window (perf stopped, nothing reported); safe to call twice. */
  cancel(): void;
}

interface Start {
  readonly ns: bigint;
  readonly rssBytes: number | null;
  readonly cpuTicks: readonly CpuTicks[];
  readonly cpuUsage: NodeJS.CpuUsage | null;
  readonly heap: NodeJS.MemoryUsage | null;
  readonly peakMethod: PeakMethod;
  /** This process's collections since the start (own process only). */
  readonly gc: GcWindow | null;
}

export function prepareWindow(pid: number, options: MeasureOptions = {}): MeasurementWindow {
  const perfOptions = resolvePerfOptions(options);
  const isSelf = pid === process.pid;
  const warnings: string[] = [];
  let perf: PerfSession | null = perfOptions.enabled ? startPerf(pid, perfOptions) : null;
  let start: Start | null = null;
  const startedAt = new Date();

  return {
    async begin() {
      // The enable request is written now and the starting point read while perf acks it: nothing
      // of ours runs between the reads and the command but the wait for the ack.
      const enabled = perf?.enable();
      const peakMethod: PeakMethod = resetPeakRss(pid) ? 'vmhwm-reset' : 'sampled';
      if (peakMethod === 'sampled') warnings.push(`cannot reset the peak RSS of pid ${pid} (not our process?); the peak is the larger of start and end`);
      const rssBytes = readProcMemory(pid)?.rssBytes ?? null;
      const cpuTicks = readCpuTicks();
      const heap = isSelf ? process.memoryUsage() : null;
      if (enabled !== undefined) {
        try {
          await enabled;
        } catch (error: unknown) {
          perf = null;
          if (perfOptions.explicit || !(error instanceof PerfError)) throw error;
          warnings.push(`${error.message}; measuring RAM, time and CPU only`);
        }
      }
      start = { rssBytes, cpuTicks, cpuUsage: isSelf ? process.cpuUsage() : null, heap, peakMethod, gc: isSelf ? startGcWindow() : null, ns: monotonicNs() };
    },

    async end(outcome = {}) {
      const endNs = monotonicNs();
      if (start === null) throw new Error('end() before begin()');
      // Stopped first: only collections inside the window count, none perfcell causes after it.
      const gc = start.gc?.stop();
      // perf is stopped first: its SIGINT goes out now (perf idle in poll() takes its last interval
      // as soon as it runs, the same moment a disable would take effect, one hand-over sooner), and
      // /proc is read meanwhile; the report does not wait for perf's teardown.
      const stopped = perf?.stop({ startNs: start.ns, endNs, awaitExit: false });
      const memory = readProcMemory(pid);
      const cpuTicks = readCpuTicks();
      const cpuUsage = start.cpuUsage ? process.cpuUsage(start.cpuUsage) : null;
      const heap = start.heap ? heapDelta(start.heap, process.memoryUsage()) : null;

      let counters: CountersReport = noCounters();
      if (perf !== null && stopped !== undefined) {
        const window = await stopped;
        if (window.problem) warnings.push(window.problem.message);
        const built = buildPerfCounters(window, perfOptions.intervalMs);
        counters = built.counters;
        warnings.push(...built.notes);
        perf = null;
      }
      const rssAfterBytes = memory?.rssBytes ?? null;
      const peakRssBytes =
        start.peakMethod === 'vmhwm-reset'
          ? (memory?.peakRssBytes ?? null)
          : maxOrNull(start.rssBytes, rssAfterBytes);
      return {
        label: options.label ?? '',
        startedAt: startedAt.toISOString(),
        durationS: Number(endNs - start.ns) / 1e9,
        exitCode: outcome.exitCode ?? null,
        signal: outcome.signal ?? null,
        memory: {
          rssBeforeBytes: start.rssBytes,
          rssAfterBytes,
          usedBytes: rssAfterBytes === null || start.rssBytes === null ? null : rssAfterBytes - start.rssBytes,
          peakRssBytes,
          peakAboveFinalBytes: peakRssBytes === null || rssAfterBytes === null ? null : Math.max(0, peakRssBytes - rssAfterBytes),
          peakMethod: start.peakMethod,
          ...(heap === null ? {} : { heap }),
        },
        cpu: buildCpuReport(start.cpuTicks, cpuTicks, {
          userS: cpuUsage === null ? null : cpuUsage.user / 1e6,
          systemS: cpuUsage === null ? null : cpuUsage.system / 1e6,
        }),
        counters,
        warnings,
        ...(gc === undefined ? {} : { gc }),
      };
    },

    cancel() {
      perf?.kill();
      perf = null;
    },
  };
}

function heapDelta(before: NodeJS.MemoryUsage, after: NodeJS.MemoryUsage): HeapReport {
  return {
    heapUsedDeltaBytes: after.heapUsed - before.heapUsed,
    externalDeltaBytes: after.external - before.external,
    arrayBuffersDeltaBytes: after.arrayBuffers - before.arrayBuffers,
    heapUsedAfterBytes: after.heapUsed,
  };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
