// killTree(): signal a child and every one of its descendants, never anything else.
import type { ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { bindingState } from './binding.js';
import { nodeError } from './errors.js';
import { tetheredHandleOf } from './seam.js';
import { signalNumber } from './signals.js';
import { validateTreeGraceMs } from './options.js';

/** Options of {@link killTree}. */
export interface KillTreeOptions {
  /**
   * Tree children only: SIGKILL whatever is left of the tree this many milliseconds later (as the
   * guardian does when the parent dies). Default: no escalation.
   */
  graceMs?: number | undefined;
}

/**
 * Sends `signal` (default `'SIGTERM'`) to `child` and to every live descendant of it. Returns
 * `true` if anything was signalled (or, for a tree child, the guardian took the request), `false`
 * otherwise. Not in `node:child_process`.
 *
 * - Children spawned with `tree: true`: the child's guardian signals the whole tree, including
 *   processes that were orphaned or double-forked away and processes left after the child itself
 *   exited. Every process is held by a pidfd and its parentage re-checked before the signal, so a
 *   reused pid is never hit. Without pidfds (Linux < 5.3, `TETHERED_NO_PIDFD=1`) the guardian can
 *   prove only its own children and signals those; `graceMs` then still kills the whole tree.
 * - Any other child (tethered or Node's own): best effort. Its descendants are found by walking
 *   `/proc` from the child while it runs, with the same pidfd proof; processes that already left
 *   its tree (orphans, `setsid` daemons whose parent exited) cannot be found. Needs pidfds: without
 *   them only the child is signalled. After the child's exit nothing is signalled.
 */
export function killTree(
  child: ChildProcess,
  signal: NodeJS.Signals | number = 'SIGTERM',
  options: KillTreeOptions = {},
): boolean {
  const sig = signalNumber(signal);
  if (sig === undefined) {
    throw nodeError(TypeError, 'ERR_UNKNOWN_SIGNAL', `Unknown signal: ${String(signal)}`);
  }
  const graceMs = options.graceMs;
  validateTreeGraceMs(graceMs, 'options.graceMs');
  const exited = child.exitCode !== null || child.signalCode !== null;
  const handle = tetheredHandleOf(child);
  if (handle !== undefined) {
    if (!handle.tree && exited) return false;
    return handle.killTree(sig, graceMs ?? -1) === 0;
  }
  // Node's own child: until it has exited (exitCode or signalCode set), libuv has not reaped it
  // (it reaps and reports in one callback), so its pid is still its own.
  const pid = child.pid;
  if (pid === undefined || exited) return false;
  const binding = bindingState().binding;
  if (binding?.facts().pidfd === true && binding.killTree(0, sig, -1, pid) === 0) return true;
  return child.kill(sig === osConstants.signals.SIGTERM ? 'SIGTERM' : sig);
}
