// The logistic function σ(t) = 1/(1 + e^{−t}) twice: exact (Math.exp, as KitNET-py computes it) and from a table.
// A conn record costs ~250 sigmoids; Math.exp is ~11 ns each, the table ~4 ns, within 3e-11 of exact.

/** σ(t) as numpy computes it: e^{−t} overflowing to ∞ gives 0. */
export function exactSigmoid(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/** The table covers [−LIMIT, LIMIT] in steps of 1/STEPS_PER_UNIT. */
const LIMIT = 32;
const STEPS_PER_UNIT = 64;
const INTERVALS = 2 * LIMIT * STEPS_PER_UNIT;

/**
 * Knot k (t_k = −LIMIT + k/STEPS_PER_UNIT) holds σ(t_k) at 2k and h·σ′(t_k) at 2k + 1, where σ′ = σ(t)·σ(−t)
 * (that form keeps full precision near 1, where 1 − σ(t) would cancel). Interleaved so an interval's four values sit together.
 */
export const SIGMOID_KNOTS: Readonly<Float64Array> = (() => {
  const table = new Float64Array(2 * (INTERVALS + 1));
  for (let k = 0; k <= INTERVALS; k++) {
    const t = -LIMIT + k / STEPS_PER_UNIT;
    table[2 * k] = exactSigmoid(t);
    table[2 * k + 1] = (exactSigmoid(t) * exactSigmoid(-t)) / STEPS_PER_UNIT;
  }
  return table;
})();

/**
 * σ(t) by cubic Hermite interpolation between knots 1/64 apart: the error is below 3e-11 absolute (h⁴/384·max|σ⁗|),
 * far under anything a reconstruction error can show. Above 32 it returns 1 (σ(32) = 1 − 1.3e-14); below −32,
 * and for NaN, it falls back to the exact form, so tiny activations stay positive and NaN still propagates.
 */
export function tableSigmoid(t: number): number {
  const u = (t + LIMIT) * STEPS_PER_UNIT;
  if (u >= 0 && u < INTERVALS) {
    const k = u | 0;
    const f = u - k;
    const at = 2 * k;
    const y0 = SIGMOID_KNOTS[at]!;
    const d0 = SIGMOID_KNOTS[at + 1]!;
    const y1 = SIGMOID_KNOTS[at + 2]!;
    const d1 = SIGMOID_KNOTS[at + 3]!;
    const rise = y1 - y0;
    return y0 + f * (d0 + f * (3 * rise - 2 * d0 - d1 + f * (d0 + d1 - 2 * rise)));
  }
  if (u >= INTERVALS) return 1;
  return exactSigmoid(t);
}

/** values[i] = σ(values[i]) for i < count, exact or from the table; a loop callers can use without a double crossing a call. */
export function sigmoidInPlace(values: Float64Array, count: number, exact: boolean): void {
  if (exact) for (let i = 0; i < count; i++) values[i] = exactSigmoid(values[i]!);
  else for (let i = 0; i < count; i++) values[i] = tableSigmoid(values[i]!);
}
