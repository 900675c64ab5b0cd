// The exact phase counters of spec §3: FM+1 rows map, AD rows train the autoencoders, row FM+AD+1 scores first.
import { expect } from 'chai';
import { KitNET, KitNETNotReadyError } from '../../src/kitnet/index.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

const FM = 200;
const AD = 500;
const rows = correlatedGroupsMatrix(760, [[0, 1, 2], [3, 4], [5, 6, 7]], 9, 21, 0.1);

for (const reference of [true, false]) {
  describe(`KitNET phases (${reference ? 'kitnet-py' : 'improved'} mode)`, () => {
    it('feeds rows 0…FM to the feature mapper, rows FM+1…FM+AD to the autoencoders, and scores from FM+AD+1', () => {
      const kitnet = new KitNET(9, { fmGrace: FM, adGrace: AD, maxAutoencoderSize: 3, ...(reference ? { reference: 'kitnet-py' as const } : {}) });
      const results: number[] = [];
      for (let t = 0; t < rows.length; t++) {
        if (t === FM) {
          const state = kitnet.toState();
          expect(state.featureMapper!.rows).to.equal(FM);
          expect(state.featureMap).to.equal(null);
          expect(() => kitnet.score(rows[t]!)).to.throw(KitNETNotReadyError);
        }
        if (t === FM + 1) {
          const state = kitnet.toState();
          expect(state.featureMapper).to.equal(null);
          expect(state.featureMap!.flat().length).to.equal(9);
          for (const ae of state.ensemble) expect(ae.trainedRows, 'the clustering row trains no autoencoder').to.equal(0);
        }
        results.push(kitnet.process(rows[t]!));
        expect(kitnet.rowsSeen).to.equal(Math.min(t + 1, FM + AD + 1));
      }
      const state = kitnet.toState();
      for (const ae of state.ensemble) expect(ae.trainedRows).to.equal(AD);
      expect(state.output!.trainedRows).to.equal(AD);
      const firstNonZero = results.findIndex((s) => s !== 0);
      expect(firstNonZero).to.equal(FM + AD + 1);
      expect(results.slice(FM + AD + 1).every((s) => s > 0 && Number.isFinite(s))).to.equal(true);
      expect(kitnet.isTrained).to.equal(true);
    });
  });
}

describe('KitNET with a supplied feature map', () => {
  it('skips the feature-mapping phase: all FM+AD+1 prefix rows train the autoencoders', () => {
    const map = [[0, 1, 2], [3, 4], [5, 6, 7, 8]];
    const kitnet = new KitNET(9, { fmGrace: FM, adGrace: AD, featureMap: map });
    expect(kitnet.featureMap()).to.deep.equal(map);
    const results = rows.map((row) => kitnet.process(row));
    expect(results.findIndex((s) => s !== 0)).to.equal(FM + AD + 1);
    const state = kitnet.toState();
    for (const ae of state.ensemble) expect(ae.trainedRows).to.equal(FM + AD + 1);
  });

  it('fit() trains like process() during the grace periods and keeps training past them', () => {
    const viaProcess = new KitNET(9, { fmGrace: 20, adGrace: 50 });
    const viaFit = new KitNET(9, { fmGrace: 20, adGrace: 50 });
    for (const row of rows.slice(0, 71)) viaProcess.process(row);
    viaFit.fit(rows.slice(0, 71));
    expect(viaFit.isTrained).to.equal(true);
    expect(viaFit.score(rows[100]!)).to.equal(viaProcess.score(rows[100]!));
    viaFit.fit(rows.slice(71, 90));
    expect(viaFit.rowsSeen).to.equal(90);
    expect(viaFit.score(rows[100]!)).to.not.equal(viaProcess.score(rows[100]!));
  });
});

describe('KitNET scoring entry points', () => {
  it('scoreBatch, scoreInto and score give the same values and none of them learns', () => {
    const kitnet = new KitNET(9, { fmGrace: 30, adGrace: 100 });
    kitnet.fit(rows.slice(0, 131));
    const tail = rows.slice(131, 200);
    const one = tail.map((row) => kitnet.score(row));
    const batch = kitnet.scoreBatch(tail);
    const into = new Float64Array(tail.length);
    tail.forEach((row, t) => kitnet.scoreInto(row, into, t));
    expect(Array.from(batch)).to.deep.equal(one);
    expect(Array.from(into)).to.deep.equal(one);
    expect(kitnet.rowsSeen).to.equal(131);
    expect(new Set(one).size).to.be.greaterThan(tail.length / 2);
  });
});
