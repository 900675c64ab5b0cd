// The feature mapper: scipy-exact single linkage and splitting, planted-group recovery, and the m bound.
import { expect } from 'chai';
import { CorrelationFeatureMapper, NonFiniteDistanceError, singleLinkage, splitDendrogram } from '../../src/kitnet/correlation-clustering.js';
import { LINKAGE_CASES } from './reference-values.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

function mapperOver(rows: Float64Array[]): CorrelationFeatureMapper {
  const mapper = new CorrelationFeatureMapper(rows[0]!.length);
  for (const row of rows) mapper.update(row);
  return mapper;
}

describe('CorrelationFeatureMapper statistics', () => {
  it('uses residuals against the running mean that includes the row (§4.1), not Welford', () => {
    const mapper = new CorrelationFeatureMapper(2);
    mapper.update([1, 10]);
    mapper.update([3, 14]);
    mapper.update([2, 6]);
    // residuals: row 1 → (0, 0); row 2 mean (2, 12) → (1, 2); row 3 mean (2, 10) → (0, −4)
    expect(Array.from(mapper.residualSquares)).to.deep.equal([1, 20]);
    expect([mapper.residualProducts[0], mapper.residualProducts[1], mapper.residualProducts[3]]).to.deep.equal([1, 2, 20]);
    const distance = mapper.distanceMatrix();
    expect(distance.get(1, 0)).to.equal(distance.get(0, 1));
    expect(distance.get(0, 1)).to.be.closeTo(1 - 2 / Math.sqrt(20), 1e-15);
    // Welford would give Σ(x − x̄)² = 2 for the first feature; the reference's approximation gives 1
  });

  it('puts a feature that was constant at distance exactly 1 from every other feature', () => {
    const rows = correlatedGroupsMatrix(50, [[0, 1]], 3, 5).map((r) => Float64Array.of(r[0]!, r[1]!, 7));
    const distance = mapperOver(rows).distanceMatrix();
    expect(distance.get(2, 0)).to.equal(1);
    expect(distance.get(1, 2)).to.equal(1);
    expect(distance.get(0, 1)).to.be.lessThan(0.01);
  });

  it('refuses non-finite distances in reference policy and treats them as uncorrelated otherwise', () => {
    const mapper = new CorrelationFeatureMapper(3);
    mapper.update([0, 0, 0]);
    mapper.update([1e200, -1e200, 1]);
    mapper.update([-1e200, 1e200, 2]);
    expect(() => mapper.cluster(2, 'throw')).to.throw(NonFiniteDistanceError);
    const map = mapper.cluster(2, 'uncorrelated');
    expect(map.flat().sort()).to.deep.equal([0, 1, 2]);
  });
});

describe('singleLinkage and splitDendrogram (scipy 1.10.1 parity)', () => {
  for (const testCase of LINKAGE_CASES) {
    it(`reproduces scipy's linkage rows and split maps on a tie-heavy n=${testCase.n} matrix`, () => {
      const linkage = singleLinkage(testCase.condensed, testCase.n);
      expect(linkage).to.deep.equal(testCase.linkage);
      for (const [m, expected] of Object.entries(testCase.maps)) {
        expect(splitDendrogram(linkage, testCase.n, Number(m)), `m=${m}`).to.deep.equal(expected);
      }
    });
  }
});

describe('feature map', () => {
  // sizes 4, 3, 5, 3: no two planted groups fit together in one group of m = 5
  const groups = [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8, 10, 11], [12, 13, 14]];
  const n = 16; // 15 is noise
  const rows = correlatedGroupsMatrix(400, groups, n, 11);

  it('keeps each planted correlated group whole and never mixes two groups', () => {
    const map = mapperOver(rows).cluster(5);
    for (const group of groups) {
      const holders = map.filter((g) => group.some((j) => g.includes(j)));
      expect(holders, `group ${group}`).to.have.length(1);
      expect(holders[0]).to.include.members(group);
    }
    for (const mapped of map) {
      const plantedGroupsInside = groups.filter((group) => group.some((j) => mapped.includes(j)));
      expect(plantedGroupsInside.length, `map group ${mapped}`).to.be.at.most(1);
    }
  });

  for (const m of [1, 2, 3, 5, 10, n]) {
    it(`never makes a group larger than m=${m} and covers every feature once`, () => {
      const map = mapperOver(rows).cluster(m);
      for (const group of map) expect(group.length).to.be.within(1, m);
      expect(map.flat().sort((a, b) => a - b)).to.deep.equal(Array.from({ length: n }, (_, i) => i));
      if (m === 1) expect(map.length).to.equal(n);
      if (m === n) expect(map.length).to.equal(1);
    });
  }

  it('clamps m ≤ 0 to 1 like the reference', () => {
    expect(mapperOver(rows).cluster(0).length).to.equal(n);
  });

  it('handles a single feature', () => {
    const mapper = new CorrelationFeatureMapper(1);
    mapper.update([3]);
    expect(mapper.cluster(10)).to.deep.equal([[0]]);
  });
});
