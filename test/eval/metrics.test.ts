// Pins the detection metrics to hand-computed cases: ROC AUC with ties, average precision, the ROC
// curve, counts at the threshold, recall per label and alerts per 10,000 benign records.
import { expect } from 'chai';
import { alertsPer10k, averagePrecision, detectionMetrics, rocAuc, rocCurve, scoreHistogram, thinRocCurve, type LabelledScore } from '../../src/eval/metrics.js';

function scored(attacks: number[], benign: number[], threshold = Number.POSITIVE_INFINITY): LabelledScore[] {
  return [
    ...attacks.map((score) => ({ score, attack: true, alerted: score >= threshold })),
    ...benign.map((score) => ({ score, attack: false, alerted: score >= threshold })),
  ];
}

describe('eval metrics: ROC AUC (Mann–Whitney, ties count one half)', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc(scored([5, 6, 7], [1, 2, 3]))).to.equal(1);
    expect(rocAuc(scored([1, 2, 3], [5, 6, 7]))).to.equal(0);
  });

  it('is 0.5 when every score is tied', () => {
    expect(rocAuc(scored([1, 1, 1], [1, 1, 1, 1]))).to.equal(0.5);
  });

  it('matches a hand-computed example with a tie across classes', () => {
    // attack 0.8 beats all 3 benign (3); attack 0.4 beats 0.1 (1), ties 0.4 (0.5), loses to 0.5 → 4.5 / 6
    expect(rocAuc(scored([0.8, 0.4], [0.5, 0.4, 0.1]))).to.be.closeTo(0.75, 1e-12);
  });

  it('does not depend on the input order of tied records', () => {
    const a = scored([0.4, 0.8], [0.4, 0.1, 0.5]);
    expect(rocAuc(a)).to.equal(rocAuc([...a].reverse()));
  });

  it('is null when a class is missing', () => {
    expect(rocAuc(scored([1, 2], []))).to.equal(null);
    expect(rocAuc(scored([], [1, 2]))).to.equal(null);
  });
});

describe('eval metrics: average precision (PR AUC)', () => {
  it('is 1 for a perfect ranking', () => {
    expect(averagePrecision(scored([5, 6], [1, 2, 3]))).to.equal(1);
  });

  it('matches a hand-computed example, tied scores entering together', () => {
    // 0.8 (attack): R 0.5, P 1; then 0.5 (benign) adds no recall; then 0.4 (attack + benign): R 1, P 2/4
    // AP = 0.5·1 + 0.5·0.5 = 0.75
    expect(averagePrecision(scored([0.8, 0.4], [0.5, 0.4, 0.1]))).to.be.closeTo(0.75, 1e-12);
  });

  it('equals the attack share when everything ties', () => {
    expect(averagePrecision(scored([1, 1], [1, 1, 1, 1, 1, 1]))).to.be.closeTo(0.25, 1e-12);
  });

  it('is null without attacks', () => {
    expect(averagePrecision(scored([], [1, 2]))).to.equal(null);
  });
});

describe('eval metrics: ROC curve', () => {
  it('runs from (0,0) to (1,1) with one point per distinct score, and its trapezoid area equals the AUC', () => {
    const s = scored([0.8, 0.4], [0.5, 0.4, 0.1]);
    const curve = rocCurve(s);
    expect(curve.map((p) => [p.fpr, p.tpr])).to.deep.equal([
      [0, 0],
      [0, 0.5],
      [1 / 3, 0.5],
      [2 / 3, 1],
      [1, 1],
    ]);
    let area = 0;
    for (let i = 1; i < curve.length; i++) area += ((curve[i]!.fpr - curve[i - 1]!.fpr) * (curve[i]!.tpr + curve[i - 1]!.tpr)) / 2;
    expect(area).to.be.closeTo(rocAuc(s)!, 1e-12);
  });

  it('thins long curves to the requested size, keeping both ends', () => {
    const attacks = Array.from({ length: 500 }, (_, i) => i + 0.5);
    const benign = Array.from({ length: 500 }, (_, i) => i);
    const curve = rocCurve(scored(attacks, benign));
    const thin = thinRocCurve(curve, 50);
    expect(thin).to.have.length(50);
    expect(thin[0]).to.deep.equal(curve[0]);
    expect(thin[49]).to.deep.equal(curve[curve.length - 1]);
  });
});

describe('eval metrics: at the calibrated threshold', () => {
  it('counts recall, false-positive rate and alerts per 10,000 benign records', () => {
    const m = detectionMetrics(scored([9, 8, 1], [7, 2, 2, 1], 5));
    expect(m.attacks).to.equal(3);
    expect(m.benign).to.equal(4);
    expect(m.truePositives).to.equal(2);
    expect(m.falsePositives).to.equal(1);
    expect(m.recall).to.be.closeTo(2 / 3, 1e-12);
    expect(m.falsePositiveRate).to.equal(0.25);
    expect(m.alertsPer10kBenign).to.equal(2500);
  });

  it('alerts per 10k: 3 false positives among 20,000 benign records is 1.5', () => {
    expect(alertsPer10k(3, 20_000)).to.equal(1.5);
    expect(alertsPer10k(0, 0)).to.equal(null);
  });

  it('reports recall per attack label', () => {
    const s: LabelledScore[] = [
      { score: 9, attack: true, alerted: true, attackLabel: 'scan' },
      { score: 1, attack: true, alerted: false, attackLabel: 'scan' },
      { score: 8, attack: true, alerted: true, attackLabel: 'beacon' },
      { score: 1, attack: false, alerted: false },
    ];
    expect(detectionMetrics(s).recallByLabel).to.deep.equal({
      scan: { records: 2, detected: 1, recall: 0.5 },
      beacon: { records: 1, detected: 1, recall: 1 },
    });
  });
});

describe('eval metrics: score histogram', () => {
  it('puts every record in exactly one log10 bin, per class', () => {
    const h = scoreHistogram(scored([10, 100], [0.01, 0.1, 1, 0]), 4);
    expect(h.log10Edges[0]).to.equal(-2);
    expect(h.log10Edges[4]).to.equal(2);
    expect(h.attack.reduce((a, b) => a + b, 0)).to.equal(2);
    expect(h.benign.reduce((a, b) => a + b, 0)).to.equal(4);
    expect(h.attack[3]).to.equal(2);
    expect(h.benign[0]).to.equal(2); // 0.01 and the zero score
  });
});
