// LineSplitter and readLineBatches: chunk boundaries, CRLF, over-long lines, invalid UTF-8, gzip, missing files.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { LineSplitter, decodeWithByteCharacters, readLineBatches } from '../../src/zeek/line-reader.js';
import { ReadSummary } from '../../src/zeek/read-summary.js';
import { makeTempDir } from './temp-logs.js';

function splitAll(chunks: Buffer[], maxLineBytes?: number) {
  const summary = new ReadSummary();
  const splitter = new LineSplitter('mem.log', summary, maxLineBytes);
  const lines: [number, string | null][] = [];
  const take = (b: { lines: (string | null)[]; firstLine: number }) => b.lines.forEach((t, i) => lines.push([b.firstLine + i, t]));
  for (const chunk of chunks) take(splitter.push(chunk));
  take(splitter.finish());
  return { lines, summary };
}

describe('zeek/line-reader', () => {
  const temp = makeTempDir();
  after(() => temp.remove());

  it('numbers lines across chunk boundaries, including a line split over three chunks', () => {
    const { lines } = splitAll([Buffer.from('one\ntw'), Buffer.from('o-'), Buffer.from('part\nthree\n'), Buffer.from('four')]);
    expect(lines).to.deep.equal([[1, 'one'], [2, 'two-part'], [3, 'three'], [4, 'four']]);
  });

  it('keeps empty lines as empty strings and strips a CR before the newline', () => {
    const { lines } = splitAll([Buffer.from('a\r\n\nb\n')]);
    expect(lines).to.deep.equal([[1, 'a'], [2, ''], [3, 'b']]);
  });

  it('splits a multi-byte UTF-8 character cut by a chunk boundary correctly', () => {
    const bytes = Buffer.from('héllo\n');
    const { lines, summary } = splitAll([bytes.subarray(0, 2), bytes.subarray(2)]);
    expect(lines).to.deep.equal([[1, 'héllo']]);
    expect(summary.repaired).to.equal(0);
  });

  it('drops a line longer than the cap, counts it with its line number, and goes on', () => {
    const long = 'x'.repeat(50);
    const { lines, summary } = splitAll([Buffer.from(`ok\n${long.slice(0, 30)}`), Buffer.from(`${long.slice(30)}\nafter\n`)], 40);
    expect(lines).to.deep.equal([[1, 'ok'], [2, null], [3, 'after']]);
    expect(summary.byReason.get('line-too-long')).to.equal(1);
    expect(summary.examples[0]!.line).to.equal(2);
  });

  it('drops an over-long line that lies inside one chunk', () => {
    const { lines, summary } = splitAll([Buffer.from(`a\n${'y'.repeat(100)}\nb\n`)], 40);
    expect(lines).to.deep.equal([[1, 'a'], [2, null], [3, 'b']]);
    expect(summary.skipped).to.equal(1);
  });

  it('replaces invalid UTF-8 bytes by U+00NN characters, keeps the line and counts a repair', () => {
    const bad = Buffer.concat([Buffer.from('ok\nbad'), Buffer.from([0xff, 0xc3]), Buffer.from('é\n')]);
    const { lines, summary } = splitAll([bad]);
    expect(lines).to.deep.equal([[1, 'ok'], [2, 'bad\u00ff\u00c3é']]);
    expect(summary.repaired).to.equal(1);
    expect(summary.repairedByReason.get('invalid-utf8')).to.equal(1);
    expect(summary.examples[0]!.line).to.equal(2);
  });

  it('decodeWithByteCharacters keeps valid sequences and maps overlong encodings and surrogates byte by byte', () => {
    expect(decodeWithByteCharacters(Buffer.from([0x41, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xe2, 0x82, 0xac]))).to.equal(
      'A\u00c0\u0080\u00ed\u00a0\u0080€',
    );
  });

  async function readLines(file: string) {
    const summary = new ReadSummary();
    const lines: string[] = [];
    for await (const batch of readLineBatches(file, { summary })) for (const l of batch.lines) if (l !== null) lines.push(l);
    return { lines, summary };
  }

  it('reads gzip by magic bytes whatever the file name says', async () => {
    const file = path.join(temp.dir, 'plain-looking.log');
    writeFileSync(file, gzipSync('a\nb\nc\n'));
    const { lines, summary } = await readLines(file);
    expect(lines).to.deep.equal(['a', 'b', 'c']);
    expect(summary.skipped).to.equal(0);
  });

  it('reads a truncated gzip up to what decompresses, then counts one truncated-gzip error', async () => {
    const text = Array.from({ length: 20000 }, (_, i) => `line ${i} ${'z'.repeat(i % 50)}`).join('\n') + '\n';
    const whole = gzipSync(text);
    const file = path.join(temp.dir, 'cut.log.gz');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const { lines, summary } = await readLines(file);
    expect(lines.length).to.be.greaterThan(1000).and.lessThan(20000);
    lines.forEach((l, i) => expect(l).to.equal(`line ${i} ${'z'.repeat(i % 50)}`));
    expect(summary.skipped).to.equal(1);
    expect(summary.byReason.get('truncated-gzip')).to.equal(1);
    expect(summary.examples[0]!.line).to.equal(lines.length + 1);
  });

  it('counts a missing file as one file-missing error', async () => {
    const { lines, summary } = await readLines(path.join(temp.dir, 'nope.log'));
    expect(lines).to.deep.equal([]);
    expect(summary.byReason.get('file-missing')).to.equal(1);
  });
});

describe('LineSplitter on chunks larger than one decode slice', () => {
  it('returns every line, blank ones included, in order and numbered, when a chunk spans many 32 KiB slices', () => {
    const expected: string[] = [];
    for (let i = 0; i < 5000; i++) expected.push(i % 97 === 0 ? '' : `line ${i} ${'x'.repeat(i % 211)} é`);
    const splitter = new LineSplitter('big.log', new ReadSummary());
    const batch = splitter.push(Buffer.from(expected.join('\n') + '\n'));
    expect(batch.firstLine).to.equal(1);
    expect(batch.lines).to.deep.equal(expected);
    expect(splitter.lineNumber).to.equal(expected.length);
  });

  it('keeps a line that straddles a slice boundary and a chunk ending in blank lines', () => {
    const long = 'y'.repeat(40 * 1024);
    const splitter = new LineSplitter('big.log', new ReadSummary());
    const batch = splitter.push(Buffer.from(`a\n${long}\nb\n\n`));
    expect(batch.lines).to.deep.equal(['a', long, 'b', '']);
  });
});

