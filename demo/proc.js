// What the demo reads about its processes, straight from /proc.
import { readFileSync } from 'node:fs';

/**
 * State and parent of `pid`, or undefined once it is gone. A zombie ('Z') has terminated: it only
 * waits for whoever adopted it to collect its exit status.
 * @param {number} pid
 * @returns {{ state: string, ppid: number, comm: string } | undefined}
 */
export function stat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  const [state = '?', ppid = '0'] = text.slice(close + 2).split(' ');
  return { state, ppid: Number(ppid), comm: text.slice(text.indexOf('(') + 1, close) };
}

/** @param {number} pid */
export function isRunning(pid) {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/**
 * Polls until `predicate` holds or `ms` pass; resolves with the predicate's last value.
 * @param {() => boolean} predicate @param {number} ms
 */
export async function waitUntil(predicate, ms) {
  const deadline = Date.now() + ms;
  while (!predicate() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return predicate();
}
