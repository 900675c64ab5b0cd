// Φ, its tails and Φ⁻¹ against values from scipy.stats.norm (scipy 1.10.1), across the body and far tails.
import { expect } from 'chai';
import { erfc } from '../../src/kitnet/normal-distribution.js';
import { normalCdf, normalLogSurvival, normalQuantile, normalSurvival, normalUpperQuantile } from '../../src/kitnet/index.js';

function expectRelativelyClose(actual: number, expected: number, tolerance: number, what: string): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Math.abs(actual - expected) / scale, `${what}: ${actual} vs ${expected}`).to.be.at.most(tolerance);
}

describe('normal distribution', () => {
  it('Φ matches scipy norm.cdf from the far left tail to the right', () => {
    const known: [number, number][] = [
      [-37.5, 4.605353009581954e-308], [-10, 7.61985302416047e-24], [-5, 2.866515718791933e-7], [-1.5, 0.06680720126885807],
      [0, 0.5], [0.5, 0.6914624612740131], [1, 0.8413447460685429], [3, 0.9986501019683699], [8, 0.9999999999999993],
    ];
    // at z = −37.5 the rounding of z/√2 alone moves e^{−z²/2} by ~1e-13 relative
    for (const [z, p] of known) expectRelativelyClose(normalCdf(z), p, Math.abs(z) > 20 ? 1e-12 : 1e-13, `Φ(${z})`);
  });

  it('the survival function keeps its precision where 1 − Φ would cancel', () => {
    expectRelativelyClose(normalSurvival(5), 2.866515718791933e-7, 1e-13, 'sf(5)');
    expectRelativelyClose(normalSurvival(10), 7.61985302416047e-24, 1e-13, 'sf(10)');
    expectRelativelyClose(normalSurvival(20), 2.7536241186061556e-89, 1e-13, 'sf(20)');
  });

  it('the log survival function stays finite where the survival underflows', () => {
    const known: [number, number][] = [[-3, -0.001350809964748193], [0, -0.6931471805599453], [3, -6.60772622151035], [10, -53.23128515051248], [40, -804.6084420137539]];
    for (const [z, v] of known) expectRelativelyClose(normalLogSurvival(z), v, 1e-13, `logsf(${z})`);
  });

  it('Φ⁻¹ matches scipy norm.ppf, including the Acklam region boundary and extreme tails', () => {
    const known: [number, number][] = [
      [1e-300, -37.0470962993612], [1e-10, -6.361340902404056], [1e-4, -3.7190164854556804], [0.01, -2.3263478740408408],
      [0.02425, -1.972961051311885], [0.025, -1.9599639845400545], [0.3, -0.5244005127080409], [0.975, 1.959963984540054],
      [0.9999, 3.719016485455709], [0.9999999, 5.199337582290661],
    ];
    for (const [p, z] of known) expectRelativelyClose(normalQuantile(p), z, 1e-13, `Φ⁻¹(${p})`);
    expect(normalQuantile(0.5)).to.equal(0);
    expect(normalQuantile(0)).to.equal(-Infinity);
    expect(normalQuantile(1)).to.equal(Infinity);
    expect(normalQuantile(1.5)).to.be.NaN;
  });

  it('the upper quantile for a tiny tail probability matches scipy norm.isf', () => {
    expectRelativelyClose(normalUpperQuantile(1e-4), 3.7190164854556804, 1e-13, 'isf(1e-4)');
    expectRelativelyClose(normalUpperQuantile(1e-3), 3.090232306167813, 1e-13, 'isf(1e-3)');
    expectRelativelyClose(normalUpperQuantile(1e-6), 4.753424308822899, 1e-13, 'isf(1e-6)');
  });

  it('Φ⁻¹ inverts Φ on the lower side and the upper quantile inverts the survival on the upper side', () => {
    // Φ(z) for large z rounds to within 1e-16 of 1, so the upper side round-trips through the survival function
    for (let z = -8; z <= 0; z += 0.37) expect(normalQuantile(normalCdf(z))).to.be.closeTo(z, 1e-12 * Math.max(1, Math.abs(z)));
    for (let z = 0; z <= 8; z += 0.37) expect(normalUpperQuantile(normalSurvival(z))).to.be.closeTo(z, 1e-12 * Math.max(1, Math.abs(z)));
  });

  it('erfc is continuous where it switches from the series to the continued fraction', () => {
    const below = erfc(2 - 1e-12);
    const above = erfc(2);
    expectRelativelyClose(below, above, 1e-10, 'erfc at 2');
    expectRelativelyClose(erfc(-1), 2 - erfc(1), 1e-15, 'erfc(−x) = 2 − erfc(x)');
  });
});
