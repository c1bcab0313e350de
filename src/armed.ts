// A request armed around one call of Node's, for the seam that call reaches: Node's function
// runs synchronously up to its seam (ChildProcess.prototype.spawn, or spawn_sync.spawn), which
// takes the request, so exactly the child of that call is tethered.

/** One armed value per seam; nested and reentrant calls restore the previous one. */
export class Armed<T> {
  #value: T | undefined;

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

  /** The armed value, disarmed: only the first seam call inside `during` gets it. */
  take(): T | undefined {
    const value = this.#value;
    this.#value = undefined;
    return value;
  }
}
