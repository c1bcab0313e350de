// Plain-text tables for the report.

/** Renders `rows` (arrays of cells) under `header`, right-aligning every column but the first. */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell ?? '-')));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
}

/** A number with `digits` decimals, or '-' when missing. */
export function num(value, digits = 0) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** A ratio printed as "12.3x", or '-' when either side is missing. */
export function ratio(better, worse) {
  if (typeof better !== 'number' || typeof worse !== 'number' || worse === 0) return '-';
  const r = better / worse;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

/** Microseconds printed as µs below 10 ms, else as ms. */
export function micros(us) {
  if (typeof us !== 'number') return '-';
  return us < 10_000 ? `${us.toFixed(0)} µs` : `${(us / 1000).toFixed(1)} ms`;
}
