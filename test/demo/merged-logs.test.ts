// Merging the replayed logs: all streams interleaved by ts, ties kept in file order, bad lines counted.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readMergedByTime } from '../../src/demo/merged-logs.js';
import { ReadSummary } from '../../src/zeek/index.js';

describe('readMergedByTime', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'azw-merge-'));
    const rec = (ts: number, uid: string) => JSON.stringify({ ts, uid, 'id.orig_h': '10.0.0.1', 'id.orig_p': 1, 'id.resp_h': '10.0.0.2', 'id.resp_p': 53, proto: 'udp' });
    // conn.log out of order (written at connection end), dns.log interleaving with it, one tie at ts 20
    await writeFile(path.join(dir, 'conn.log'), [rec(30, 'Cc3'), rec(10, 'Cc1'), rec(20, 'Cc2'), '{not json'].join('\n') + '\n');
    await writeFile(path.join(dir, 'dns.log'), [rec(5, 'Cd0'), rec(20, 'Cd2'), rec(25, 'Cd3')].join('\n') + '\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('orders every stream by record time, ties in the order of the files given', async () => {
    const summary = new ReadSummary();
    const merged = await readMergedByTime([path.join(dir, 'conn.log'), path.join(dir, 'dns.log')], summary);
    expect(merged.map((e) => `${e.stream}:${String(e.record.uid)}`)).to.deep.equal([
      'dns:Cd0', 'conn:Cc1', 'conn:Cc2', 'dns:Cd2', 'dns:Cd3', 'conn:Cc3',
    ]);
    expect(summary.skipped).to.equal(1);
  });
});
