/**
 * Log-scale latency buckets for quick percentiles over counts: four buckets per doubling
 * from 0.5 ms up to ≈ 9 minutes, so a percentile read back is within ±10 % of the true
 * value. Recording is one log2 and an increment; no samples are kept.
 */
export const LOG_BUCKETS = 81;
const MIN_MS = 0.5;
const PER_DOUBLING = 4;

/** The bucket a duration falls into. */
export function logBucket(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  const i = Math.ceil(Math.log2(ms / MIN_MS) * PER_DOUBLING);
  return i < LOG_BUCKETS ? i : LOG_BUCKETS - 1;
}

/** A representative value of bucket `i`: the geometric middle of its bounds (ms). */
export function bucketValue(i: number): number {
  return MIN_MS * 2 ** ((i - 0.5) / PER_DOUBLING);
}

/**
 * The q-quantile (0..1) of the counts in `counts[offset .. offset + LOG_BUCKETS)`, or null
 * when they hold no samples.
 *
 * @example
 *   const counts = new Uint32Array(LOG_BUCKETS);
 *   counts[logBucket(12)]++;
 *   quantile(counts, 0, 0.5); // ≈ 12
 */
export function quantile(counts: ArrayLike<number>, offset: number, q: number): number | null {
  let total = 0;
  for (let i = 0; i < LOG_BUCKETS; i++) total += counts[offset + i];
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < LOG_BUCKETS; i++) {
    seen += counts[offset + i];
    if (seen >= rank) return i === 0 ? MIN_MS : bucketValue(i);
  }
  return bucketValue(LOG_BUCKETS - 1);
}
