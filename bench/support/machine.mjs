// What else the machine is doing: load averages, and the CPU used by other processes while a
// measurement ran (machine busy time minus this process's and its reaped children's).
import { readFileSync } from 'node:fs';
import os from 'node:os';

function machineTicks() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is inside user
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { total, busy: total - idle };
}

function ownTicks() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14..17 of the full line (11..14 after the name).
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
}

/** Starts a sample; `end()` returns the cores' worth of CPU other processes used meanwhile. */
export function sampleOthers() {
  const m0 = machineTicks();
  const o0 = ownTicks();
  return {
    end() {
      const m1 = machineTicks();
      const o1 = ownTicks();
      const wall = (m1.total - m0.total) / os.availableParallelism();
      if (wall <= 0) return 0;
      return Math.max(0, (m1.busy - m0.busy - (o1 - o0)) / wall);
    },
  };
}

/** Facts printed at the top of every report. */
export function machineFacts() {
  let thp = 'unknown';
  try {
    thp = /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))[1];
  } catch {
    // not exposed
  }
  return {
    node: process.version,
    kernel: os.release(),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memGiB: os.totalmem() / 2 ** 30,
    thp,
    loadavg: os.loadavg(),
  };
}

/** Milliseconds the calling thread has waited for a CPU while runnable (preemption), so far. */
export function runDelayMs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return NaN;
  }
}
