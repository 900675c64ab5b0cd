// Pins the benign alert-rate check: the Wilson interval against published values, and the verdict that
// keeps a small test set from "showing" a 1-in-10,000 alert rate it cannot measure.
import { expect } from 'chai';
import { ALERT_RATE_TOLERANCE, checkAlertRate, wilsonInterval } from '../../src/eval/alert-rate.js';
import { describeAlertRate } from '../../src/eval/report-text.js';

describe('eval alert rate: Wilson interval', () => {
  it('matches Newcombe (1998) example 81/263: 0.2553–0.3662', () => {
    const { low, high } = wilsonInterval(81, 263);
    expect(low).to.be.closeTo(0.2553, 5e-5);
    expect(high).to.be.closeTo(0.3662, 5e-5);
  });

  it('is not empty with no successes: upper bound z²/(n + z²)', () => {
    const { low, high } = wilsonInterval(0, 2763);
    expect(low).to.equal(0);
    expect(high).to.be.closeTo(1.959963984540054 ** 2 / (2763 + 1.959963984540054 ** 2), 1e-15);
  });

  it('is the whole range without trials', () => {
    expect(wilsonInterval(0, 0)).to.deep.equal({ low: 0, high: 1 });
  });
});

describe('eval alert rate: comparison with the target', () => {
  it('cannot show a 1e-4 target on a few thousand benign records, even with no false alarm', () => {
    const check = checkAlertRate(0, 2763, 1e-4);
    expect(check.verdict).to.equal('too few benign records to tell');
    expect(check.expectedFalseAlarms).to.be.closeTo(0.2763, 1e-12);
    // 0 of n is within 2 × 1e-4 only once z²/(n + z²) ≤ 2e-4
    expect(check.benignNeeded).to.equal(19204);
    expect(checkAlertRate(0, check.benignNeeded, 1e-4).verdict).to.equal('within tolerance');
    expect(checkAlertRate(0, check.benignNeeded - 1, 1e-4).verdict).to.equal('too few benign records to tell');
  });

  it('calls a rate above tolerance only when the whole interval is above it', () => {
    expect(checkAlertRate(5, 2763, 1e-4).verdict).to.equal('above tolerance');
    expect(checkAlertRate(1, 2763, 1e-4).verdict).to.equal('too few benign records to tell');
    expect(checkAlertRate(0, 0, 1e-4).verdict).to.equal('no benign records');
    expect(ALERT_RATE_TOLERANCE).to.equal(2);
  });

  it('expects more false alarms when the calibration says its threshold was capped', () => {
    const check = checkAlertRate(3, 1000, 1e-4, 5e-3);
    expect(check.expectedFalseAlarms).to.be.closeTo(5, 1e-12);
    expect(check.targetRate).to.equal(1e-4);
  });

  it('describes the counts, the interval per 10k and the verdict in words', () => {
    const text = describeAlertRate(checkAlertRate(5, 2763, 1e-4));
    expect(text).to.match(/^5 of 2763 \(18\.1 per 10k, 95% CI 7\.\d+–42\.\d+\); 0\.276 expected at the calibrated rate; above 2× the target$/);
    expect(describeAlertRate(checkAlertRate(0, 500, 1e-4))).to.match(/too few benign records .*\(needs ≥ 19204 with no false alarm\)/);
  });
});
