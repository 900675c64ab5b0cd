// JSON log lines: dotted names, ts as epoch / ISO 8601 / millis, _path and _write_ts, unset fields, bad lines.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseJsonLogLine } from '../../src/zeek/json-reader.js';
import { normaliseJsonTime, parseIsoTime } from '../../src/zeek/value-parsers.js';
import { makeTempDir, readAll } from './temp-logs.js';

const where = { file: 'x.log', line: 3 };

describe('zeek/json-reader', () => {
  const temp = makeTempDir();
  after(() => temp.remove());

  it('keeps dotted names, arrays and booleans, and omits nothing that was set', () => {
    const line = '{"ts":1389719042.006633,"uid":"C1","id.orig_h":"10.0.2.15","id.orig_p":55083,"id.resp_h":"192.150.187.43","id.resp_p":80,"proto":"tcp","local_orig":true,"tunnel_parents":[],"TTLs":[124.0,2156.0]}';
    expect(parseJsonLogLine(line, where)).to.deep.equal({
      path: undefined,
      record: { ts: 1389719042.006633, uid: 'C1', 'id.orig_h': '10.0.2.15', 'id.orig_p': 55083, 'id.resp_h': '192.150.187.43',
        'id.resp_p': 80, proto: 'tcp', local_orig: true, tunnel_parents: [], TTLs: [124, 2156] },
    });
  });

  it('reads an ISO 8601 ts with microseconds exactly like the epoch text, and drops _path/_write_ts from the record', () => {
    const { record, path: p } = parseJsonLogLine('{"_path":"ssh","_write_ts":"2018-03-24T17:16:40.284346Z","ts":"2018-03-24T17:16:39.739898Z","uid":"C2"}', where);
    expect(p).to.equal('ssh');
    expect(record).to.deep.equal({ ts: 1521911799.739898, uid: 'C2' });
  });

  it('gives a json-streaming-logs line (with _path, _write_ts) the same record as the plain line, key order included', () => {
    const body = '"ts":1389719042.006633,"uid":"C1","id.orig_h":"10.0.2.15","id.resp_p":80,"local_orig":true,"tunnel_parents":["Cx","Cy"],"TTLs":[124.0,2156.0]';
    const plain = parseJsonLogLine(`{${body}}`, where).record;
    const streamed = parseJsonLogLine(`{"_path":"conn","_write_ts":"2014-01-14T17:04:02.006633Z",${body}}`, where);
    expect(streamed.path).to.equal('conn');
    expect(streamed.record).to.deep.equal(plain);
    expect(Object.keys(streamed.record)).to.deep.equal(['ts', 'uid', 'id.orig_h', 'id.resp_p', 'local_orig', 'tunnel_parents', 'TTLs']);
    // writer fields next to a value that still needs work: escapes are decoded, nulls dropped, ports unwrapped
    const irregular = parseJsonLogLine('{"_path":"conn","ts":2,"uid":"C\\\\x41","service":null,"id":{"resp_p":{"port":443,"proto":"tcp"}}}', where);
    expect(irregular.record).to.deep.equal({ ts: 2, uid: 'CA', 'id.resp_p': 443 });
  });

  it('reads the leading writer fields like JSON.parse would: escapes, a later duplicate _path, and errors at the same place', () => {
    expect(parseJsonLogLine('{"_path":"co\\u006en","ts":1}', where)).to.deep.equal({ path: 'conn', record: { ts: 1 } });
    expect(parseJsonLogLine('{"_path":"conn","ts":1,"_path":"dns"}', where)).to.deep.equal({ path: 'dns', record: { ts: 1 } });
    expect(parseJsonLogLine('{"_path":"conn","ts":1,"_path":7}', where).path).to.equal(undefined);
    expect(parseJsonLogLine('{"_write_ts":"2014-01-14T17:04:02Z","_path":"ssl","ts":1}', where)).to.deep.equal({ path: 'ssl', record: { ts: 1 } });
    for (const broken of ['{"_path":"conn","ts":1,}', '{"_path":"conn","', '{"_path":"conn","ts":1']) {
      let expected = '';
      try {
        JSON.parse(broken);
      } catch (err) {
        expected = (err as Error).message;
      }
      expect(() => parseJsonLogLine(broken, where), broken).to.throw(expected).with.property('reason', 'invalid-json');
    }
  });

  it('documents the ts rule: ISO string, integer above 1e11 is millis, any other number is seconds', () => {
    expect(normaliseJsonTime(1521911799739)).to.equal(1521911799.739);
    expect(normaliseJsonTime(1521911799)).to.equal(1521911799);
    expect(normaliseJsonTime(19.981745)).to.equal(19.981745);
    expect(normaliseJsonTime('2018-03-24T17:16:39Z')).to.equal(1521911799);
    expect(parseIsoTime('2018-03-24T19:16:39.5+02:00')).to.equal(1521911799.5);
    expect(parseIsoTime('1969-12-31T23:59:59.25Z')).to.equal(-0.75);
    expect(normaliseJsonTime('yesterday')).to.equal(undefined);
    expect(normaliseJsonTime(true)).to.equal(undefined);
  });

  it('decodes Zeek\'s \\xNN text the same way as TSV escapes', () => {
    const { record } = parseJsonLogLine('{"ts":1,"client":"\\\\x16\\\\x03\\\\x01","list":["a\\\\x2cb"]}', where);
    expect(record).to.deep.equal({ ts: 1, client: '\u0016\u0003\u0001', list: ['a,b'] });
    // a backslash written as a JSON \u escape is the same backslash
    expect(parseJsonLogLine('{"ts":1,"uid":"C\\u005cx41","list":["\\u005Cx2c"]}', where).record).to.deep.equal({ ts: 1, uid: 'CA', list: [','] });
  });

  for (const [name, line, reason, field] of [
    ['broken JSON', '{"ts":1,', 'invalid-json', undefined],
    ['a JSON array', '[1,2]', 'not-an-object', undefined],
    ['a missing ts', '{"uid":"C"}', 'bad-ts', 'ts'],
    ['a non-time ts', '{"ts":"soon"}', 'bad-ts', 'ts'],
    ['a nested array', '{"ts":1,"a":[[1]]}', 'bad-value', 'a'],
    ['a __proto__ key', '{"ts":1,"__proto__":{"x":1}}', 'bad-value', '__proto__'],
  ] as const) {
    it(`refuses ${name} with reason ${reason}`, () => {
      expect(() => parseJsonLogLine(line, where))
        .to.throw()
        .that.satisfies((e: { reason: string; file: string; line: number; field?: string }) =>
          e.reason === reason && e.file === 'x.log' && e.line === 3 && e.field === field);
    });
  }

  it('reads a JSON log file: stream from _path, else from the name; wrong kinds and unknown streams are counted', async () => {
    const file = path.join(temp.dir, 'conn.json');
    writeFileSync(file, [
      '{"ts":1.5,"uid":"A","duration":0.5}',
      '',
      '{"ts":2.5,"uid":"B","duration":"8.0 secs"}',
      '{"_path":"dns","ts":3.5,"query":"example.com"}',
      '{"_path":"weird","ts":4.5,"name":"x"}',
      'not json',
      '{"ts":5.5,"uid":"C","orig_bytes":12}',
    ].join('\n'));
    const { entries, summary } = await readAll(file);
    expect(entries.map((e) => [e.stream, e.record.ts, e.source.line])).to.deep.equal([['conn', 1.5, 1], ['dns', 3.5, 4], ['conn', 5.5, 7]]);
    expect(Object.fromEntries(summary.byReason)).to.deep.equal({ 'bad-value': 1, 'unknown-stream': 1, 'invalid-json': 1 });
    expect(summary.examples[0]).to.include({ reason: 'bad-value', field: 'duration', line: 3, file });
  });

  it('refuses a wrong kind in every known conn column, also on lines with the keys of the line before in its order', async () => {
    // the kind check settles a line by a recent line's key order when it can (several orders are remembered): a
    // wrong value in such an order must still be found, in any column, and a good line after a bad one must pass
    const good: Record<string, unknown> = {
      ts: 1.5, uid: 'C1', 'id.orig_h': '10.0.0.1', 'id.orig_p': 5, 'id.resp_h': '10.0.0.2', 'id.resp_p': 80, proto: 'tcp',
      service: 'http', duration: 0.5, orig_bytes: 1, resp_bytes: 2, conn_state: 'SF', local_orig: true, local_resp: false,
      missed_bytes: 0, history: 'ShAD', orig_pkts: 3, orig_ip_bytes: 4, resp_pkts: 5, resp_ip_bytes: 6, tunnel_parents: [],
      ip_proto: 6, label: 'benign',
    };
    const wrongKind = (value: unknown): unknown =>
      Array.isArray(value) ? 'x' : typeof value === 'string' ? ['x'] : typeof value === 'number' ? 'x' : 7;
    const columns = Object.keys(good).filter((c) => c !== 'ts' && c !== 'label');
    const { label: _label, ...unlabelled } = good;
    const lines: string[] = [];
    for (const column of columns) {
      // two key orders in turn, so the bad line's order is remembered but is not the last line's
      lines.push(JSON.stringify(good), JSON.stringify(unlabelled), JSON.stringify({ ...good, [column]: wrongKind(good[column]) }));
    }
    lines.push(JSON.stringify(good), JSON.stringify({ ...good, label: 42 }));
    const file = path.join(temp.dir, 'conn.kinds.json');
    writeFileSync(file, lines.join('\n'));
    const { entries, summary } = await readAll(file);
    expect(entries).to.have.length(2 * columns.length + 2);
    expect(summary.byReason.get('bad-value')).to.equal(columns.length);
    const named = summary.examples.filter((e) => e.reason === 'bad-value').map((e) => [e.field, e.line]);
    expect(named).to.deep.equal(columns.slice(0, named.length).map((c, i) => [c, 3 * i + 3]));
  });
});
