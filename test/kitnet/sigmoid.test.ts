// The table sigmoid must stay within 3e-11 of the exact one everywhere, keep its order, and handle the edges.
import { expect } from 'chai';
import { exactSigmoid, tableSigmoid } from '../../src/kitnet/sigmoid.js';

describe('tableSigmoid', () => {
  it('is within 3e-11 of 1/(1 + e^−t) on a grid finer than its knots, knots and midpoints included', () => {
    let worst = 0;
    let worstAt = 0;
    for (let k = -40 * 1024; k <= 40 * 1024; k++) {
      const t = k / 1024 + 1e-7;
      const error = Math.abs(tableSigmoid(t) - exactSigmoid(t));
      if (error > worst) [worst, worstAt] = [error, t];
    }
    expect(worst, `worst at t = ${worstAt}`).to.be.lessThan(3e-11);
    expect(worst).to.be.greaterThan(0); // a table, not Math.exp under another name
  });

  it('never decreases, so a larger activation never reconstructs smaller', () => {
    let previous = tableSigmoid(-40);
    let firstDrop: number | null = null;
    for (let k = -40 * 4096; k <= 40 * 4096 && firstDrop === null; k++) {
      const y = tableSigmoid(k / 4096);
      if (y < previous) firstDrop = k / 4096;
      previous = y;
    }
    expect(firstDrop).to.equal(null);
  });

  it('saturates to 1 above the table, stays positive and exact below it, and passes NaN on', () => {
    expect(tableSigmoid(32)).to.equal(1);
    expect(tableSigmoid(1e308)).to.equal(1);
    expect(tableSigmoid(Infinity)).to.equal(1);
    expect(tableSigmoid(-50)).to.equal(exactSigmoid(-50));
    expect(tableSigmoid(-50)).to.be.greaterThan(0);
    expect(tableSigmoid(-Infinity)).to.equal(0);
    expect(tableSigmoid(NaN)).to.be.NaN;
    expect(tableSigmoid(0)).to.equal(0.5);
  });
});
