// Threshold calibration (power-law tail fit, spec §7 log-normal for old models) on synthetic scores, and the
// tail probability it implies; small samples must not push the threshold above clearly separated attacks.
import { expect } from 'chai';
import { InvalidInputError } from '../../src/errors.js';
import { logTailProbability, normalQuantile, tailProbability } from '../../src/kitnet/index.js';
import { calibrateThreshold, describeCalibration, logNormalThreshold, MAX_EXTRAPOLATION, type Calibration } from '../../src/kitnet/threshold.js';
import { MersenneTwister } from '../../src/kitnet/mt19937.js';

/** n draws of exp(μ + σZ), Z by inverting Φ on uniform draws. */
function logNormalScores(n: number, mu: number, sigma: number, seed: number): Float64Array {
  const random = new MersenneTwister(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(mu + sigma * normalQuantile((random.nextUint32() + 0.5) / 2 ** 32));
  return out;
}

describe('calibrateThreshold', () => {
  const mu = -3.2;
  const sigma = 0.7;
  const scores = logNormalScores(200_000, mu, sigma, 5);

  it('lands within a few percent of the analytic threshold exp(μ + σ·Φ⁻¹(1 − p))', () => {
    for (const p of [1e-2, 1e-3, 1e-4]) {
      const calibration = calibrateThreshold(scores, p);
      const analytic = Math.exp(mu + sigma * normalQuantile(1 - p));
      expect(Math.abs(calibration.threshold / analytic - 1), `p=${p}`).to.be.lessThan(0.03);
      expect(calibration.targetFpr).to.equal(p);
    }
    const calibration = calibrateThreshold(scores);
    expect(calibration.targetFpr).to.equal(1e-4);
    expect(calibration.mu).to.be.closeTo(mu, 0.01);
    expect(calibration.sigma).to.be.closeTo(sigma, 0.01);
    expect(calibration.samples).to.equal(scores.length);
  });

  it('leaves out zeros, negatives and non-finite scores (the training prefix of process())', () => {
    const withPrefix = Float64Array.from([0, 0, 0, -1, NaN, Infinity, ...scores.subarray(0, 1000)]);
    const clean = calibrateThreshold(scores.subarray(0, 1000));
    const calibration = calibrateThreshold(withPrefix);
    expect(calibration.samples).to.equal(1000);
    expect(calibration.threshold).to.equal(clean.threshold);
  });

  it('uses the population standard deviation (ddof 0) of the log scores', () => {
    const calibration = calibrateThreshold([Math.E, Math.E ** 3]);
    expect(calibration.mu).to.be.closeTo(2, 1e-15);
    expect(calibration.sigma).to.be.closeTo(1, 1e-15);
  });

  it('makes the threshold score have tail probability targetFpr, and the log tail agree', () => {
    const calibration = calibrateThreshold(scores, 1e-4);
    expect(calibration.method).to.equal('tail-fit');
    expect(calibration.expectedFpr).to.equal(1e-4);
    expect(tailProbability(calibration.threshold, calibration) / 1e-4).to.be.closeTo(1, 1e-9);
    expect(logTailProbability(calibration.threshold, calibration)).to.be.closeTo(Math.log(1e-4), 1e-9);
    expect(tailProbability(0, calibration)).to.equal(1);
    // far beyond the data the log stays finite
    expect(logTailProbability(calibration.threshold * 1e6, calibration)).to.be.lessThan(Math.log(1e-4) - 20).and.to.be.greaterThan(-Infinity);
  });

  it('gives tail probabilities that fall strictly with the score, continuous across the body/tail boundary', () => {
    const small = logNormalScores(300, mu, sigma, 9);
    const calibration = calibrateThreshold(small, 1e-4);
    const { start, samples } = calibration.tail!;
    expect(tailProbability(start, calibration)).to.be.closeTo(samples / 300, 1e-15);
    expect(tailProbability(start * (1 - 1e-9), calibration)).to.be.closeTo(samples / 300, 1e-9);
    let previous = 1;
    for (let s = 1e-3; s < calibration.threshold * 10; s *= 1.01) {
      const p = tailProbability(s, calibration);
      expect(p, `score ${s}`).to.be.lessThan(previous);
      expect(Math.log(p)).to.be.closeTo(logTailProbability(s, calibration), 1e-9);
      previous = p;
    }
  });

  it('keeps the spec §7 log-normal as logNormalThreshold, and its tail for models stored without a method', () => {
    const fit = logNormalThreshold(scores, 1e-4);
    expect(fit.method).to.equal('log-normal');
    expect(fit.threshold).to.be.closeTo(Math.exp(fit.mu + fit.sigma * normalQuantile(1 - 1e-4)), 1e-12);
    // a calibration as models written before tail fitting stored it
    const stored: Calibration = { mu: fit.mu, sigma: fit.sigma, threshold: fit.threshold, targetFpr: 1e-4, samples: fit.samples };
    expect(tailProbability(stored.threshold, stored)).to.be.closeTo(1e-4, 1e-12);
    expect(tailProbability(Math.exp(stored.mu), stored)).to.be.closeTo(0.5, 1e-12);
    const far = Math.exp(stored.mu + 45 * stored.sigma);
    expect(tailProbability(far, stored)).to.equal(0);
    expect(logTailProbability(far, stored)).to.be.closeTo(-1017.2260942419525, 1e-9); // scipy norm.logsf(45)
    expect(describeCalibration(stored)).to.match(/log-normal fitted to 200000 calibration scores/);
  });

  it('the empirical exceedance rate on fresh benign draws is near the target', () => {
    const calibration = calibrateThreshold(scores, 1e-2);
    const fresh = logNormalScores(100_000, mu, sigma, 6);
    const exceed = fresh.filter((s) => s > calibration.threshold).length / fresh.length;
    expect(exceed).to.be.within(0.008, 0.012);
  });

  it('refuses too few usable scores and an impossible false-positive rate', () => {
    expect(() => calibrateThreshold([0, 0, 1])).to.throw(InvalidInputError, /at least 2/);
    expect(() => calibrateThreshold(scores, 0)).to.throw(InvalidInputError);
    expect(() => calibrateThreshold(scores, 1)).to.throw(InvalidInputError);
  });
});

/** n scores spread log-uniformly over [lo, hi] (deterministic, sorted). */
function logUniform(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

describe('calibrateThreshold on small calibration sets', () => {
  // Benign scores with a wide body (many near-zero reconstruction errors) and a tight top, as KitNET gives
  // on a few hundred records; attacks sit clearly above every benign score.
  const benign = [...logUniform(270, 1e-4, 0.2), ...logUniform(30, 0.2, 0.3)];
  const attacks = logUniform(50, 0.6, 1.0);

  it('sets the threshold between the benign scores and a clearly separated attack set (the log-normal did not)', () => {
    const old = logNormalThreshold(benign, 1e-4);
    expect(old.threshold, 'the log-normal over all scores extrapolates past every attack').to.be.greaterThan(Math.max(...attacks));
    const calibration = calibrateThreshold(benign, 1e-4);
    expect(calibration.threshold).to.be.greaterThan(Math.max(...benign));
    expect(calibration.threshold).to.be.lessThan(Math.min(...attacks));
    expect(calibration.method).to.equal('tail-fit');
    expect(calibration.samples).to.equal(300);
    expect(calibration.tail!.samples).to.equal(18); // ⌈√300⌉
    expect(calibration.maxScore).to.equal(0.3);
    expect(describeCalibration(calibration)).to.match(/power-law tail fitted to the top 18 of 300 calibration scores/);
  });

  it('never sets the threshold above MAX_EXTRAPOLATION × the largest score, and says what the cap costs', () => {
    // 50 scores whose top spreads over two orders of magnitude: the tail extrapolates far
    const spread = logUniform(50, 1e-3, 0.5);
    const calibration = calibrateThreshold(spread, 1e-4);
    expect(calibration.method).to.equal('tail-fit-capped');
    expect(calibration.threshold).to.equal(MAX_EXTRAPOLATION * 0.5);
    expect(calibration.expectedFpr).to.be.greaterThan(1e-4).and.lessThan(1 / 50);
    expect(tailProbability(calibration.threshold, calibration)).to.be.closeTo(calibration.expectedFpr!, 1e-15);
    expect(describeCalibration(calibration)).to.match(/capped at 2× the largest score: expected false-positive rate/);
  });

  it('fits all but the lowest score when there are fewer than 11, and is certain above equal top scores', () => {
    const tiny = calibrateThreshold([0.1, 0.2, 0.3], 1e-4);
    expect(tiny.tail).to.deep.include({ start: 0.1, samples: 2 });
    const flat = calibrateThreshold(new Array(40).fill(0.25), 1e-4);
    // the benign records themselves must not alert (anomalous = score ≥ threshold)
    expect(flat.threshold).to.be.greaterThan(0.25).and.lessThan(0.2500001);
    expect(tailProbability(0.26, flat)).to.equal(0);
    expect(logTailProbability(0.25, flat)).to.be.closeTo(Math.log(10 / 40), 1e-12);
  });

  it('keeps a block of equal benign top scores below the threshold, and says what rate to expect', () => {
    const spread = Array.from({ length: 1000 }, (_, i) => 0.01 + 0.2 * ((i * 7919) % 1000) / 1000);
    const calibration = calibrateThreshold([...spread, ...new Array(40).fill(0.3)], 1e-4);
    expect(calibration.threshold).to.be.greaterThan(0.3);
    expect(calibration.expectedFpr).to.equal(tailProbability(calibration.threshold, calibration));
  });
});
