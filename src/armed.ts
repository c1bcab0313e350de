// A request armed around one call of Node's, for the seam that call reaches: Node's function
// runs synchronously up to its seam (ChildProcess.prototype.spawn, or spawn_sync.spawn), which
// takes the request, so exactly the child of that call is tethered. Once tethered/register ran,
// a seam call nobody armed is tethered with the request read from its own options.
import { requestOf, type TetherRequest } from './options.js';

/** One seam's request slot; nested and reentrant calls restore the previous one. */
export class Armed<T extends TetherRequest> {
  #value: T | undefined;
  #everyCall = false;

  /** Runs `call` with `value` armed. */
  during<R>(value: T, call: () => R): R {
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
