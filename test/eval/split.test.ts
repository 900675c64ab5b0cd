// Pins the time split: the periods never overlap in time, --split-ts accepts epoch and ISO 8601.
import { expect } from 'chai';
import { UsageError } from '../../src/errors.js';
import { parseSplitTimestamp, sortByTime, splitByTime } from '../../src/eval/split.js';

const ts = (n: number) => n;

describe('eval split: time split', () => {
  it('puts the earliest share in the earlier period', () => {
    const { earlier, later, cutTs } = splitByTime([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { kind: 'fraction', fraction: 0.3 }, ts);
    expect(earlier).to.deep.equal([1, 2, 3]);
    expect(later).to.deep.equal([4, 5, 6, 7, 8, 9, 10]);
    expect(cutTs).to.equal(4);
  });

  it('keeps records sharing the cut timestamp together in the later period', () => {
    const { earlier, later } = splitByTime([1, 2, 5, 5, 5, 6], { kind: 'fraction', fraction: 0.5 }, ts);
    expect(earlier).to.deep.equal([1, 2]);
    expect(later).to.deep.equal([5, 5, 5, 6]);
  });

  it('splits at an explicit instant', () => {
    const { earlier, later } = splitByTime([10, 20, 30], { kind: 'timestamp', ts: 20 }, ts);
    expect(earlier).to.deep.equal([10]);
    expect(later).to.deep.equal([20, 30]);
  });

  it('sorts by time stably and sets aside records without a timestamp', () => {
    const entries = [
      { id: 'a', ts: 3 },
      { id: 'b', ts: Number.NaN },
      { id: 'c', ts: 1 },
      { id: 'd', ts: 3 },
    ];
    const { sorted, untimed } = sortByTime(entries, (e) => e.ts);
    expect(sorted.map((e) => e.id)).to.deep.equal(['c', 'a', 'd']);
    expect(untimed.map((e) => e.id)).to.deep.equal(['b']);
  });

  it('parses --split-ts as epoch seconds or ISO 8601 (UTC when no zone is given)', () => {
    expect(parseSplitTimestamp('1655071200')).to.equal(1655071200);
    expect(parseSplitTimestamp('1655071200.25')).to.equal(1655071200.25);
    expect(parseSplitTimestamp('2022-06-12T22:00:00Z')).to.equal(1655071200);
    expect(parseSplitTimestamp('2022-06-12T22:00:00')).to.equal(1655071200);
    expect(parseSplitTimestamp('2022-06-13T00:00:00+02:00')).to.equal(1655071200);
    expect(parseSplitTimestamp('2022-06-12')).to.equal(1654992000);
    expect(() => parseSplitTimestamp('yesterday')).to.throw(UsageError, /split-ts/);
  });
});
