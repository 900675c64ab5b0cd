// The WebAssembly scoring kernel must give exactly the JavaScript path's scores: one row at a time and eight at a
// time, for units of every shape its loops split by (eight outputs, pairs, an odd one), in range and far out of it.
import { expect } from 'chai';
import { KitNET } from '../../src/kitnet/index.js';
import { PackedScorer } from '../../src/kitnet/packed-scorer.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

const FM = 200;
const AD = 600;
const N = 40;
/** groups of 1, 2, 3, 5, 9 and 10 features: hidden layers of 1, 2, 3, 4, 7 and 8 units */
const GROUPS = [[0], [1, 2], [3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19], [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]];
/** the planted groups and the noise features as one more group, as the feature map */
const FEATURE_MAP = [...GROUPS, Array.from({ length: N - 30 }, (_, i) => 30 + i)];
const rows = correlatedGroupsMatrix(FM + AD + 200, GROUPS, N, 11, 0.05);

/** Rows far above and below the training range (soft clip on both sides, σ far into its tails) and at zero. */
function extremeRows(): Float64Array[] {
  return [
    Float64Array.from({ length: N }, (_, i) => 1e6 * (i + 1)),
    Float64Array.from({ length: N }, (_, i) => -1e3 * (i + 1)),
    Float64Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 1e300 : -1e300)),
    new Float64Array(N),
  ];
}

function trained(reference: boolean): KitNET {
  const kitnet = new KitNET(N, { fmGrace: FM, adGrace: AD, maxAutoencoderSize: 10, featureMap: FEATURE_MAP, ...(reference ? { reference: 'kitnet-py' as const } : {}) });
  for (let t = 0; t <= FM + AD; t++) kitnet.process(rows[t]!);
  return kitnet;
}

/** The JavaScript path and the kernel path over one trained model (the constructor KitNET uses, kernel on and off). */
function scorers(kitnet: KitNET): { javascript: PackedScorer; kernel: PackedScorer } {
  const internals = kitnet as unknown as { ensemble: never; output: never; mapIndices: Int32Array };
  return {
    javascript: new PackedScorer(internals.ensemble, internals.output, internals.mapIndices, false),
    kernel: new PackedScorer(internals.ensemble, internals.output, internals.mapIndices, true),
  };
}

function endToEnd(list: Float64Array[]): Float64Array {
  const out = new Float64Array(list.length * N);
  list.forEach((row, r) => out.set(row, r * N));
  return out;
}

describe('KitNET scoring kernel (WebAssembly)', () => {
  const kitnet = trained(false);
  const { javascript, kernel } = scorers(kitnet);
  const checked = [...rows.slice(FM + AD + 1), ...extremeRows()];

  it('has units of every shape its loops treat apart', () => {
    const sizes = kitnet.featureMap().map((group) => group.length);
    expect(sizes).to.deep.equal([1, 2, 3, 5, 9, 10, 10]);
  });

  it('scores one row bit for bit as the JavaScript path, in range and far out of it', () => {
    for (const row of checked) {
      const expected = javascript.score(row);
      expect(Number.isFinite(expected)).to.equal(true);
      expect(Object.is(kernel.score(row), expected), `row ${Array.from(row).join(',')}`).to.equal(true);
      expect(Object.is(kitnet.score(row), expected)).to.equal(true);
    }
  });

  it('scores eight rows at a time bit for bit as one at a time, for any count and whatever came before', () => {
    const all = endToEnd(checked);
    const expected = checked.map((row) => javascript.score(row));
    // every remainder of eight, and extreme rows landing in every lane of a block
    for (const count of [1, 2, 4, 5, 7, 8, 9, 13, 16, 17, 31, checked.length]) {
      for (const first of [0, checked.length - count - 1, checked.length - count]) {
        if (first < 0) continue;
        const scores = new Float64Array(count);
        kernel.scoreRows(all.subarray(first * N, (first + count) * N), count, scores);
        for (let r = 0; r < count; r++) expect(Object.is(scores[r], expected[first + r]), `count ${count}, row ${first + r}`).to.equal(true);
      }
    }
  });

  it('explains a row bit for bit as the JavaScript path: every squared error and every autoencoder\'s RMSE', () => {
    for (const row of checked) {
      const expected = { errors: new Float64Array(javascript.ensembleSlots), rmse: new Float64Array(GROUPS.length + 1) };
      const got = { errors: new Float64Array(kernel.ensembleSlots).fill(-1), rmse: new Float64Array(GROUPS.length + 1).fill(-1) };
      const score = javascript.explain(row, expected.errors, expected.rmse);
      expect(Object.is(kernel.explain(row, got.errors, got.rmse), score)).to.equal(true);
      expect(Array.from(got.errors)).to.deep.equal(Array.from(expected.errors));
      expect(Array.from(got.rmse)).to.deep.equal(Array.from(expected.rmse));
      expect(expected.errors.some((e) => e > 0)).to.equal(true);
    }
  });

  it('marks rows KitNET.score would refuse (a value not finite) and scores the others as score() does', () => {
    const list = checked.slice(0, 12).map((row) => Float64Array.from(row));
    list[3]![5] = Number.NaN;
    list[9]![0] = Number.POSITIVE_INFINITY;
    const scores = new Float64Array(list.length);
    const rejected = new Uint8Array(list.length).fill(7);
    kitnet.scoreRows(endToEnd(list), list.length, scores, rejected);
    list.forEach((row, r) => {
      if (r === 3 || r === 9) {
        expect(rejected[r]).to.equal(1);
        expect(scores[r]).to.be.NaN;
        expect(() => kitnet.score(row)).to.throw(/not finite|must be a finite number/);
      } else {
        expect(rejected[r]).to.equal(0);
        expect(Object.is(scores[r], kitnet.score(row))).to.equal(true);
      }
    });
  });

  it('is not used for the exact σ of kitnet-py mode, whose rows score as before, unrefused', () => {
    const reference = trained(true);
    const list = checked.slice(0, 10);
    const scores = new Float64Array(list.length);
    const rejected = new Uint8Array(list.length);
    reference.scoreRows(endToEnd(list), list.length, scores, rejected);
    list.forEach((row, r) => {
      expect(Object.is(scores[r], reference.scoreUnpacked(row))).to.equal(true);
      expect(rejected[r]).to.equal(0);
    });
  });
});
