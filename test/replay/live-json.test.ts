// toLiveJson renders flat records as Zeek's to_json does, and the shard hash matches Zeek's fnv1a32.
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { toLiveJson } from '../../src/replay/live-json.js';
import { fnv1a32, shardOf } from '../../src/replay/shard.js';
import { isLogStream, type ZeekRecord, type ZeekValue } from '../../src/zeek/record.js';
import { sharedDataDir } from '../support/shared-data.js';

/** The reader's mapping of a live record (record.ts): nested names dotted, port objects → number + id.proto. */
function flatten(json: Record<string, unknown>, prefix = '', out: ZeekRecord = {}): ZeekRecord {
  for (const [key, value] of Object.entries(json)) {
    const name = prefix + key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      if (typeof v.port === 'number' && typeof v.proto === 'string') {
        out[name] = v.port;
        out['id.proto'] = v.proto;
      } else if (name !== 'id.ctx') {
        flatten(v, `${name}.`, out);
      }
    } else {
      out[name] = value as ZeekValue;
    }
  }
  return out;
}

/**
 * Zeek's JSON writer (rapidjson's Grisu2) sometimes writes a double with 17 digits where the shortest form has
 * 16 (`0.0024919509887695312` vs JS `…313`): the same double. Compare such numbers by value, all else by bytes.
 */
function sameDoubles(json: string): string {
  return json.replace(/-?\d+\.\d+(e[-+]?\d+)?/g, (m) => `${Number(m)}${Number.isInteger(Number(m)) ? '.0' : ''}`);
}

describe('replay: toLiveJson', () => {
  it('writes a conn record as the package publishes it (nested id with ctx, port objects, doubles with a point)', () => {
    const record: ZeekRecord = {
      ts: 1427726689, uid: 'C1', 'id.orig_h': '192.168.56.1', 'id.orig_p': 55470, 'id.resp_h': '192.168.56.103', 'id.resp_p': 22,
      proto: 'tcp', duration: 8.219155073165894, orig_bytes: 2885, local_orig: true, tunnel_parents: [], 'id.proto': 'tcp',
    };
    expect(toLiveJson(record, 'conn')).to.equal(
      '{"ts":1427726689.0,"uid":"C1","id":{"orig_h":"192.168.56.1","orig_p":{"port":55470,"proto":"tcp"},"resp_h":"192.168.56.103",' +
      '"resp_p":{"port":22,"proto":"tcp"},"ctx":{}},"proto":"tcp","duration":8.219155073165894,"orig_bytes":2885,"local_orig":true,"tunnel_parents":[]}');
  });

  it('takes the port protocol from id.proto, then proto, then the stream, and writes TTLs as doubles', () => {
    const dns: ZeekRecord = { ts: 1.5, 'id.orig_h': '::1', 'id.orig_p': 5, 'id.resp_h': '::2', 'id.resp_p': 53, proto: 'udp', TTLs: [60, 0.5], rtt: 2 };
    expect(toLiveJson(dns, 'dns')).to.contain('"orig_p":{"port":5,"proto":"udp"}').and.contain('"TTLs":[60.0,0.5],"rtt":2.0');
    const http: ZeekRecord = { ts: 1, 'id.orig_h': '10.0.0.1', 'id.orig_p': 5, 'id.resp_h': '10.0.0.2', 'id.resp_p': 80, status_code: 200 };
    expect(toLiveJson(http, 'http')).to.contain('"resp_p":{"port":80,"proto":"tcp"}').and.contain('"status_code":200}');
  });

  it('writes control characters as Zeek\'s literal \\xNN text and nests other dotted names', () => {
    const record: ZeekRecord = { ts: 1, client: 'a\u0016b"', 'remote_location.country_code': 'DE' };
    expect(toLiveJson(record, 'ssh')).to.equal('{"ts":1.0,"client":"a\\\\x16b\\"","remote_location":{"country_code":"DE"}}');
  });

  it('round-trips every real Zeek 8.2.2 live record (bytes; doubles by value)', function () {
    const dir = sharedDataDir();
    if (dir === undefined || !existsSync(path.join(dir, 'zeek-8.2.2'))) {
      console.log('      (skipped: ../shared/data/zeek-8.2.2 is not beside the repository)');
      this.skip();
    }
    const root = path.join(dir!, 'zeek-8.2.2');
    let checked = 0;
    let exact = 0;
    for (const capture of readdirSync(root)) {
      const file = path.join(root, capture, 'live-records.ndjson');
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line === '') continue;
        const m = /^\{"stream":"([a-z]+)","record":(.*)\}$/.exec(line);
        expect(m, line.slice(0, 80)).to.not.equal(null);
        const [, stream, raw] = m!;
        if (!isLogStream(stream!)) continue;
        const ours = toLiveJson(flatten(JSON.parse(raw!)), stream);
        expect(sameDoubles(ours), `${capture}: ${raw!.slice(0, 100)}`).to.equal(sameDoubles(raw!));
        if (ours === raw) exact++;
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(100);
    // all but the few doubles Zeek's Grisu2 writes with a 17th digit
    expect(exact / checked).to.be.greaterThan(0.9);
  });
});


describe('replay: shard of an originator', () => {
  it('is Zeek\'s fnv1a32 (fnv1a32("x") = 4245442695 on Zeek 8.2.2)', () => {
    expect(fnv1a32('x')).to.equal(4245442695);
    expect(fnv1a32('')).to.equal(0x811c9dc5);
    // non-ASCII text hashes its UTF-8 bytes (x é = 78 c3 a9), also after an ASCII start
    const overBytes = (bytes: number[]): number => bytes.reduce((h, b) => Math.imul(h ^ b, 0x01000193) >>> 0, 0x811c9dc5);
    expect(fnv1a32('xé')).to.equal(overBytes([0x78, 0xc3, 0xa9]));
    expect(fnv1a32('10.0.0.1')).to.equal(overBytes([...Buffer.from('10.0.0.1')]));
  });

  it('puts hosts on the shards a real Zeek 8.2.2 cluster put them (cluster.md)', () => {
    expect(shardOf('141.142.220.50', 2)).to.equal(1);
    expect(shardOf('141.142.220.238', 2)).to.equal(1);
    expect(shardOf('141.142.220.118', 2)).to.equal(0);
    expect(shardOf('192.168.56.1', 2)).to.equal(0);
    expect(shardOf('141.142.220.50', 1)).to.equal(0);
  });
});
