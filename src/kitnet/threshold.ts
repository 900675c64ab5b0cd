// Alert threshold from benign scores (spec §7): fit a log-normal, then φ_p = exp(μ + σ·Φ⁻¹(1 − p)).
import { InvalidInputError } from '../errors.js';
import { normalLogSurvival, normalSurvival, normalUpperQuantile } from './normal-distribution.js';

/** A log-normal fitted to benign scores, and the threshold it gives for the chosen false-positive rate. */
export interface Calibration {
  /** mean of ln(score) */
  mu: number;
  /** population standard deviation (ddof 0) of ln(score) */
  sigma: number;
  /** exp(μ + σ·Φ⁻¹(1 − targetFpr)) */
  threshold: number;
  targetFpr: number;
  /** number of positive, finite scores the fit used */
  samples: number;
}

/** The false-positive rate calibrateThreshold aims at unless told otherwise. */
export const DEFAULT_TARGET_FPR = 1e-4;

/**
 * Fits ln S ~ N(μ, σ²) to benign scores (zeros, negatives and non-finite values are left out, as the
 * reference drops its zero training-prefix scores) and returns the score exceeded with probability targetFpr.
 */
export function calibrateThreshold(benignScores: ArrayLike<number>, targetFpr: number = DEFAULT_TARGET_FPR): Calibration {
  if (!(targetFpr > 0 && targetFpr < 1)) {
    throw new InvalidInputError(`calibrateThreshold: targetFpr must be in (0, 1), got ${targetFpr}`);
  }
  let samples = 0;
  let logSum = 0;
  for (let i = 0; i < benignScores.length; i++) {
    const s = benignScores[i]!;
    if (s > 0 && s < Infinity) {
      samples++;
      logSum += Math.log(s);
    }
  }
  if (samples < 2) {
    throw new InvalidInputError(`calibrateThreshold: need at least 2 positive finite scores, got ${samples} of ${benignScores.length}`);
  }
  const mu = logSum / samples;
  let squaredDeviation = 0;
  for (let i = 0; i < benignScores.length; i++) {
    const s = benignScores[i]!;
    if (s > 0 && s < Infinity) {
      const d = Math.log(s) - mu;
      squaredDeviation += d * d;
    }
  }
  const sigma = Math.sqrt(squaredDeviation / samples);
  const threshold = Math.exp(mu + sigma * normalUpperQuantile(targetFpr));
  return { mu, sigma, threshold, targetFpr, samples };
}

/** P(S > score) under the fitted log-normal: 1 − Φ((ln s − μ)/σ). 1 for non-positive scores. */
export function tailProbability(score: number, calibration: Calibration): number {
  if (!(score > 0)) return 1;
  return normalSurvival(standardised(score, calibration));
}

/** ln P(S > score) (scipy's norm.logsf of ln s), finite far into the tail where the probability underflows. */
export function logTailProbability(score: number, calibration: Calibration): number {
  if (!(score > 0)) return 0;
  return normalLogSurvival(standardised(score, calibration));
}

function standardised(score: number, { mu, sigma }: Calibration): number {
  const z = (Math.log(score) - mu) / sigma;
  // σ = 0 (all benign scores equal): anything above them is certain to be rare, anything at or below is not
  if (Number.isNaN(z)) return -Infinity;
  return z;
}
