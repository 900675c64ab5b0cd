// The hot-path transforms: log1pCount's table of small counts gives exactly Math.log1p, bad input gives 0; character
// entropy by the formula, with and without case.
import { expect } from 'chai';
import { characterEntropy, log1pCount } from '../../src/features/transforms.js';

describe('features/transforms', () => {
  it('log1pCount equals Math.log1p bit for bit on whole counts below, at and above the table, and on fractions', () => {
    const values: number[] = [];
    for (let n = 0; n < 1100; n++) values.push(n, n + 0.5);
    values.push(1e6, 2 ** 31, 2 ** 31 + 1, 2 ** 53, 1e300, 5e-324);
    for (const value of values) expect(Object.is(log1pCount(value), Math.log1p(value)), `log1pCount(${value})`).to.equal(true);
  });

  it('log1pCount gives 0 for zero, negatives, NaN and infinities', () => {
    for (const value of [0, -0, -1, -1023, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(Object.is(log1pCount(value), 0), `log1pCount(${value})`).to.equal(true);
    }
  });

  it('characterEntropy is −Σ p·log2 p over the characters, with case folded only when asked, non-ASCII in one bucket', () => {
    const byFormula = (counts: number[]) => {
      const n = counts.reduce((a, b) => a + b, 0);
      return -counts.reduce((sum, c) => sum + (c / n) * Math.log2(c / n), 0);
    };
    expect(characterEntropy('', false)).to.equal(0);
    expect(characterEntropy('zzzz', false)).to.equal(0);
    expect(characterEntropy('/a/B/a', false)).to.be.closeTo(byFormula([3, 2, 1]), 1e-12);
    expect(characterEntropy('ABab', false)).to.be.closeTo(2, 1e-12);
    expect(characterEntropy('ABab', true)).to.be.closeTo(1, 1e-12);
    // DNS 0x20: a resolver's random case does not raise a name's entropy
    expect(characterEntropy('UpLoAd.WiKiMeDiA.oRg', true)).to.equal(characterEntropy('upload.wikimedia.org', true));
    // code units past ASCII share a bucket
    expect(characterEntropy('é日a', false)).to.be.closeTo(byFormula([2, 1]), 1e-12);
    // nothing carries over between calls
    expect(characterEntropy('abcd', true)).to.be.closeTo(2, 1e-12);
  });
});
