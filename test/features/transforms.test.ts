// The hot-path transforms: log1pCount's table of small counts gives exactly Math.log1p, and bad input gives 0.
import { expect } from 'chai';
import { log1pCount } from '../../src/features/transforms.js';

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
});
