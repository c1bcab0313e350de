// Errors shaped like Node's own internal errors (lib/internal/errors.js): the class's name, an
// enumerable `code`, and the stack header `Name [CODE]: message`; and tethered's warnings.

type ErrorClass = new (message: string) => Error;

/**
 * An error as Node builds one for `code`: a `Base` with `message`, `code` its only enumerable own
 * key, its stack's first frame the function that called this one.
 */
export function nodeError(
  Base: ErrorClass,
  code: string,
  message: string,
): Error & { code: string } {
  const error = new Base(message) as Error & { code: string };
  error.code = code;
  Error.captureStackTrace(error, nodeError);
  if (typeof error.stack === 'string') {
    error.stack = error.stack.replace(
      `${error.name}: ${message}`,
      `${error.name} [${code}]: ${message}`,
    );
  }
  return error;
}

/** `error` with `message` in place of its message, in the stack header too. */
export function reworded<E extends Error>(error: E, message: string): E {
  if (typeof error.stack === 'string') error.stack = error.stack.replace(error.message, message);
  error.message = message;
  return error;
}

const warned = new Set<string>();

/**
 * Emits the `TetheredWarning` `code` once per environment, on one line (a reason it quotes, such
 * as a dlopen error, may span several).
 */
export function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(message.replace(/\s*\n\s*/g, ' '), { type: 'TetheredWarning', code });
}
