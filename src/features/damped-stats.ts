// Damped (exponentially decaying) statistics over record time, after Kitsune's AfterImage
// (specs/kitnet.md §9): weight 2^(−λΔt) with λ = 1 / half-life, read out as rate, share, mean, std.

/** ln 2, so that 2^(−Δt/h) = e^(−Δt·ln2/h). */
const LN2 = Math.LN2;

/**
 * The factor an old observation's weight is multiplied by after `elapsedSeconds`:
 * d(Δt) = 2^(−Δt / halfLife) (spec §9.1 with λ = 1/halfLife). A negative or non-finite Δt
 * (an out-of-order record) decays nothing: d = 1.
 */
export function decayFactor(halfLifeSeconds: number, elapsedSeconds: number): number {
  return elapsedSeconds > 0 ? Math.exp(-elapsedSeconds * (LN2 / halfLifeSeconds)) : 1;
}

/**
 * Events per second implied by a damped count w. A steady rate r gives
 * w = ∫₀^∞ r·2^(−t/h) dt = r·h/ln2, so r = w·ln2/h.
 */
export function dampedRatePerSecond(dampedCount: number, halfLifeSeconds: number): number {
  return (dampedCount * LN2) / halfLifeSeconds;
}

/** Mean L/w of a damped linear sum; 0 when nothing has weight yet. */
export function dampedMean(weight: number, linearSum: number): number {
  return weight > 0 ? linearSum / weight : 0;
}

/** Standard deviation √|Q/w − μ²| of a damped sum of squares (the |·| guards rounding, as in §9.2). */
export function dampedStd(weight: number, linearSum: number, squareSum: number): number {
  if (!(weight > 0)) return 0;
  const mean = linearSum / weight;
  const variance = squareSum / weight - mean * mean;
  return variance > 0 ? Math.sqrt(variance) : 0;
}

/**
 * Names for a window, from its half-life in seconds: 60 → label `1m`, span `1 minute`, last
 * `minute` (as in "in the last minute"); 600 → `10m`, `10 minutes`, `10 minutes`.
 */
export function windowLabel(halfLifeSeconds: number): { label: string; span: string; last: string } {
  const name = (n: number, unit: string, short: string) => ({
    label: `${String(n).replace('.', 'p')}${short}`,
    span: `${n} ${unit}${n === 1 ? '' : 's'}`,
    last: n === 1 ? unit : `${n} ${unit}s`,
  });
  if (halfLifeSeconds % 3600 === 0) return name(halfLifeSeconds / 3600, 'hour', 'h');
  if (halfLifeSeconds % 60 === 0) return name(halfLifeSeconds / 60, 'minute', 'm');
  return name(Number(halfLifeSeconds.toPrecision(6)), 'second', 's');
}
