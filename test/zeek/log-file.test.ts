// readLogFile: format and gzip detection, stream naming, abort, and agreement between formats on the real data set.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseLiveRecord } from '../../src/zeek/live-record.js';
import { streamNameOfFile } from '../../src/zeek/log-file.js';
import type { ZeekRecord, ZeekValue } from '../../src/zeek/record.js';
import { sharedDataDir, sharedDataFile } from '../support/shared-data.js';
import { CONN_FIELDS, CONN_TYPES, connTsvLine, makeTempDir, readAll, tsvHeader } from './temp-logs.js';

/** Same value, numbers within 1e-6 relative (JSON writers print doubles at other precisions than TSV's %.6f). */
function sameValue(a: ZeekValue | undefined, b: ZeekValue | undefined): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return a === b;
}

/** Fields of `a` and `b` that differ, over the fields both have, ignoring `skip`. */
function differences(a: ZeekRecord, b: ZeekRecord, skip: (field: string) => boolean): string[] {
  return Object.keys(a).filter((k) => k in b && !skip(k) && !sameValue(a[k], b[k])).map((k) => `${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
}

describe('zeek/log-file', () => {
  const temp = makeTempDir();
  after(() => temp.remove());
  const connText = tsvHeader('conn', CONN_FIELDS, CONN_TYPES) + [1, 2, 3].map(connTsvLine).join('\n') + '\n';

  it('takes the stream from the file name in every naming Zeek and zeekctl use', () => {
    for (const name of ['conn.log', 'conn.log.gz', 'conn.09:00:00-10:00:00.log.gz', 'conn.labeled.log', '/x/y/conn.json']) {
      expect(streamNameOfFile(name)).to.equal('conn');
    }
  });

  it('reads the same records from plain TSV, gzip TSV under a .log name, and JSON', async () => {
    const plain = path.join(temp.dir, 'a.log');
    const gz = path.join(temp.dir, 'b.log');
    writeFileSync(plain, connText);
    writeFileSync(gz, gzipSync(connText));
    const fromPlain = await readAll(plain);
    const fromGz = await readAll(gz);
    expect(fromPlain.entries.map((e) => e.record.uid)).to.deep.equal(['C1', 'C2', 'C3']);
    expect(fromGz.entries.map((e) => e.record)).to.deep.equal(fromPlain.entries.map((e) => e.record));
    const json = path.join(temp.dir, 'conn.ndjson');
    writeFileSync(json, fromPlain.entries.map((e) => JSON.stringify({ ...e.record, ts: new Date(Number(e.record.ts) * 1000).toISOString() })).join('\n'));
    const fromJson = await readAll(json);
    // ISO from Date has millisecond precision only, so compare ts loosely and the rest exactly
    fromJson.entries.forEach((e, i) => {
      const { ts, ...rest } = e.record;
      const { ts: tsPlain, ...restPlain } = fromPlain.entries[i]!.record;
      expect(Math.abs(Number(ts) - Number(tsPlain))).to.be.lessThan(0.001);
      expect(rest).to.deep.equal(restPlain);
    });
  });

  it('forces the stream with options.stream and skips records of unscored streams otherwise', async () => {
    const file = path.join(temp.dir, 'weird.log');
    writeFileSync(file, connText.replace('#path\tconn', '#path\tweird'));
    const skipped = await readAll(file);
    expect(skipped.entries).to.have.length(0);
    expect(skipped.summary.byReason.get('unknown-stream')).to.equal(3);
    const forced = await readAll(file, { stream: 'conn' });
    expect(forced.entries.map((e) => e.stream)).to.deep.equal(['conn', 'conn', 'conn']);
  });

  it('counts the lines of a file that is neither TSV nor JSON, then gives the file up', async () => {
    const file = path.join(temp.dir, 'conn.txt');
    writeFileSync(file, Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const { entries, summary } = await readAll(file);
    expect(entries).to.have.length(0);
    expect(summary.byReason.get('unknown-format')).to.equal(20);
    expect(summary.byReason.get('not-a-log')).to.equal(1);
  });

  it('keeps reading a log whose first line is broken (a partial line after copytruncate)', async () => {
    const json = path.join(temp.dir, 'conn.json');
    const good = '{"ts":1.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"proto":"tcp"}';
    writeFileSync(json, `orig_p":1,"id.resp_h":"10.0.0.2"}\n${good}\n${good.replace('C1', 'C2')}\n`);
    const fromJson = await readAll(json);
    expect(fromJson.entries.map((e) => e.record['uid'])).to.deep.equal(['C1', 'C2']);
    expect(fromJson.summary.byReason.get('unknown-format')).to.equal(1);
    const tsv = path.join(temp.dir, 'conn-broken.log');
    writeFileSync(tsv, 'x\u0000garbage\n' + connText);
    const fromTsv = await readAll(tsv);
    expect(fromTsv.entries).to.have.length(3);
    expect(fromTsv.summary.skipped).to.equal(1);
  });

  it('stops early when the signal aborts', async () => {
    const file = path.join(temp.dir, 'big-conn.log');
    writeFileSync(file, tsvHeader('conn', CONN_FIELDS, CONN_TYPES) + Array.from({ length: 50000 }, (_, i) => connTsvLine(i)).join('\n') + '\n');
    const controller = new AbortController();
    let n = 0;
    const { readLogFile } = await import('../../src/zeek/log-file.js');
    for await (const _ of readLogFile(file, { signal: controller.signal })) {
      if (++n === 10) controller.abort();
    }
    expect(n).to.be.at.least(10).and.lessThan(50000);
  });

  describe('on the real data set (../shared/data)', () => {
    const manifestRows = (): Map<string, number> => {
      const dir = sharedDataDir();
      if (dir === undefined) return new Map();
      const lines = readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
      const header = lines[0]!.split('\t');
      const rows = new Map<string, number>();
      for (const line of lines.slice(1)) {
        const cols = line.split('\t');
        if (cols[header.indexOf('kind')] === 'zeek-log') rows.set(cols[0]!, Number(cols[header.indexOf('rows_or_packets')]));
      }
      return rows;
    };

    it('reads every log of the five streams with the row count MANIFEST.tsv gives and no skips', async function () {
      const rows = manifestRows();
      if (rows.size === 0) sharedDataFile(this, 'MANIFEST.tsv');
      let checked = 0;
      for (const [relative, expected] of rows) {
        const stream = streamNameOfFile(relative);
        if (!['conn', 'http', 'dns', 'ssh', 'ssl'].includes(stream)) continue;
        const { entries, summary } = await readAll(sharedDataFile(this, relative));
        expect(summary.skipped, `${relative}\n${summary.format()}`).to.equal(0);
        expect(entries.length, relative).to.equal(expected);
        expect(entries.every((e) => e.stream === stream && typeof e.record.ts === 'number'), relative).to.equal(true);
        checked++;
      }
      expect(checked).to.be.greaterThan(30);
    });

    for (const stream of ['dns', 'ssl', 'ssh']) {
      it(`wrccdc2018 ${stream}: TSV (epoch ts) and JSON (ISO ts, _path) give the same records`, async function () {
        const tsv = await readAll(sharedDataFile(this, `wrccdc2018/tsv/${stream}.log.gz`));
        const json = await readAll(sharedDataFile(this, `wrccdc2018/json/${stream}.log.gz`));
        expect(json.entries.length).to.equal(tsv.entries.length);
        let shared = 0;
        tsv.entries.forEach((t, i) => {
          const j = json.entries[i]!;
          expect(j.record.ts, `line ${t.source.line}`).to.equal(t.record.ts);
          expect(differences(t.record, j.record, () => false), `line ${t.source.line}`).to.deep.equal([]);
          shared += Object.keys(t.record).filter((k) => k in j.record).length;
        });
        expect(shared).to.be.greaterThan(tsv.entries.length * 8);
      });
    }

    it('labelled Stratosphere logs keep label and detailedlabel with the MANIFEST label counts', async function () {
      const { entries } = await readAll(sharedDataFile(this, 'stratosphere-sdt/001-njrat/tsv/conn.labeled.log'));
      const counts: Record<string, number> = {};
      for (const e of entries) counts[String(e.record.label)] = (counts[String(e.record.label)] ?? 0) + 1;
      expect(counts).to.deep.equal({ Background: 739, Malicious: 244, Benign: 9 });
      expect(entries.find((e) => e.record.label === 'Malicious')!.record.detailedlabel).to.be.a('string').and.not.equal('');
    });

    it('ssh client strings with escaped bytes read the same from TSV \\xNN and JSON \\\\xNN', async function () {
      const { entries } = await readAll(sharedDataFile(this, 'stratosphere-sdt/004-ssh-logins/json/ssh.log'));
      const client = entries.map((e) => e.record.client).find((c) => typeof c === 'string' && c.startsWith('\u0016\u0003\u0001'));
      expect(client, 'a TLS hello sent to port 22, decoded to bytes').to.be.a('string');
      expect(String(client)).to.not.contain('\\x');
    });

    const captures = ['dmachard-dnscat2', 'dmachard-iodine', 'slips-test-cc-capture-1', 'zeek-http-bro.org', 'zeek-nmap-vsn',
      'zeek-sshguess', 'zeek-tls-heartbleed-success', 'zeek-wikipedia'];
    for (const capture of captures) {
      it(`zeek-8.2.2 ${capture}: JSON log, live to_json records and TSV log agree record for record`, async function () {
        const liveFile = sharedDataFile(this, `zeek-8.2.2/${capture}/live-records.ndjson`);
        const live = readFileSync(liveFile, 'utf8').trim().split('\n').map((line, i) => {
          const { stream, record } = JSON.parse(line) as { stream: 'conn'; record: unknown };
          return { stream, record: parseLiveRecord(JSON.stringify(record), { file: liveFile, line: i + 1 }, stream) };
        });
        const streams = [...new Set(live.map((l) => l.stream))];
        for (const stream of streams) {
          const fromLive = live.filter((l) => l.stream === stream).map((l) => l.record);
          const json = await readAll(sharedDataFile(this, `zeek-8.2.2/${capture}/json/${stream}.log`));
          const tsv = await readAll(sharedDataFile(this, `zeek-8.2.2/${capture}/tsv/${stream}.log`));
          expect(json.entries.length, stream).to.equal(fromLive.length);
          expect(tsv.entries.length, stream).to.equal(fromLive.length);
          // the JSON log and the live records come from one Zeek run; the TSV log from another (other uids/fuids)
          const runSpecific = (f: string) => f === 'uid' || f.endsWith('fuids') || f === 'cert_chain_fps';
          fromLive.forEach((liveRecord, i) => {
            expect(differences(json.entries[i]!.record, liveRecord, () => false), `${stream} #${i}`).to.deep.equal([]);
          });
          // the other run may write records finished in the same instant in another order: match by connection
          const key = (r: ZeekRecord) =>
            ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'trans_depth', 'trans_id', 'query'].map((f) => String(r[f])).join('|');
          const liveByKey = new Map<string, ZeekRecord[]>();
          for (const r of fromLive) liveByKey.set(key(r), [...(liveByKey.get(key(r)) ?? []), r]);
          for (const t of tsv.entries) {
            const candidates = liveByKey.get(key(t.record)) ?? [];
            const match = candidates.findIndex((r) => differences(t.record, r, runSpecific).length === 0);
            expect(match, `${stream} TSV line ${t.source.line} has no equal live record among ${candidates.length}`).to.be.at.least(0);
            candidates.splice(match, 1);
          }
          expect(fromLive.every((r) => typeof r['id.proto'] === 'string')).to.equal(true);
        }
      });
    }
  });
});
