// The packed scoring path must give exactly the per-autoencoder path's scores, and follow the model as it trains.
import { expect } from 'chai';
import { KitNET } from '../../src/kitnet/index.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

const FM = 150;
const AD = 400;
const rows = correlatedGroupsMatrix(700, [[0, 1, 2], [3, 4], [5, 6, 7]], 9, 7, 0.1);

/** Rows far outside the training range (soft clip above and below) and one at the edges. */
function outOfRangeRows(): Float64Array[] {
  return [Float64Array.from({ length: 9 }, (_, i) => 1e6 * (i + 1)), Float64Array.from({ length: 9 }, (_, i) => -1e3 * (i + 1)), new Float64Array(9)];
}

for (const reference of [false, true]) {
  describe(`KitNET packed scoring (${reference ? 'kitnet-py' : 'improved'} mode)`, () => {
    const options = { fmGrace: FM, adGrace: AD, maxAutoencoderSize: 3, ...(reference ? { reference: 'kitnet-py' as const } : {}) };

    it('scores every row bit for bit as the per-autoencoder path (scoreUnpacked) does, in range and far out of it, and explain gives the same score', () => {
      const kitnet = new KitNET(9, options);
      for (let t = 0; t <= FM + AD; t++) kitnet.process(rows[t]!);
      const checked = [...rows.slice(FM + AD + 1), ...outOfRangeRows()];
      for (const row of checked) {
        const packed = kitnet.score(row);
        expect(Object.is(packed, kitnet.scoreUnpacked(row)), `row ${Array.from(row).join(',')}`).to.equal(true);
        expect(Object.is(packed, kitnet.explain(row, undefined, 1).score)).to.equal(true);
        const into = new Float64Array(2);
        kitnet.scoreInto(row, into, 1);
        expect(Object.is(into[1], packed)).to.equal(true);
      }
    });

    it('scores with the weights of the latest training step, not those of the first score', () => {
      const kitnet = new KitNET(9, options);
      for (let t = 0; t <= FM + AD; t++) kitnet.process(rows[t]!);
      const probe = rows[FM + AD + 1]!;
      const before = kitnet.score(probe);
      for (let t = 0; t < 50; t++) kitnet.learn(outOfRangeRows()[0]!);
      const after = kitnet.score(probe);
      expect(after).to.not.equal(before);
      expect(Object.is(after, kitnet.scoreUnpacked(probe))).to.equal(true);
    });

    it('scores a restored model exactly as the model it was saved from', () => {
      const kitnet = new KitNET(9, options);
      for (let t = 0; t <= FM + AD; t++) kitnet.process(rows[t]!);
      const restored = KitNET.fromState(kitnet.toState());
      for (const row of rows.slice(FM + AD + 1)) expect(Object.is(restored.score(row), kitnet.score(row))).to.equal(true);
    });
  });
}
