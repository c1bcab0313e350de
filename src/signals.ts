// Signal names and numbers, as Node's own validation understands them.
import { constants } from 'node:os';

const byName: Readonly<Record<string, number>> = constants.signals;
const byNumber = new Map<number, string>();
for (const [name, number] of Object.entries(byName)) {
  if (!byNumber.has(number)) byNumber.set(number, name);
}

/** The number of a signal given as Node accepts it (name in any case, or known number). */
export function signalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return byNumber.has(value) ? value : undefined;
  if (typeof value === 'string') return byName[value.toUpperCase()];
  return undefined;
}

/** The name Node reports for a terminating signal ('' when there is none), like libuv's. */
export function signalName(number: number): string {
  return number === 0 ? '' : (byNumber.get(number) ?? '');
}
