// explain(): the score with per-autoencoder RMSEs, and the inputs that reconstructed worst with their ranges.
import { expect } from 'chai';
import { KitNET } from '../../src/kitnet/index.js';
import { PackedScorer } from '../../src/kitnet/packed-scorer.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

const n = 8;
const names = ['bytes', 'pkts', 'duration', 'ratio', 'a', 'b', 'c', 'd'];
const rows = correlatedGroupsMatrix(3000, [[0, 1], [2, 3], [4, 5, 6, 7]], n, 17, 0.05);

describe('KitNET.explain', () => {
  const kitnet = new KitNET(n, { fmGrace: 300, adGrace: 2500, maxAutoencoderSize: 4 });
  kitnet.fit(rows.slice(0, 2801));

  it('returns the same score as score() and one RMSE per ensemble autoencoder', () => {
    const row = rows[2900]!;
    const explanation = kitnet.explain(row, names, 3);
    expect(explanation.score).to.equal(kitnet.score(row));
    expect(explanation.autoencoderRmse.length).to.equal(kitnet.featureMap().length);
    expect(explanation.topFeatures).to.have.length(3);
  });

  it('names the feature pushed far outside its training range first, with its value and range', () => {
    const row = Float64Array.from(rows[2900]!);
    row[2] = 25;
    const explanation = kitnet.explain(row, names, 2);
    const top = explanation.topFeatures[0]!;
    expect(top.index).to.equal(2);
    expect(top.name).to.equal('duration');
    expect(top.value).to.equal(25);
    const range = kitnet.inputRange();
    expect(top.lo).to.equal(range.lo[2]);
    expect(top.hi).to.equal(range.hi[2]);
    expect(top.normalised).to.be.closeTo((25 - top.lo) / (top.hi - top.lo), 1e-12);
    expect(top.error).to.be.greaterThan(explanation.topFeatures[1]!.error);
    expect(explanation.score).to.be.greaterThan(kitnet.score(rows[2900]!));
  });

  it('keeps, for every top, the inputs a full sort puts first: larger error first, then lower index', () => {
    const internals = kitnet as unknown as { ensemble: never; output: never; mapIndices: Int32Array };
    const scorer = new PackedScorer(internals.ensemble, internals.output, internals.mapIndices, false);
    // rows far out, in range, and one where whole groups tie (every input at the same far value)
    const probes = [rows[2900]!, rows[2950]!, Float64Array.from(rows[2901]!, (v, j) => (j % 3 === 0 ? v * 40 : v)), new Float64Array(n).fill(1e6)];
    for (const row of probes) {
      const errors = new Float64Array(n);
      scorer.explain(row, errors, new Float64Array(kitnet.featureMap().length));
      const sorted = Array.from(errors, (error, slot) => ({ error, index: internals.mapIndices[slot]! }))
        .sort((a, b) => b.error - a.error || a.index - b.index);
      for (const top of [0, 1, 3, n, n + 2]) {
        const got = kitnet.explain(row, names, top).topFeatures.map((f) => [f.index, f.error]);
        expect(got).to.deep.equal(sorted.slice(0, top).map((f) => [f.index, f.error]));
      }
    }
  });

  it('reports each input training range (lo ≤ hi, within the data seen)', () => {
    const { lo, hi } = kitnet.inputRange();
    for (let j = 0; j < n; j++) {
      const seen = rows.slice(301, 2801).map((r) => r[j]!);
      expect(lo[j]).to.equal(Math.min(...seen));
      expect(hi[j]).to.equal(Math.max(...seen));
    }
  });

  it('falls back to f<index> names when none are given', () => {
    const row = Float64Array.from(rows[2900]!);
    row[5] = -40;
    expect(kitnet.explain(row).topFeatures[0]!.name).to.equal('f5');
  });
});
