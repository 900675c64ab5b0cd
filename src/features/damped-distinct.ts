// Bounded-memory distinct counts over sliding windows: a linear-counting bitmap whose buckets hold
// the time they were last hit, so one small array answers "how many distinct X in the last h s" for every h.
//
// Linear counting (Whang, Vander-Zanden & Taylor 1990): hash n distinct keys into B buckets; with V
// buckets still empty, n̂ = B·ln(B/V). Standard error ≈ √(B(e^t − t − 1)) / n with t = n/B: for
// B = 64 about 3 % at n = 8, 11 % at n = 64, 14 % at n = 150. When every bucket is hit the estimate
// saturates at B·ln(2B) (≈ 310 for B = 64): "far more than usual" is all a detector needs.
// A key counts in a window when its bucket was last hit within the window, so a collision with a
// newer key can only keep a bucket alive longer (counts lean high by at most the collision rate).
//
// Reading does not rescan the buckets every time. Per window the sketch keeps the number of counted
// buckets, the cutoff they were counted against, and a lower bound of their hit times: while that
// bound is inside the window nothing can have left it, so the count stands (a rescan happens only
// when something may have expired, at most once per bucket hit).

/** Bucket value meaning "never hit". */
export const NEVER_HIT = Number.NEGATIVE_INFINITY;
/** Per window: counted buckets, the cutoff time they were counted against, lower bound of their times. */
export const DISTINCT_WINDOW_STATE = 3;

/**
 * Resets one sketch: `bucketCount` buckets at buckets[offset..] and its window state
 * (windows × DISTINCT_WINDOW_STATE numbers at state[stateOffset..]).
 */
export function clearDistinct(buckets: Float32Array, offset: number, bucketCount: number, state: Float64Array, stateOffset: number, windows: number): void {
  buckets.fill(NEVER_HIT, offset, offset + bucketCount);
  for (let k = 0, s = stateOffset; k < windows; k++, s += DISTINCT_WINDOW_STATE) {
    state[s] = 0;
    state[s + 1] = -Number.MAX_VALUE; // below NEVER_HIT's −∞ never: unhit buckets start uncounted
    state[s + 2] = Infinity;
  }
}

/**
 * Marks `keyHash` (a well-mixed 32-bit hash) as seen at `time`. Times must not go backwards for
 * one sketch (the host clock guarantees it). Times are relative seconds; Float32 keeps ~1 s
 * precision for 190 days after the epoch.
 */
export function markDistinct(
  buckets: Float32Array,
  offset: number,
  bucketCount: number,
  state: Float64Array,
  stateOffset: number,
  windows: number,
  keyHash: number,
  time: number,
): void {
  const index = offset + ((keyHash >>> 0) % bucketCount);
  const previous = buckets[index]!;
  const stored = Math.fround(time);
  if (previous >= stored) return;
  buckets[index] = stored;
  for (let k = 0, s = stateOffset; k < windows; k++, s += DISTINCT_WINDOW_STATE) {
    if (previous < state[s + 1]!) {
      // the bucket was not counted against this window's cutoff; now it is
      state[s]!++;
      if (stored < state[s + 2]!) state[s + 2] = stored;
    }
  }
}

/**
 * Writes into estimates[estimatesOffset + k] the estimated number of distinct keys seen within
 * windowSeconds[k] before `now` (`now` not before the last mark): estimateByCount[counted buckets]. Pass
 * linearCountingTable(bucketCount) made once, or a function of it tabulated once (host context passes
 * log1p of it), to keep the hot path free of logarithms.
 */
export function estimateDistinct(
  buckets: Float32Array,
  offset: number,
  bucketCount: number,
  state: Float64Array,
  stateOffset: number,
  windowSeconds: Float64Array,
  now: number,
  estimates: Float64Array,
  estimatesOffset: number,
  estimateByCount: Float64Array = linearCountingTable(bucketCount),
): void {
  const windows = windowSeconds.length;
  for (let k = 0, s = stateOffset; k < windows; k++, s += DISTINCT_WINDOW_STATE) {
    const cutoff = now - windowSeconds[k]!;
    if (state[s]! > 0 && state[s + 2]! < cutoff) recount(buckets, offset, bucketCount, state, s, cutoff);
    if (cutoff > state[s + 1]!) state[s + 1] = cutoff;
    estimates[estimatesOffset + k] = estimateByCount[state[s]!]!;
  }
}

function recount(buckets: Float32Array, offset: number, bucketCount: number, state: Float64Array, s: number, cutoff: number): void {
  let counted = 0;
  let oldest = Infinity;
  for (let b = offset, end = offset + bucketCount; b < end; b++) {
    const time = buckets[b]!;
    if (time >= cutoff) {
      counted++;
      if (time < oldest) oldest = time;
    }
  }
  state[s] = counted;
  state[s + 2] = oldest;
}

/** n̂ = B·ln(B/V), with V floored at ½ so a full bitmap gives the saturation value B·ln(2B). */
export function linearCountingEstimate(bucketCount: number, emptyBuckets: number): number {
  if (emptyBuckets >= bucketCount) return 0;
  return bucketCount * Math.log(bucketCount / Math.max(emptyBuckets, 0.5));
}

/** linearCountingEstimate for every number of hit buckets 0…B, indexed by that number. */
export function linearCountingTable(bucketCount: number): Float64Array {
  return Float64Array.from({ length: bucketCount + 1 }, (_, hit) => linearCountingEstimate(bucketCount, bucketCount - hit));
}
