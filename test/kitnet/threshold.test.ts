// Log-normal threshold calibration (§7) on synthetic log-normal scores, and the tail probability it implies.
import { expect } from 'chai';
import { InvalidInputError } from '../../src/errors.js';
import { calibrateThreshold, logTailProbability, normalQuantile, tailProbability } from '../../src/kitnet/index.js';
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
    expect(tailProbability(calibration.threshold, calibration)).to.be.closeTo(1e-4, 1e-12);
    expect(logTailProbability(calibration.threshold, calibration)).to.be.closeTo(Math.log(1e-4), 1e-9);
    expect(tailProbability(Math.exp(calibration.mu), calibration)).to.be.closeTo(0.5, 1e-12);
    expect(tailProbability(0, calibration)).to.equal(1);
    // far beyond the data the probability underflows but its log does not
    const far = Math.exp(calibration.mu + 45 * calibration.sigma);
    expect(tailProbability(far, calibration)).to.equal(0);
    expect(logTailProbability(far, calibration)).to.be.closeTo(-1017.2260942419525, 1e-9); // scipy norm.logsf(45)
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
