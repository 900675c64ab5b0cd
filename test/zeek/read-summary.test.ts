// ReadSummary: counting by reason, merging per-file summaries, the 20-example cap and the human text.
import { expect } from 'chai';
import { ZeekLogParseError } from '../../src/errors.js';
import { ReadSummary } from '../../src/zeek/read-summary.js';

const problem = (reason: string, line: number) => new ZeekLogParseError(reason, 'detail', { file: 'a.log', line, field: 'f' });

describe('zeek/read-summary', () => {
  it('merges counts, reasons, repairs and examples, keeping at most 20 examples', () => {
    const a = new ReadSummary();
    const b = new ReadSummary();
    a.records = 5;
    b.records = 7;
    for (let i = 1; i <= 15; i++) a.recordError(problem('bad-value', i));
    for (let i = 1; i <= 10; i++) b.recordError(problem(i % 2 ? 'bad-value' : 'column-count', 100 + i));
    b.recordRepair(problem('invalid-utf8', 200));
    a.merge(b);
    expect([a.records, a.skipped, a.repaired]).to.deep.equal([12, 25, 1]);
    expect(Object.fromEntries(a.byReason)).to.deep.equal({ 'bad-value': 20, 'column-count': 5 });
    expect(a.repairedByReason.get('invalid-utf8')).to.equal(1);
    expect(a.examples).to.have.length(20);
    expect(a.examples[15]!.line).to.equal(101);
  });

  it('formats totals, reasons by count and examples with file:line field', () => {
    const s = new ReadSummary();
    s.records = 3;
    s.recordError(problem('column-count', 4));
    s.recordError(problem('bad-value', 5));
    s.recordError(problem('bad-value', 6));
    const text = s.format();
    expect(text.split('\n').slice(0, 4)).to.deep.equal(['records read: 3', 'records skipped: 3', '  bad-value: 2', '  column-count: 1']);
    expect(text).to.contain('a.log:4 field f: column-count: detail');
  });
});
