// Default mode refuses rows of the wrong length or with NaN/±∞ without touching the model, and never scores NaN.
import { expect } from 'chai';
import { InvalidInputError, UsageError } from '../../src/errors.js';
import { KitNET } from '../../src/kitnet/index.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

const rows = correlatedGroupsMatrix(200, [[0, 1], [2, 3]], 5, 4, 0.1);

function trained(): KitNET {
  const kitnet = new KitNET(5, { fmGrace: 20, adGrace: 100 });
  kitnet.fit(rows.slice(0, 121));
  return kitnet;
}

describe('KitNET input checks (default mode)', () => {
  for (const [what, bad] of [['NaN', NaN], ['+∞', Infinity], ['−∞', -Infinity]] as const) {
    it(`refuses a row holding ${what} in process, learn, score and explain, leaving the model unchanged`, () => {
      const kitnet = trained();
      const row = Float64Array.from(rows[150]!);
      const before = kitnet.score(row);
      row[3] = bad;
      expect(() => kitnet.score(row)).to.throw(InvalidInputError, /feature 3/);
      expect(() => kitnet.process(row)).to.throw(InvalidInputError);
      expect(() => kitnet.learn(row)).to.throw(InvalidInputError);
      expect(() => kitnet.explain(row)).to.throw(InvalidInputError);
      expect(kitnet.rowsSeen).to.equal(121);
      expect(kitnet.score(rows[150]!)).to.equal(before);
    });
  }

  it('refuses a row during the feature-mapping phase without counting it', () => {
    const kitnet = new KitNET(5, { fmGrace: 20, adGrace: 100 });
    expect(() => kitnet.process([1, 2, NaN, 4, 5])).to.throw(InvalidInputError);
    expect(kitnet.rowsSeen).to.equal(0);
  });

  it('refuses rows that are too short or too long, in both modes', () => {
    for (const options of [{}, { reference: 'kitnet-py' as const }]) {
      const kitnet = new KitNET(5, options);
      expect(() => kitnet.process([1, 2, 3, 4])).to.throw(InvalidInputError, /4 values, expected 5/);
      expect(() => kitnet.process([1, 2, 3, 4, 5, 6])).to.throw(InvalidInputError, /6 values, expected 5/);
    }
  });

  it('gives finite scores for extreme but finite inputs and for a feature that was constant in training', () => {
    const kitnet = new KitNET(3, { fmGrace: 10, adGrace: 50 });
    kitnet.fit(rows.slice(0, 61).map((r) => [r[0]!, r[1]!, 42]));
    for (const row of [[0.5, 0.5, 43], [1e300, -1e300, 42], [-1e308, 1e308, -1e308], [0.5, 0.5, 42 + 1e-9]]) {
      const score = kitnet.score(row);
      expect(Number.isFinite(score), `score of ${row}`).to.equal(true);
    }
    expect(kitnet.score([0.5, 0.5, 43])).to.be.greaterThan(kitnet.score([0.5, 0.5, 42]));
  });

  it('refuses to score before the autoencoders have trained, instead of returning NaN', () => {
    const kitnet = new KitNET(5, { fmGrace: 3, adGrace: 10 });
    kitnet.fit(rows.slice(0, 4));
    expect(() => kitnet.score(rows[5]!)).to.throw(/not trained/);
  });

  it('refuses invalid options with UsageError', () => {
    expect(() => new KitNET(0)).to.throw(UsageError);
    expect(() => new KitNET(4, { learningRate: -1 })).to.throw(UsageError);
    expect(() => new KitNET(4, { fmGrace: 1.5 })).to.throw(UsageError);
    expect(() => new KitNET(4, { featureMap: [[0, 1], [1, 2]] })).to.throw(UsageError, /twice/);
    expect(() => new KitNET(4, { featureMap: [[0, 4]] })).to.throw(UsageError);
  });
});

describe('KitNET reference mode input handling', () => {
  it('does not check values, as KitNET-py does not (NaN in gives NaN out)', () => {
    const kitnet = new KitNET(5, { reference: 'kitnet-py', fmGrace: 20, adGrace: 100 });
    kitnet.fit(rows.slice(0, 121));
    expect(kitnet.score([NaN, 0, 0, 0, 0])).to.be.NaN;
  });
});
