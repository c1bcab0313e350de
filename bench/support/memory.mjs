// The parent's memory: filled Buffers held as ballast (so fork has real pages to copy), and the
// figures that prove RSS holds them.
import { readdirSync } from 'node:fs';

const CHUNK = 256 * 2 ** 20;

/** Allocates `bytes` of Buffers and writes every page, so that RSS really holds them. */
export function fillBallast(bytes) {
  const chunks = [];
  for (let left = bytes; left > 0; left -= CHUNK) {
    const chunk = Buffer.allocUnsafeSlow(Math.min(CHUNK, left));
    chunk.fill(0xa5 ^ chunks.length);
    chunks.push(chunk);
  }
  return chunks;
}

/** This process's open descriptors. */
export function openFds() {
  return readdirSync('/proc/self/fd').length - 1; // minus the one readdir itself opened
}

/** RSS, V8 heap and external memory in MiB, and the open fd count. */
export function memorySnapshot() {
  const usage = process.memoryUsage();
  return {
    rssMiB: usage.rss / 2 ** 20,
    heapUsedMiB: usage.heapUsed / 2 ** 20,
    externalMiB: usage.external / 2 ** 20,
    fds: openFds(),
  };
}
