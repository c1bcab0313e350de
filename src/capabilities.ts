// capabilities(): what tethered can do in this process, honestly.
import { readFileSync } from 'node:fs';
import { bindingState, type NativeFacts } from './binding.js';
import { errnoName } from './errno.js';
import { registryFor } from './registry.js';
import { seamProblem } from './seam.js';
import { armedSpawnSync } from './sync.js';
import { treeSupport } from './tree-support.js';

/** What this process can do; see {@link capabilities}. */
export interface Capabilities {
  /** Children get a death signal (the addon loaded, the spawner thread runs, the seam exists). */
  deathSignal: boolean;
  /** Exits are watched through pidfds and kill() uses pidfd_send_signal (Linux >= 5.3). */
  pidfd: boolean;
  /** Children are created with clone(CLONE_VM | CLONE_VFORK): cost independent of memory size. */
  cloneVfork: boolean;
  /** Why something above is false, if anything is. */
  fallbackReason?: string;
  /**
   * spawnSync, execSync and execFileSync are tethered too: the death signal works and Node's
   * `spawn_sync` binding can be rerouted. Where false, they run Node's untethered runner (or
   * throw `ERR_TETHER_UNAVAILABLE` with `requireTether: true`).
   */
  sync: boolean;
  /** Why `sync` is false, if it is. */
  syncFallbackReason?: string;
  /**
   * Tree mode works here: its guardian ran (from a memfd, or the file beside the addon) and the
   * kernel has PR_SET_CHILD_SUBREAPER. Checked by running the guardian once.
   */
  tree: boolean;
  /** Why `tree` is false. */
  treeReason?: string;
  /**
   * This process holds CAP_KILL, so a child that switched to another `uid` still receives the
   * death signal. Without it, such children are not tethered.
   */
  canSignalOtherUids: boolean;
  /** Limits of the tether that hold everywhere. */
  notes: string[];
}

const CAP_KILL = 5;

/** The last CapEff read, for when /proc cannot be read (e.g. the process is out of fds). */
let lastCapKill = false;

function hasCapKill(): boolean {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    lastCapKill =
      match?.[1] !== undefined && (BigInt(`0x${match[1]}`) & (1n << BigInt(CAP_KILL))) !== 0n;
  } catch {
    // keep the last answer
  }
  return lastCapKill;
}
hasCapKill(); // read while the process surely has a free fd

/** Why exits are polled by pid rather than watched through pidfds, if they are. */
function pidfdFallbackReason(facts: NativeFacts): string | undefined {
  if (facts.pidfdForcedOff === true) return 'TETHERED_NO_PIDFD=1 forces polling by pid';
  const error = facts.pidfdOpenError;
  if (error === undefined) return undefined;
  const name = errnoName(error);
  if (name === 'ENOSYS') return 'pidfd_open is not available (Linux < 5.3)';
  if (name === 'EPERM') return 'pidfd_open is refused (EPERM: a seccomp filter)';
  return `pidfd_open failed (${name})`;
}

const NOTES = [
  'A child that execs a set-user-ID, set-group-ID or file-capability binary loses its death signal (kernel rule).',
  'Grandchildren are not tethered unless the child runs in tree mode (tree: true): the death signal is not inherited across fork.',
  'process.execve() ends the spawner thread, so every tethered child gets its death signal.',
];

/**
 * Reports what tethered can do in this process. Starting the spawner thread is part of the check,
 * so the first call may create it. Not in `node:child_process`.
 */
export function capabilities(): Capabilities {
  const canSignalOtherUids = hasCapKill();
  const notes = [...NOTES];
  const state = bindingState();
  const seam = seamProblem();
  const syncProblem = armedSpawnSync.install();
  if (state.binding === undefined || seam !== undefined) {
    const fallbackReason = state.reason ?? seam ?? 'unknown';
    return {
      deathSignal: false,
      pidfd: false,
      cloneVfork: false,
      fallbackReason,
      sync: false,
      syncFallbackReason:
        state.binding === undefined ? fallbackReason : (syncProblem ?? fallbackReason),
      tree: false,
      treeReason: fallbackReason,
      canSignalOtherUids,
      notes,
    };
  }
  const facts = state.binding.facts();
  const noThread = 'the spawner thread could not be started';
  const startErrno = facts.startError === undefined ? '' : ` (${errnoName(facts.startError)})`;
  const threadProblem = facts.started ? undefined : noThread + startErrno;
  const [tree, treeReason] = facts.started ? treeSupport(state.binding) : [false, noThread];
  const initProblem = registryFor(state.binding).initProblem();
  const fallbackReason = initProblem ?? threadProblem ?? pidfdFallbackReason(facts);
  const syncFallbackReason = syncProblem ?? threadProblem;
  return {
    deathSignal: facts.started && initProblem === undefined,
    pidfd: facts.pidfd,
    cloneVfork: facts.started,
    ...(fallbackReason !== undefined && { fallbackReason }),
    sync: facts.started && syncProblem === undefined,
    ...(syncFallbackReason !== undefined && { syncFallbackReason }),
    tree,
    ...(!tree && { treeReason }),
    canSignalOtherUids,
    notes,
  };
}
