// Names for the -errno values the addon returns.
import { constants as osConstants } from 'node:os';

/** 'EAGAIN' for -11 (or 11); `errno N` for a number the platform does not name. */
export function errnoName(errno: number): string {
  const code = Math.abs(errno);
  const name = Object.entries(osConstants.errno).find(([, value]) => value === code)?.[0];
  return name ?? `errno ${String(code)}`;
}
