// Counting what a process holds, through /proc: threads, fds, and which thread parents a child.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Thread ids of `pid` (default: this process). */
export function threadIds(pid: number | 'self' = 'self'): number[] {
  return readdirSync(`/proc/${pid}/task`).map(Number);
}

/** The `comm` of thread `tid` of `pid`, or undefined once it is gone. */
export function threadName(pid: number | 'self', tid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The tid of tethered's spawner thread in `pid`, or undefined if it has none. */
export function spawnerThreadId(pid: number | 'self' = 'self'): number | undefined {
  return threadIds(pid).find((tid) => threadName(pid, tid) === 'tethered-spawn');
}

/** Pids whose parent is thread `tid` of `pid` (the kernel's per-thread `children` list). */
export function childrenOfThread(pid: number | 'self', tid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * This process's open fds with what each points to. The directory handle readdir uses is listed
 * too (it is closed again at once), so compare only lists taken the same way.
 */
export function openFds(): string[] {
  return readdirSync('/proc/self/fd').map((fd) => {
    try {
      return `${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`;
    } catch {
      return `${fd} -> (closed)`;
    }
  });
}

/** The `comm` of process `pid`, or undefined once it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
