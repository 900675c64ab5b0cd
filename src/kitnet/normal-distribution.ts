// The standard normal distribution: Φ, its upper tail and log tail, and Φ⁻¹, to double precision.
// Needed by the log-normal threshold of spec §7 (scipy's norm.sf / norm.logsf / norm.ppf).

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LN2 = Math.LN2;

/**
 * erf(x) for 0 ≤ x < 2 from the everywhere-positive series
 * erf(x) = 2/√π · e^{−x²} · Σₖ 2ᵏ x^{2k+1} / (1·3·…·(2k+1))  (Abramowitz & Stegun 7.1.6).
 * All terms are positive, so there is no cancellation.
 */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let k = 0; k < 200; k++) {
    term *= (2 * x2) / (2 * k + 3);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/**
 * e^{x²}·erfc(x) for x ≥ 2 from the continued fraction (A&S 7.1.14)
 * √π·e^{x²}·erfc(x) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated by modified Lentz.
 */
function erfcScaledContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (f * SQRT_PI);
}

/** Complementary error function erfc(x) = 1 − erf(x), accurate in the far right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest subnormal
  return Math.exp(-x * x) * erfcScaledContinuedFraction(x);
}

/** ln erfc(x), finite far past the point where erfc(x) underflows. */
function logErfc(x: number): number {
  if (x < 2) return Math.log(erfc(x));
  return -x * x + Math.log(erfcScaledContinuedFraction(x));
}

/** Φ(z) = P(Z ≤ z) = ½·erfc(−z/√2). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** 1 − Φ(z) = P(Z > z) = ½·erfc(z/√2), without the cancellation of computing 1 − Φ(z). */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / SQRT2);
}

/** ln(1 − Φ(z)) (scipy's norm.logsf), finite for large z where the survival underflows. */
export function normalLogSurvival(z: number): number {
  if (z === Infinity) return -Infinity;
  return logErfc(z / SQRT2) - LN2;
}

// Acklam's rational approximation to Φ⁻¹ (relative error < 1.15e-9), refined below by Halley's method.
const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const ACKLAM_SPLIT = 0.02425;

/** Acklam's first guess for Φ⁻¹(p), 0 < p ≤ 0.5. */
function acklamLowerHalf(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = ACKLAM_B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = ACKLAM_D as [number, number, number, number];
  if (p < ACKLAM_SPLIT) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/**
 * Φ⁻¹(p), the standard normal quantile (scipy's norm.ppf). Acklam's approximation, then two Halley steps
 * on Φ(x) − p using the erfc-based Φ, which brings it to double precision. For p > ½ it uses
 * Φ⁻¹(p) = −Φ⁻¹(1 − p), where 1 − p is exact, so upper quantiles keep full accuracy.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklamLowerHalf(p);
  for (let step = 0; step < 2; step++) {
    const e = normalCdf(x) - p;
    const u = e * SQRT_2PI * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}

/** The upper quantile Φ⁻¹(1 − p) computed as −Φ⁻¹(p), so a tiny tail probability p loses no digits. */
export function normalUpperQuantile(p: number): number {
  return -normalQuantile(p);
}
