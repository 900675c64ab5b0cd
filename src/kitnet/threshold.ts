// Alert threshold from held-out benign scores: a power-law tail fitted to the highest scores (Hill/Weissman),
// bounded near the data; the spec §7 log-normal is kept beside it and serves models written before.
import { InvalidInputError } from '../errors.js';
import { normalLogSurvival, normalSurvival, normalUpperQuantile } from './normal-distribution.js';

/**
 * How the threshold was set.
 * - `tail-fit`: power-law tail fitted to the top calibration scores, threshold at the target rate.
 * - `tail-fit-capped`: as `tail-fit`, but the extrapolation went past MAX_EXTRAPOLATION × the largest
 *   calibration score and was cut back there (the expected false-positive rate is then above the target).
 * - `log-normal`: exp(μ + σ·Φ⁻¹(1 − p)) over all scores (spec §7); what every model without `method` used.
 */
export type CalibrationMethod = 'tail-fit' | 'tail-fit-capped' | 'log-normal';

/**
 * P(S > s | S > start) = (s/start)^(−1/index): a Pareto tail, i.e. ln S − ln start exponential with mean
 * `index` (Hill's estimator, the maximum-likelihood fit). Heavier than a log-normal tail, so on
 * log-normal scores it errs towards a higher threshold (fewer false alarms than the target), not lower.
 */
export interface ParetoTail {
  /** the (samples + 1)-th highest calibration score, where the tail begins */
  start: number;
  /** number of calibration scores above `start` */
  samples: number;
  /** Hill's tail index γ: mean of ln(score/start) over those scores */
  index: number;
}

/** The calibration stored in each model: the threshold, how it was found, and the fits that give p. */
export interface Calibration {
  /** mean of ln(score) */
  mu: number;
  /** population standard deviation (ddof 0) of ln(score) */
  sigma: number;
  /** scores at or above this are anomalous */
  threshold: number;
  targetFpr: number;
  /** number of positive, finite scores the fit used */
  samples: number;
  /** absent in models written before tail fitting: those use `log-normal` */
  method?: CalibrationMethod;
  /** the tail the threshold and tail probabilities come from (methods `tail-fit*`) */
  tail?: ParetoTail;
  /** the largest calibration score */
  maxScore?: number;
  /** P(benign score ≥ threshold) under the calibration: targetFpr unless the threshold was capped */
  expectedFpr?: number;
}

/** The false-positive rate calibrateThreshold aims at unless told otherwise. */
export const DEFAULT_TARGET_FPR = 1e-4;

/** The tail is fitted to max(MIN_TAIL_SAMPLES, ⌈√n⌉, ⌈2np⌉) scores: few enough to be the tail, enough to average. */
export const MIN_TAIL_SAMPLES = 10;

/** The threshold is never set above this multiple of the largest benign calibration score. */
export const MAX_EXTRAPOLATION = 2;

/**
 * Calibrates the threshold on benign scores. Zeros, negatives and non-finite values are left out (as the
 * reference drops its zero training-prefix scores).
 *
 * With n scores, the top k = max(10, ⌈√n⌉, ⌈2·n·p⌉) (at most n − 1; the last term keeps the target
 * rate p inside the tail) are modelled as a Pareto tail above the next score u:
 * P(S > s) = (k/n)·(s/u)^(−1/γ) for s ≥ u, γ = (1/k)·Σ ln(sᵢ/u) (Hill 1975), and
 * threshold = u·(k/(n·p))^γ (Weissman 1978).
 * Unlike the log-normal over all scores, the extrapolation rests on the highest scores only, so a wide
 * body (many near-zero scores) cannot push the threshold far above every benign and attack score.
 * The threshold is capped at MAX_EXTRAPOLATION × the largest score; expectedFpr says what that costs.
 */
export function calibrateThreshold(benignScores: ArrayLike<number>, targetFpr: number = DEFAULT_TARGET_FPR): Calibration {
  if (!(targetFpr > 0 && targetFpr < 1)) {
    throw new InvalidInputError(`calibrateThreshold: targetFpr must be in (0, 1), got ${targetFpr}`);
  }
  const usable = positiveFinite(benignScores);
  const n = usable.length;
  if (n < 2) {
    throw new InvalidInputError(`calibrateThreshold: need at least 2 positive finite scores, got ${n} of ${benignScores.length}`);
  }
  const { mu, sigma } = logNormalFit(usable);
  usable.sort().reverse(); // highest first
  const tailSamples = Math.min(n - 1, Math.max(MIN_TAIL_SAMPLES, Math.ceil(Math.sqrt(n)), Math.ceil(2 * n * targetFpr)));
  const start = usable[tailSamples]!;
  let logExcess = 0;
  for (let i = 0; i < tailSamples; i++) logExcess += Math.log(usable[i]! / start);
  const tail: ParetoTail = { start, samples: tailSamples, index: logExcess / tailSamples };
  const maxScore = usable[0]!;
  const fitted = tailQuantile(tail, n, targetFpr);
  const cap = MAX_EXTRAPOLATION * maxScore;
  const method: CalibrationMethod = fitted > cap ? 'tail-fit-capped' : 'tail-fit';
  let threshold = Math.min(fitted, cap);
  // A target finer than 1/n lies beyond every calibration score; a fit that lands on or below the largest (equal
  // top scores give γ = 0) would make those very benign records alert, so the threshold goes just above it.
  if (threshold <= maxScore && n * targetFpr < 1) threshold = maxScore * (1 + 2 * Number.EPSILON);
  const calibration: Calibration = { mu, sigma, threshold, targetFpr, samples: n, method, tail, maxScore };
  // the fit's own quantile is exactly the target (tailProbability would give it back up to rounding)
  calibration.expectedFpr = threshold === fitted ? targetFpr : tailProbability(threshold, calibration);
  return calibration;
}

