// TSV logs: every header directive, every type, escapes, several header blocks, extra/missing columns, bad lines.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ZeekLogParseError } from '../../src/errors.js';
import { TsvLogReader } from '../../src/zeek/tsv-reader.js';
import { CONN_FIELDS, CONN_TYPES, connTsvLine, makeTempDir, readAll, tsvHeader } from './temp-logs.js';

describe('zeek/tsv-reader', () => {
  const temp = makeTempDir();
  after(() => temp.remove());
  const write = (name: string, text: string) => {
    const file = path.join(temp.dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('converts every Zeek type to its normal form', async () => {
    const fields = ['ts', 'dur', 'c', 'i', 'd', 'p', 'a', 'net', 'e', 's', 'b', 'st', 'vc', 'vi', 'tb', 'sp'];
    const types = ['time', 'interval', 'count', 'int', 'double', 'port', 'addr', 'subnet', 'enum', 'string', 'bool',
      'set[string]', 'vector[count]', 'vector[interval]', 'table[string]', 'set[port]'];
    const row = ['1521911799.739898', '5.391660', '18446744073', '-42', '-1.5e3', '443', 'fe80::1', '10.0.0.0/8', 'Conn::LOG',
      'héllo wörld', 'F', 'a,b', '1,2,3', '124.000000,2156.000000', 'x,y', '80,53'];
    const file = write('types.log', tsvHeader('conn', fields, types) + row.join('\t') + '\n#close\t2024-01-01-00-00-01\n');
    const { entries, summary } = await readAll(file);
    expect(summary.skipped).to.equal(0);
    expect(entries).to.have.length(1);
    expect(entries[0]!.record).to.deep.equal({
      ts: 1521911799.739898, dur: 5.39166, c: 18446744073, i: -42, d: -1500, p: 443, a: 'fe80::1', net: '10.0.0.0/8',
      e: 'Conn::LOG', s: 'héllo wörld', b: false, st: ['a', 'b'], vc: [1, 2, 3], vi: [124, 2156], tb: ['x', 'y'], sp: [80, 53],
    });
    expect(entries[0]!.source).to.deep.equal({ file, line: 9 });
  });

  it('treats the unset marker as absent and the empty marker as "" or [] by type', async () => {
    const file = write('unset.log', tsvHeader('conn', ['ts', 's', 'c', 'st', 'v'], ['time', 'string', 'count', 'set[string]', 'vector[string]']) +
      '1.0\t(empty)\t-\t(empty)\t-\n');
    const { entries } = await readAll(file);
    expect(entries[0]!.record).to.deep.equal({ ts: 1, s: '', st: [] });
  });

  it('decodes \\xNN escapes, including escaped markers and set separators inside elements', async () => {
    const file = write('esc.log', tsvHeader('ssh', ['ts', 'client', 'dash', 'empty', 'set'], ['time', 'string', 'string', 'string', 'set[string]']) +
      '1.0\t\\x16\\x03\\x01\\xff tab:\\x09\t\\x2d\t\\x28empty)\ta\\x2cb,c\n');
    const { entries } = await readAll(file);
    expect(entries[0]!.record).to.deep.equal({ ts: 1, client: '\u0016\u0003\u0001\u00ff tab:\t', dash: '-', empty: '(empty)', set: ['a,b', 'c'] });
  });

  it('honours #separator (\\x escaped), #set_separator, #empty_field and #unset_field values other than the defaults', async () => {
    const text = ['#separator \\x7c', '#set_separator|;', '#empty_field|EMPTY', '#unset_field|NIL', '#path|dns',
      '#fields|ts|query|answers|TTLs|rtt', '#types|time|string|vector[string]|vector[interval]|interval',
      '5.5|a b\tc|x;y|1.0;2.0|NIL', '6.5|-|EMPTY|EMPTY|0.25', ''].join('\n');
    const { entries, summary } = await readAll(write('custom.log', text));
    expect(summary.skipped).to.equal(0);
    expect(entries.map((e) => e.record)).to.deep.equal([
      { ts: 5.5, query: 'a b\tc', answers: ['x', 'y'], TTLs: [1, 2] },
      { ts: 6.5, query: '-', answers: [], TTLs: [], rtt: 0.25 },
    ]);
    expect(entries.every((e) => e.stream === 'dns')).to.equal(true);
  });

  it('switches layout when a new #fields/#types block appears mid-file, and takes #path from each block', async () => {
    const text = tsvHeader('conn', CONN_FIELDS, CONN_TYPES) + connTsvLine(1) + '\n#close\t2024-01-01-01-00-00\n' +
      tsvHeader('dns', ['ts', 'query', 'rtt'], ['time', 'string', 'interval']) + '2.0\texample.com\t0.5\n';
    const { entries, summary } = await readAll(write('blocks.log', text));
    expect(summary.skipped).to.equal(0);
    expect(entries.map((e) => e.stream)).to.deep.equal(['conn', 'dns']);
    expect(entries[0]!.record).to.include({ uid: 'C1', 'id.orig_p': 1001, orig_bytes: 1, local_orig: true });
    expect(entries[0]!.record).to.not.have.property('tunnel_parents');
    expect(entries[1]!.record).to.deep.equal({ ts: 2, query: 'example.com', rtt: 0.5 });
    expect(entries[1]!.source.line).to.equal(19);
  });

  it('keeps extra declared columns (labels) and leaves missing default columns absent', async () => {
    const text = tsvHeader('conn', ['ts', 'uid', 'label', 'detailedlabel'], ['time', 'string', 'string', 'string']) +
      '3.0\tCx\tMalicious\tC&C\n4.0\tCy\tBackground\t(empty)\n';
    const { entries } = await readAll(write('labeled.log', text));
    expect(entries.map((e) => e.record)).to.deep.equal([
      { ts: 3, uid: 'Cx', label: 'Malicious', detailedlabel: 'C&C' },
      { ts: 4, uid: 'Cy', label: 'Background', detailedlabel: '' },
    ]);
  });

  it('counts each kind of bad line with file, line, field and reason, and keeps reading', async () => {
    const text = '#separator \\x09\n1.0\tbefore-header\n' + tsvHeader('conn', CONN_FIELDS, CONN_TYPES) + [
      connTsvLine(1),
      connTsvLine(2).replace('\t0.5\t', '\tslow\t'), // interval
      connTsvLine(3).replace('\t1003\t', '\t70000\t'), // port range
      connTsvLine(4).replace('\tT\t', '\tyes\t'), // bool
      connTsvLine(5) + '\textra',
      connTsvLine(6).split('\t').slice(0, 5).join('\t'),
      connTsvLine(7).replace('\t7\t', '\t0x7\t'), // count
      connTsvLine(8).replace('\t0.5\t', '\t(empty)\t'),
      connTsvLine(9),
    ].join('\n') + '\n';
    const file = write('bad.log', text);
    const { entries, summary } = await readAll(file);
    expect(entries.map((e) => e.record.uid)).to.deep.equal(['C1', 'C9']);
    expect(summary.records).to.equal(2);
    expect(summary.skipped).to.equal(8);
    expect(Object.fromEntries(summary.byReason)).to.deep.equal({ 'no-header': 1, 'bad-value': 5, 'column-count': 2 });
    const where = summary.examples.map((e) => [e.reason, e.line, e.field]);
    expect(where).to.deep.equal([
      ['no-header', 2, undefined], ['bad-value', 12, 'duration'], ['bad-value', 13, 'id.orig_p'], ['bad-value', 14, 'local_orig'],
      ['column-count', 15, undefined], ['column-count', 16, undefined], ['bad-value', 17, 'orig_bytes'], ['bad-value', 18, 'duration'],
    ]);
    expect(summary.examples.every((e) => e.file === file)).to.equal(true);
    expect(summary.format()).to.contain('bad-value: 5').and.contain(`${file}:13 field id.orig_p`);
  });

  it('reads number and bool columns in place with the same values and errors as the converters', () => {
    const types = ['time', 'interval', 'double', 'count', 'int', 'port', 'bool'];
    const fields = ['ts', 'dur', 'd', 'c', 'i', 'p', 'b'];
    const reader = new TsvLogReader('inplace.log');
    tsvHeader('conn', fields, types).split('\n').forEach((line, index) => reader.readLine(line, index + 1));
    const rows: [string, Record<string, unknown>][] = [
      ['1710158401.132482\t0.000292\t-1.5e3\t0007\t-42\t65535\tT', { ts: 1710158401.132482, dur: 0.000292, d: -1500, c: 7, i: -42, p: 65535, b: true }],
      ['+1.5\t5.\t.25\t1234567890123456789\t+3\t0\tF', { ts: 1.5, dur: 5, d: 0.25, c: 1234567890123456789, i: 3, p: 0, b: false }],
      ['-\t-\t-\t-\t-\t-\t-', {}],
    ];
    for (const [line, expected] of rows) expect(reader.readLine(line, 20), line).to.deep.equal(expected);
    const bad: [string, string][] = [
      ['(empty)\t1\t1\t1\t1\t1\tT', 'ts'],
      ['1\t.\t1\t1\t1\t1\tT', 'dur'],
      ['1\t1\t1e\t1\t1\t1\tT', 'd'],
      ['1\t1\t1\t(empty)\t1\t1\tT', 'c'],
      ['1\t1\t1\t1\t1\t65536\tT', 'p'],
      ['1\t1\t1\t1\t1\t1\tt', 'b'],
      ['1\t1\t1\t1\t1\t1\tTT', 'b'],
    ];
    for (const [line, field] of bad) {
      expect(() => reader.readLine(line, 21), line).to.throw(ZeekLogParseError).with.property('field', field);
    }
  });

  it('reports a wrong column count before any bad value on the same line, with the count split() gives', () => {
    const reader = new TsvLogReader('count.log');
    tsvHeader('conn', ['ts', 'c'], ['time', 'count']).split('\n').forEach((line, index) => reader.readLine(line, index + 1));
    expect(() => reader.readLine('bad\t1\t2', 9)).to.throw(ZeekLogParseError, '3 columns, header declares 2').with.property('reason', 'column-count');
    expect(() => reader.readLine('bad', 9)).to.throw(ZeekLogParseError, '1 columns, header declares 2').with.property('reason', 'column-count');
    expect(reader.readLine('2.5\t7', 10)).to.deep.equal({ ts: 2.5, c: 7 });
  });

  it('refuses a header whose #types and #fields differ in length, and recovers at the next good header', () => {
    const reader = new TsvLogReader('h.log');
    reader.readLine('#fields\ta\tb', 1);
    expect(() => reader.readLine('#types\tcount', 2)).to.throw().with.property('reason', 'bad-header');
    expect(() => reader.readLine('1\t2', 3)).to.throw().with.property('reason', 'no-header');
    reader.readLine('#fields\ta\tb', 4);
    reader.readLine('#types\tcount\tstring', 5);
    expect(reader.readLine('1\t2', 6)).to.deep.equal({ a: 1, b: '2' });
  });

  it('refuses a __proto__ column name instead of polluting the record prototype', () => {
    const reader = new TsvLogReader('p.log');
    expect(() => reader.readLine('#fields\t__proto__', 1)).to.throw().with.property('reason', 'bad-header');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
