// runDemo in-process on a tiny network the test writes itself: training, live replay, report and ground truth
// work on any fixtures folder, and modules without logs are reported instead of failing the demo.
import { expect } from 'chai';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/errors.js';
import { runDemo, type DemoResult } from '../../src/demo/demo.js';

const T0 = 1_710_000_000;

function benignConn(i: number, ts: number): Record<string, unknown> {
  const web = i % 2 === 0;
  return {
    ts, uid: `CBenign${i}`, 'id.orig_h': `10.1.0.${10 + (i % 20)}`, 'id.orig_p': 40000 + (i % 20000),
    'id.resp_h': web ? '10.1.0.2' : '10.1.0.3', 'id.resp_p': web ? 443 : 53, proto: web ? 'tcp' : 'udp',
    service: web ? 'ssl' : 'dns', duration: web ? 0.4 + (i % 7) * 0.05 : 0.01, orig_bytes: web ? 900 + (i % 13) * 10 : 40,
    resp_bytes: web ? 4000 + (i % 11) * 100 : 80, conn_state: 'SF', history: web ? 'ShADadFf' : 'Dd',
    orig_pkts: web ? 8 : 1, orig_ip_bytes: web ? 1300 : 68, resp_pkts: web ? 9 : 1, resp_ip_bytes: web ? 4500 : 108,
    missed_bytes: 0, local_orig: true, local_resp: true,
  };
}

function scanConn(i: number, ts: number): Record<string, unknown> {
  return {
    ts, uid: `CScan${i}`, 'id.orig_h': '10.1.0.99', 'id.orig_p': 61000, 'id.resp_h': '10.1.0.2', 'id.resp_p': 1000 + i * 37,
    proto: 'tcp', duration: 0.0001, orig_bytes: 0, resp_bytes: 0, conn_state: 'REJ', history: 'Sr', orig_pkts: 1,
    orig_ip_bytes: 44, resp_pkts: 1, resp_ip_bytes: 40, missed_bytes: 0, local_orig: true, local_resp: true,
  };
}

const lines = (records: Array<Record<string, unknown>>): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('runDemo on a small self-made network (in-process)', () => {
  let fixtures: string;
  let output = '';
  let result: DemoResult;

  before(async () => {
    fixtures = await mkdtemp(path.join(os.tmpdir(), 'azw-demo-small-'));
    await mkdir(path.join(fixtures, 'logdir'));
    await mkdir(path.join(fixtures, 'mixed'));
    await writeFile(path.join(fixtures, 'logdir', 'conn.log'), lines(Array.from({ length: 600 }, (_, i) => benignConn(i, T0 + i * 5))));
    const later = T0 + 4000;
    const benign = Array.from({ length: 60 }, (_, i) => benignConn(1000 + i, later + i * 5));
    const scan = Array.from({ length: 120 }, (_, i) => scanConn(i, later + 100 + i * 0.5));
    // conn.log is written at connection end, so the file is not in ts order: the demo must sort it
    await writeFile(path.join(fixtures, 'mixed', 'conn.log'), lines([...scan, ...benign]));
    await writeFile(path.join(fixtures, 'mixed', 'labels.csv'), `uid,label\n${scan.map((r) => `${String(r.uid)},scan`).join('\n')}\n`);
    result = await runDemo({
      fixturesDir: fixtures, ratePerSecond: 100_000, liveView: false, threads: 0,
      out: { write: (text: string) => { output += text; } },
    });
  });

  after(async () => {
    await rm(fixtures, { recursive: true, force: true });
  });

  it('trains the module with logs and names the ones without', () => {
    expect(result.training.trained.map((t) => t.module)).to.deep.equal(['CONN']);
    expect(result.training.untrained.map((u) => u.module).sort()).to.deep.equal(['DNS', 'HTTP', 'SSH', 'SSL']);
    expect(output).to.match(/^ {2}DNS {3}not trained: no dns logs under /m);
  });

  it('replays every record through serve and scores each once', () => {
    expect(result.replayed).to.equal(180);
    expect(result.stats.scored).to.equal(180);
    expect(result.tally.scoredByStream.get('conn')).to.equal(180);
    expect(result.model.sidecarDone, 'the end_of_input / sidecar_done handshake').to.match(/scored 180 records/);
    expect(result.warnings).to.deep.equal([]);
  });

  it('finds the scan, blocks its originator and counts false alarms against the labels', () => {
    const scan = result.truth!.attacks.find((a) => a.label === 'scan')!;
    expect(scan.records).to.equal(120);
    expect(scan.flagged).to.be.greaterThan(60);
    expect(scan.originator).to.equal('10.1.0.99');
    expect(scan.blocked).to.equal(true);
    expect(result.truth!.benignRecords).to.equal(60);
    expect(result.truth!.falseAlarms).to.equal(result.tally.anomalies.length - scan.flagged);
    expect(output).to.match(/^scan\s+\d+\/120 records flagged \(conn \d+\/120\); originator 10\.1\.0\.99 blocked by NetControl/m);
  });

  it('removes its temporary model folder when --keep is not given', () => {
    expect(result.keptIn).to.equal(undefined);
    expect(output).to.contain('now removed');
  });
});

describe('runDemo argument checks', () => {
  it('rejects a fixtures folder without logdir/ with a UsageError naming it', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'azw-demo-none-'));
    try {
      let caught: unknown;
      await runDemo({ fixturesDir: empty, ratePerSecond: 10, liveView: false, out: { write: () => true } }).catch((e: unknown) => { caught = e; });
      expect(caught).to.be.instanceOf(UsageError);
      expect((caught as Error).message).to.contain(path.join(empty, 'logdir'));
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
