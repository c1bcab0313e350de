// A seam's request, armed around one call of Node's: Node's function runs synchronously up to its
// seam (ChildProcess.prototype.spawn, or spawn_sync.spawn), which takes the request, so exactly the
// child of that call is tethered. Once tethered/register ran, a seam call nobody armed is
// tethered with the request read from its own options.
import {
  requestOf,
  resolveTether,
  tetherUnavailable,
  validateTetherRequest,
  type TetherRequest,
} from './options.js';

/** One seam, installed on first use, and its request slot (nested calls restore the previous). */
export class Armed<T extends TetherRequest> {
  #value: T | undefined;
  #everyCall = false;
  #installed: { problem: string | undefined } | undefined;

  /** `installSeam` puts the seam in place and says why it cannot be, if it cannot. */
  constructor(private readonly installSeam: () => string | undefined) {}

  /** Installs the seam on the first call; why it cannot be, if it cannot. */
  install(): string | undefined {
    this.#installed ??= { problem: this.installSeam() };
    return this.#installed.problem;
  }

  /**
   * Runs `call` (one of Node's functions) with `value` armed, once `value` is valid and the seam
   * in place. Where the seam cannot be, `call` runs untethered, or with `requireTether` this
   * throws ERR_TETHER_UNAVAILABLE.
   */
  during<R>(value: T, call: () => R): R {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the frame the stack starts at
    validateTetherRequest(value, Armed.prototype.during);
    const problem = this.install();
    if (problem !== undefined) {
      if (resolveTether(value, false).requireTether) throw tetherUnavailable(problem);
      return call();
    }
    const previous = this.#value;
    this.#value = value;
    try {
      return call();
    } finally {
      this.#value = previous;
    }
  }

  /** From now on every call of this seam is tethered (tethered/register). */
  tetherEveryCall(): void {
    this.install();
    this.#everyCall = true;
  }

  /**
   * The request for this call of the seam, whose options object is `options`, disarmed (only the
   * first seam call inside `during` gets the armed one): the armed request; else, after
   * {@link tetherEveryCall}, the one read from `options`; else undefined (not tethered).
   */
  take(options: unknown): T | TetherRequest | undefined {
    const value = this.#value;
    this.#value = undefined;
    return value ?? (this.#everyCall ? requestOf(options) : undefined);
  }
}
