// Is the benign alert rate measured on a test set within 2× the configured target? A Wilson interval on the
// observed rate says whether the test set can show it, refute it, or is too small to tell either way.

/** How far the configured target may be exceeded before the calibration is called wrong (issue 5). */
export const ALERT_RATE_TOLERANCE = 2;

/** z for a two-sided 95 % interval */
const Z_95 = 1.959963984540054;

export type AlertRateVerdict = 'within tolerance' | 'above tolerance' | 'too few benign records to tell' | 'no benign records';

export interface AlertRateCheck {
  benign: number;
  /** benign records that alerted */
  falseAlarms: number;
  /** benign × the rate the calibration expects at its threshold (the target, or more if the threshold was capped) */
  expectedFalseAlarms: number;
  /** the rate the calibration expects at its threshold */
  expectedRate: number;
  targetRate: number;
  /** 95 % Wilson score interval of the benign alert rate */
  rateLow: number;
  rateHigh: number;
  verdict: AlertRateVerdict;
  /** benign records a test set needs, with no false alarm, for the interval to fall within tolerance */
  benignNeeded: number;
}

/**
 * Wilson score interval for a binomial proportion x/n (Wilson 1927):
 *   (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
 * Unlike p̂ ± z·√(p̂(1−p̂)/n) it is not empty at x = 0, which is the usual case for false alarms.
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): { low: number; high: number } {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const scale = 1 + z2 / trials;
  // at x = 0 (and x = n) the bound is exactly 0 (1); the formula leaves rounding noise there
  const low = successes === 0 ? 0 : Math.max(0, (centre - spread) / scale);
  const high = successes === trials ? 1 : Math.min(1, (centre + spread) / scale);
  return { low, high };
}

/**
 * Compares the observed benign alert rate with ALERT_RATE_TOLERANCE × targetRate: within when the
 * whole 95 % interval is at or below it, above when the whole interval is above it, else undecided.
 */
export function checkAlertRate(falseAlarms: number, benign: number, targetRate: number, expectedRate: number = targetRate): AlertRateCheck {
  const { low, high } = wilsonInterval(falseAlarms, benign);
  const limit = ALERT_RATE_TOLERANCE * targetRate;
  let verdict: AlertRateVerdict;
  if (benign === 0) verdict = 'no benign records';
  else if (high <= limit) verdict = 'within tolerance';
  else if (low > limit) verdict = 'above tolerance';
  else verdict = 'too few benign records to tell';
  return {
    benign,
    falseAlarms,
    expectedFalseAlarms: benign * expectedRate,
    expectedRate,
    targetRate,
    rateLow: low,
    rateHigh: high,
    verdict,
    benignNeeded: benignNeededForZeroAlarms(limit),
  };
}

/** Smallest n with the Wilson upper bound at 0/n, z²/(n + z²), at or below `limit`. */
function benignNeededForZeroAlarms(limit: number): number {
  const z2 = Z_95 * Z_95;
  return Math.ceil(z2 / limit - z2);
}
