// Small statistics helpers shared by the bench workers and the report.

/** The median of `values` (undefined for an empty list). */
export function median(values) {
  const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `p`-th percentile (0..100) of `values`, nearest-rank (undefined for an empty list). */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The element-wise median of a list of flat result objects with numeric fields. */
export function medianOfRuns(runs) {
  const out = {};
  for (const key of Object.keys(runs[0] ?? {})) {
    const values = runs.map((run) => run[key]);
    out[key] = typeof values[0] === 'number' ? median(values) : values[0];
  }
  out.runs = runs.length;
  return out;
}
