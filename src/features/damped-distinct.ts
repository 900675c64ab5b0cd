// Bounded-memory distinct counts over sliding windows: a linear-counting bitmap whose buckets hold
// the time they were last hit, so one small array answers "how many distinct X in the last h s" for every h.
//
// Linear counting (Whang, Vander-Zanden & Taylor 1990): hash n distinct keys into B buckets; with V
// buckets still empty, n̂ = B·ln(B/V). Standard error ≈ √(B(e^t − t − 1)) / n with t = n/B: for
// B = 64 about 3 % at n = 8, 11 % at n = 64, 21 % at n = 150. When every bucket is hit the estimate
// saturates at B·ln(2B) (≈ 266 for B = 64): "far more than usual" is all a detector needs.
// A key counts in a window when its bucket was last hit within the window, so a collision with a
// newer key can only keep a bucket alive longer (counts lean high by at most the collision rate).

/** Bucket value meaning "never hit". */
export const NEVER_HIT = Number.NEGATIVE_INFINITY;

/**
 * Marks `keyHash` (a well-mixed 32-bit hash) as seen at `time` in the sketch occupying
 * buckets[offset .. offset + bucketCount). bucketCount must be a power of two ≤ 2^16.
 * Times are relative seconds (Float32 keeps ~1 s precision for 190 days after the epoch).
 */
export function markDistinct(buckets: Float32Array, offset: number, bucketCount: number, keyHash: number, time: number): void {
  const bucket = (keyHash >>> 0) % bucketCount;
  const index = offset + bucket;
  // max() so a late, out-of-order record never makes a bucket look older than it is
  if (!(buckets[index]! >= time)) buckets[index] = time;
}

/**
 * Writes into `estimates[estimatesOffset + k]` the estimated number of distinct keys seen within windowSeconds[k]
 * before `now` (windows ascending). One pass over the buckets serves every window.
 * `histogram` is caller-owned scratch of length windowSeconds.length (keeps this allocation-free).
 */
export function estimateDistinct(
  buckets: Float32Array,
  offset: number,
  bucketCount: number,
  now: number,
  windowSeconds: Float64Array,
  histogram: Float64Array,
  estimates: Float64Array,
  estimatesOffset: number,
): void {
  const windows = windowSeconds.length;
  histogram.fill(0);
  for (let b = 0; b < bucketCount; b++) {
    const age = now - buckets[offset + b]!;
    // the smallest window holding this bucket; larger windows are cumulated below
    for (let k = 0; k < windows; k++) {
      if (age <= windowSeconds[k]!) {
        histogram[k]!++;
        break;
      }
    }
  }
  let occupied = 0;
  for (let k = 0; k < windows; k++) {
    occupied += histogram[k]!;
    estimates[estimatesOffset + k] = linearCountingEstimate(bucketCount, bucketCount - occupied);
  }
}

/** n̂ = B·ln(B/V), with V floored at ½ so a full bitmap gives the saturation value B·ln(2B). */
export function linearCountingEstimate(bucketCount: number, emptyBuckets: number): number {
  if (emptyBuckets >= bucketCount) return 0;
  return bucketCount * Math.log(bucketCount / Math.max(emptyBuckets, 0.5));
}