/** The spec §7 threshold exp(μ + σ·Φ⁻¹(1 − p)) from a log-normal fitted to all positive finite scores. */
export function logNormalThreshold(benignScores: ArrayLike<number>, targetFpr: number = DEFAULT_TARGET_FPR): Calibration {
  const usable = positiveFinite(benignScores);
  if (usable.length < 2) {
    throw new InvalidInputError(`logNormalThreshold: need at least 2 positive finite scores, got ${usable.length} of ${benignScores.length}`);
  }
  if (!(targetFpr > 0 && targetFpr < 1)) {
    throw new InvalidInputError(`logNormalThreshold: targetFpr must be in (0, 1), got ${targetFpr}`);
  }
  const { mu, sigma } = logNormalFit(usable);
  const threshold = Math.exp(mu + sigma * normalUpperQuantile(targetFpr));
  return { mu, sigma, threshold, targetFpr, samples: usable.length, method: 'log-normal', expectedFpr: targetFpr };
}

/**
 * P(S > score) for a benign score under the calibration. Tail fits: (k/n)·(s/u)^(−1/γ) from the
 * tail start u up; below u the log-normal survival L, rescaled to run from 1 at s = 0 to k/n at u
 * (continuous, and strictly falling so that scores keep their order). Log-normal calibrations:
 * 1 − Φ((ln s − μ)/σ). 1 for non-positive scores.
 */
export function tailProbability(score: number, calibration: Calibration): number {
  if (!(score > 0)) return 1;
  const { tail } = calibration;
  if (tail === undefined) return normalSurvival(standardised(score, calibration));
  if (score < tail.start) return bodySurvival(score, tail, calibration);
  return Math.exp(tailLogSurvival(score, tail, calibration.samples));
}

/** ln P(S > score), finite far into the tail where the probability itself underflows. */
export function logTailProbability(score: number, calibration: Calibration): number {
  if (!(score > 0)) return 0;
  const { tail } = calibration;
  if (tail === undefined) return normalLogSurvival(standardised(score, calibration));
  if (score < tail.start) return Math.log(tailProbability(score, calibration));
  return tailLogSurvival(score, tail, calibration.samples);
}

/** One line for the operator: the threshold, the method and how many scores it rests on. */
export function describeCalibration(calibration: Calibration): string {
  const { threshold, targetFpr, samples, tail, maxScore, expectedFpr } = calibration;
  const method = calibration.method ?? 'log-normal';
  const t = threshold.toPrecision(4);
  if (method === 'log-normal' || tail === undefined) {
    return `threshold ${t} from a log-normal fitted to ${samples} calibration scores (target false-positive rate ${targetFpr})`;
  }
  const base = `threshold ${t} from a power-law tail fitted to the top ${tail.samples} of ${samples} calibration scores` +
    ` (largest ${maxScore?.toPrecision(4) ?? '?'})`;
  if (method === 'tail-fit') return `${base}, target false-positive rate ${targetFpr}`;
  return `${base}, capped at ${MAX_EXTRAPOLATION}× the largest score: expected false-positive rate ${formatRate(expectedFpr)}` +
    ` instead of the target ${targetFpr}; more benign records would allow the target`;
}

/** k/n + (1 − k/n)·(L(s) − L(u))/(1 − L(u)) for 0 < s < u, L the log-normal survival. */
function bodySurvival(score: number, tail: ParetoTail, calibration: Calibration): number {
  const share = tail.samples / calibration.samples;
  const atStart = normalSurvival(standardised(tail.start, calibration));
  if (!(atStart < 1)) return share; // σ = 0: the body is a point
  const here = normalSurvival(standardised(score, calibration));
  return share + ((1 - share) * (here - atStart)) / (1 - atStart);
}

/** u·(k/(n·p))^γ: the score exceeded with probability p under the Pareto tail. */
function tailQuantile(tail: ParetoTail, samples: number, p: number): number {
  return tail.start * Math.exp(tail.index * Math.log(tail.samples / (samples * p)));
}

/** ln((k/n)·(s/u)^(−1/γ)) */
function tailLogSurvival(score: number, tail: ParetoTail, samples: number): number {
  const share = Math.log(tail.samples / samples);
  // γ = 0 (the top scores all equal the start): anything above them is certain to be rare
  if (!(tail.index > 0)) return score > tail.start ? -Infinity : share;
  return share - Math.log(score / tail.start) / tail.index;
}

function positiveFinite(scores: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > 0 && scores[i]! < Infinity) count++;
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > 0 && scores[i]! < Infinity) out[j++] = scores[i]!;
  return out;
}

function logNormalFit(usable: Float64Array): { mu: number; sigma: number } {
  let logSum = 0;
  for (const s of usable) logSum += Math.log(s);
  const mu = logSum / usable.length;
  let squaredDeviation = 0;
  for (const s of usable) {
    const d = Math.log(s) - mu;
    squaredDeviation += d * d;
  }
  return { mu, sigma: Math.sqrt(squaredDeviation / usable.length) };
}

function standardised(score: number, { mu, sigma }: Calibration): number {
  const z = (Math.log(score) - mu) / sigma;
  // σ = 0 (all benign scores equal): anything above them is certain to be rare, anything at or below is not
  if (Number.isNaN(z)) return -Infinity;
  return z;
}

function formatRate(rate: number | undefined): string {
  return rate === undefined ? '?' : rate.toPrecision(2);
}
