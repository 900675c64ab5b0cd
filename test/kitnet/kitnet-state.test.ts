// toState/fromState: a restored model scores bit-identically, through msgpackr too, and bad states are refused.
import { expect } from 'chai';
import { pack, unpack } from 'msgpackr';
import { ModelFormatError } from '../../src/errors.js';
import { KitNET, type KitNETState } from '../../src/kitnet/index.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

const rows = correlatedGroupsMatrix(400, [[0, 1, 2], [3, 4, 5, 6]], 9, 8, 0.1);

function trained(reference: boolean): KitNET {
  const kitnet = new KitNET(9, { fmGrace: 50, adGrace: 200, maxAutoencoderSize: 4, ...(reference ? { reference: 'kitnet-py' as const } : {}) });
  kitnet.fit(rows.slice(0, 251));
  return kitnet;
}

describe('KitNET state', () => {
  for (const reference of [false, true]) {
    it(`restores a trained ${reference ? 'kitnet-py' : 'improved'} model that scores bit-identically`, () => {
      const original = trained(reference);
      const restored = KitNET.fromState(original.toState());
      expect(restored.options).to.deep.equal(original.options);
      expect(restored.rowsSeen).to.equal(original.rowsSeen);
      expect(restored.featureMap()).to.deep.equal(original.featureMap());
      for (const row of rows.slice(251)) expect(Object.is(restored.score(row), original.score(row))).to.equal(true);
    });
  }

  it('survives msgpackr encoding and keeps learning identically after restore', () => {
    const original = trained(false);
    const decoded = unpack(pack(original.toState())) as KitNETState;
    const restored = KitNET.fromState(decoded);
    for (const row of rows.slice(251, 300)) {
      original.learn(row);
      restored.learn(row);
    }
    for (const row of rows.slice(300)) expect(restored.score(row)).to.equal(original.score(row));
  });

  it('restores a model caught mid feature-mapping and finishes it to the same map and scores', () => {
    const whole = new KitNET(9, { fmGrace: 50, adGrace: 200 });
    const half = new KitNET(9, { fmGrace: 50, adGrace: 200 });
    whole.fit(rows.slice(0, 251));
    half.fit(rows.slice(0, 30));
    const resumed = KitNET.fromState(unpack(pack(half.toState())) as KitNETState);
    resumed.fit(rows.slice(30, 251));
    expect(resumed.featureMap()).to.deep.equal(whole.featureMap());
    expect(resumed.score(rows[300]!)).to.equal(whole.score(rows[300]!));
  });

  it('does not share arrays with the model it came from', () => {
    const original = trained(false);
    const state = original.toState();
    const before = original.score(rows[260]!);
    state.ensemble[0]!.weights.fill(0);
    expect(original.score(rows[260]!)).to.equal(before);
  });

  it('refuses inconsistent states with ModelFormatError', () => {
    const good = trained(false).toState();
    const broken: [string, (s: KitNETState) => void][] = [
      ['wrong format', (s) => ((s as { format: string }).format = 'other')],
      ['future version', (s) => ((s as { version: number }).version = 2)],
      ['truncated weights', (s) => (s.ensemble[0]!.weights = s.ensemble[0]!.weights.subarray(1))],
      ['missing autoencoder', (s) => s.ensemble.pop()],
      ['map index out of range', (s) => (s.featureMap![0]![0] = 99)],
      ['no map and no statistics', (s) => (s.featureMap = null)],
    ];
    for (const [what, breakIt] of broken) {
      const state = unpack(pack(good)) as KitNETState;
      breakIt(state);
      expect(() => KitNET.fromState(state), what).to.throw(ModelFormatError);
    }
  });
});
