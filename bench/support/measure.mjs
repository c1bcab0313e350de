// The measurements. Each is bounded by time, not by count: Node's fork gets very slow as the
// parent's memory grows, and a count-bounded loop would run for minutes.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setImmediate, setTimeout } from 'node:timers';
import { runDelayMs, sampleOthers } from './machine.mjs';
import { percentile } from './stats.mjs';
import { track } from './impls.mjs';

const COMMAND = '/bin/true';

/**
 * CPU time (ms) of this process and of its reaped children (and theirs): utime, stime, cutime,
 * cstime from /proc/self/stat. Per spawn, it counts what the machine spent, helper processes
 * included, whatever the scheduling delays on a busy machine.
 */
function cpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
const nowMs = () => performance.now();

/** Settles when `child` has closed; rejects with its spawn error if it emitted one. */
function whenClosed(child) {
  return new Promise((resolve, reject) => {
    let failure;
    child.once('error', (error) => {
      failure = error;
    });
    child.once('close', () => {
      if (failure === undefined) resolve();
      else reject(failure);
    });
  });
}

/**
 * Starts one child with `impl`. Returns the time the JS thread spent inside the call (µs) and a
 * promise that settles once the child has closed (rejects with a spawn error).
 */
function startOne(impl, stdio) {
  const t0 = process.hrtime.bigint();
  const result = impl.start(COMMAND, [], { stdio });
  const blockUs = Number(process.hrtime.bigint() - t0) / 1e3;
  // Listeners go on synchronously: Node may emit a spawn 'error' on the next tick.
  const done = impl.async
    ? result.then((child) => whenClosed(track(child)))
    : whenClosed(track(result));
  return { blockUs, done };
}

/**
 * (1) and (3): spawn, wait for 'close', repeat until `durationMs` has passed. Returns the rate
 * and the time each call held the JS thread (for spawnAsync: the synchronous part of the call).
 */
export async function sequential(impl, stdio, durationMs) {
  const others = sampleOthers();
  const blocks = [];
  const cpu0 = cpuMs();
  const t0 = nowMs();
  const deadline = t0 + durationMs;
  let count = 0;
  while (nowMs() < deadline) {
    const { blockUs, done } = startOne(impl, stdio);
    blocks.push(blockUs);
    await done;
    count++;
  }
  const elapsed = nowMs() - t0;
  return {
    rate: (count * 1000) / elapsed,
    cpuPerSpawnMs: (cpuMs() - cpu0) / count,
    count,
    blockP50Us: percentile(blocks, 50),
    blockP99Us: percentile(blocks, 99),
    blockMaxUs: percentile(blocks, 100),
    others: others.end(),
  };
}

/**
 * (2) and (4): keep `inFlight` children running, starting a new one on each 'close', until
 * `durationMs` has passed; then let the last ones finish. With `tickTurns`, a ticker counts
 * event-loop turns and records the longest gap between two turns: `'timer'` re-arms a 1 ms
 * setTimeout (the loop may sleep in between, like an idle app that wants to react within a
 * millisecond), `'immediate'` re-arms setImmediate (the JS thread never sleeps: on a small
 * machine it then competes for a CPU with the spawner thread and the children).
 */
export function concurrent(
  impl,
  inFlight,
  durationMs,
  { tickTurns = false, ticker = 'timer' } = {},
) {
  const rearm = ticker === 'immediate' ? setImmediate : (fn) => setTimeout(fn, 1);
  const others = sampleOthers();
  const delay0 = runDelayMs();
  return new Promise((resolve) => {
    const t0 = nowMs();
    const deadline = t0 + durationMs;
    let active = 0;
    let completed = 0;
    let firstError;
    let turns = 0;
    let lastTurn = t0;
    let longestStall = 0;
    let stallsOver20 = 0;
    let ticking = tickTurns;
    let tickEnd = deadline;
    // Turns are counted while spawning goes on: up to the first turn after the deadline.
    const tick = () => {
      const now = nowMs();
      longestStall = Math.max(longestStall, now - lastTurn);
      if (now - lastTurn > 20) stallsOver20++;
      lastTurn = now;
      turns++;
      if (now >= deadline) {
        ticking = false;
        tickEnd = now;
      }
      if (ticking) rearm(tick);
    };
    if (tickTurns) rearm(tick);

    const finish = () => {
      const end = nowMs();
      const elapsed = end - t0;
      if (ticking) {
        longestStall = Math.max(longestStall, end - lastTurn);
        if (end - lastTurn > 20) stallsOver20++;
        tickEnd = end;
        ticking = false;
      }
      resolve({
        rate: (completed * 1000) / elapsed,
        completed,
        error: firstError === undefined ? undefined : String(firstError.code ?? firstError),
        turnsPerSec: tickTurns ? (turns * 1000) / (tickEnd - t0) : undefined,
        longestStallMs: tickTurns ? longestStall : undefined,
        stallsOver20: tickTurns ? stallsOver20 : undefined,
        // Time the JS thread was runnable but had no CPU (other processes, our own threads).
        runDelayMs: runDelayMs() - delay0,
        others: others.end(),
      });
    };
    const start = () => {
      active++;
      startOne(impl, 'ignore').done.then(
        () => {
          completed++;
          settled();
        },
        (error) => {
          firstError ??= error;
          settled();
        },
      );
    };
    const settled = () => {
      active--;
      if (nowMs() < deadline && firstError === undefined) start();
      else if (active === 0) finish();
    };
    for (let i = 0; i < inFlight && nowMs() < deadline; i++) start();
    if (active === 0) finish();
  });
}
