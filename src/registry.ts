// The Registry: per environment (and addon instance), the addon's event delivery, the live
// children by id, and the count of referenced children that keeps the event loop alive.
import { EVENT_EXIT, EVENT_SPAWNED, type NativeBinding } from './binding.js';
import { errnoName } from './errno.js';
import type { TetheredHandle } from './handle.js';

/** How long one loop turn may spend delivering queued exits before yielding to the loop. */
const EXIT_DELIVERY_BUDGET_MS = 4;

/** The outcome of a launch queued under a token: 0 or -errno, and the child's pid and id. */
type LaunchSettled = (result: number, pid: number, childId: number) => void;

/** Per-environment bookkeeping shared by every handle of this module instance. */
export class Registry {
  readonly #live = new Map<number, TetheredHandle>();
  readonly #queued = new Map<number, LaunchSettled>();
  #keepAlive = 0;
  #nextToken = 1;

  constructor(readonly binding: NativeBinding) {}

  /** -errno of the last `init` (1 before the first): while not 0, no exit can be reported. */
  initError = 1;

  /** Sets up this environment's event delivery; after a failure, tries again on the next call. */
  ensureInit(): void {
    if (this.initError === 0) return;
    this.initError = this.binding.init((kind, id, a, b, c) => {
      this.#onEvent(kind, id, a, b, c);
    });
  }

  /** Why this environment cannot launch tethered children, or undefined when it can. */
  initProblem(): string | undefined {
    if (this.initError === 0) return undefined;
    return `the addon could not set up event delivery for this environment (init: ${errnoName(this.initError)})`;
  }

  retain(): void {
    if (this.#keepAlive++ === 0) this.binding.setKeepAlive(true);
  }

  release(): void {
    if (--this.#keepAlive === 0) this.binding.setKeepAlive(false);
  }

  /** Child `childId` runs: its exit goes to `handle`. */
  add(childId: number, handle: TetheredHandle): void {
    this.#live.set(childId, handle);
  }

  /** A token for a launch queued without waiting (never 0, which means "wait"). */
  nextToken(): number {
    const token = this.#nextToken;
    this.#nextToken = token >= 0x7fffffff ? 1 : token + 1;
    return token;
  }

  /** `settled` gets the outcome of the launch queued under `token`; the loop stays alive till then. */
  awaitLaunch(token: number, settled: LaunchSettled): void {
    this.retain();
    this.#queued.set(token, settled);
  }

  /**
   * Exits wait for the check phase of the loop turn after the one that received them. libuv
   * runs child-exit callbacks after every other I/O callback of a poll ("signal watchers last"),
   * and that poll started after the exit: whatever the child's end made readable before it
   * exited (its last output, EOF on its pipes and IPC channel) is handled first, so 'data' and
   * 'disconnect' come before 'exit' and 'close', as in Node. An exit arrives in a thread-safe
   * function's dispatch, which can run in a poll that began before the child died (another async
   * handle's callback of the same dispatch was still running when the exit was posted): only
   * the next turn's poll surely sees what the child's death made readable.
   */
  #arrived: { handle: TetheredHandle; exitCode: number; termSignal: number }[] = [];
  /** Exits received before the last check phase: a poll has run since. */
  #exits: { handle: TetheredHandle; exitCode: number; termSignal: number }[] = [];
  #flushScheduled = false;

  #flushExits = (): void => {
    this.#flushScheduled = false;
    const exits = this.#exits;
    this.#exits = this.#arrived;
    this.#arrived = [];
    const deadline = performance.now() + EXIT_DELIVERY_BUDGET_MS;
    let i = 0;
    try {
      // A burst of exits (each may run user code that spawns again) must not stall the loop.
      while (i < exits.length && (i === 0 || performance.now() < deadline)) {
        const exit = exits[i++];
        exit?.handle.exited(exit.exitCode, exit.termSignal);
      }
    } finally {
      // The rest (past the budget, or after a listener threw: its error propagates, as in Node)
      // is delivered next turn.
      this.#exits = exits.slice(i).concat(this.#exits);
      this.#scheduleFlush();
    }
  };

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#exits.length + this.#arrived.length === 0) return;
    this.#flushScheduled = true;
    setImmediate(this.#flushExits);
  }

  #onEvent(kind: number, id: number, a: number, b: number, c: number): void {
    if (kind === EVENT_EXIT) {
      const handle = this.#live.get(id);
      if (handle === undefined) return;
      this.#live.delete(id);
      handle.reaped();
      this.#arrived.push({ handle, exitCode: a, termSignal: b });
      this.#scheduleFlush();
    } else if (kind === EVENT_SPAWNED) {
      const settled = this.#queued.get(id);
      if (settled === undefined) return;
      this.#queued.delete(id);
      this.release();
      settled(a, b, c);
    }
  }
}

const registries = new WeakMap<NativeBinding, Registry>();

/** The registry of this environment for `binding`. */
export function registryFor(binding: NativeBinding): Registry {
  let registry = registries.get(binding);
  if (registry === undefined) {
    registry = new Registry(binding);
    registries.set(binding, registry);
  }
  registry.ensureInit();
  return registry;
}
