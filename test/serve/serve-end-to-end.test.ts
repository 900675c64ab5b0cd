// serve end to end over the real protocol: the real `ws` client against the Zeek emulator on
// 127.0.0.1, real models trained on fixtures/logdir, fixtures/mixed replayed as the package does.
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { LogRecordPublisher } from '../../src/replay/publisher.js';
import { ZeekPackageModel } from '../../src/replay/zeek-package-model.js';
import type { ZeekWebSocketServer } from '../../src/replay/zeek-server.js';
import type { ZeekWebSocketClient } from '../../src/zeek/websocket-client.js';
import { EVENT_ANOMALY, EVENT_MITIGATE } from '../../src/zeek/broker-contract.js';
import type { LogEntry } from '../../src/zeek/record.js';
import { startEmulator, until } from '../zeek-emulator/emulator.js';
import { mixedEntries, mixedLabels, readScoreLines, startServe, tempDir, trainFixtureModels, type ServeRun } from './serve-helpers.js';

/** Replays entries to a subscribed sidecar, then end_of_input; resolves when Zeek got sidecar_done. */
async function replay(server: ZeekWebSocketServer, entries: LogEntry[], model: ZeekPackageModel): Promise<LogRecordPublisher> {
  const publisher = new LogRecordPublisher(server, { batchSize: 50 });
  server.on('event', (received) => {
    model.networkTime = publisher.networkTime;
    if (received.handled) model.handle(received.event);
  });
  await server.waitForSubscriber('autozeekwatch/logs/0/conn');
  await publisher.publishAll(entries);
  await publisher.finish();
  await until(() => model.sidecarDone !== undefined, 'sidecar_done');
  return publisher;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).to.equal(200);
  return response.text();
}

function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{') && want.every((w) => l.includes(w)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('serve end to end (emulator, fixtures)', function () {
  let dir: string;
  let modelDir: string;
  let entries: LogEntry[];
  const labels = mixedLabels();

  before(async () => {
    dir = tempDir('azw-serve-e2e-');
    modelDir = path.join(dir, 'models');
    await trainFixtureModels(modelDir);
    entries = await mixedEntries();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers attack records with anomaly events, one notice per host, metrics scraped over HTTP', async () => {
    const server = await startEmulator();
    const out = path.join(dir, 'e2e.ndjson');
    let metricsUrl = '';
    const run = startServe({ zeekUrl: server.url, modelDir, out, threads: 1, metricsListen: '127.0.0.1:0' }, { onMetricsServer: (m) => { metricsUrl = m.url; } });
    try {
      const model = new ZeekPackageModel({ noticeSuppressionSeconds: 3600 });
      const publisher = await replay(server, entries, model);
      const lines = readScoreLines(out);
      // every record published is in the score file
      expect(lines.length).to.equal(publisher.stats.records);
      expect(publisher.stats.records).to.equal(entries.length);

      const anomalyUids = model.anomalyLog.map((a) => a.uid);
      const attacksFlagged = anomalyUids.filter((uid) => labels.has(uid)).length;
      const benignFlagged = anomalyUids.length - attacksFlagged;
      const benignTotal = entries.filter((e) => !labels.has(String(e.record.uid))).length;
      expect(attacksFlagged).to.be.greaterThan(100);
      expect(benignFlagged / benignTotal).to.be.lessThan(0.05);
      // every anomalous score line was sent (no --notice-min-score), and only those
      expect(model.anomalyLog.length).to.equal(lines.filter((l) => l.anomalous).length);
      // $identifier = originator: one notice per originator in the suppression interval
      const originators = new Set(model.anomalyLog.map((a) => a['id.orig_h']));
      expect(model.notices.length).to.equal(originators.size);
      expect(model.suppressedNotices).to.equal(model.anomalyLog.length - originators.size);
      // mitigation is off by default: nothing reaches NetControl
      expect(model.netControl).to.have.length(0);
      expect(server.received.filter((r) => r.event.name === EVENT_MITIGATE)).to.have.length(0);

      const text = await scrape(metricsUrl);
      expect(sample(text, 'autozeekwatch_records_total', { stream: 'conn' })).to.equal(entries.filter((e) => e.stream === 'conn').length);
      expect(sample(text, 'autozeekwatch_score_threshold_ratio_count', { stream: 'dns' })).to.equal(lines.filter((l) => l.stream === 'dns').length);
      const anomalousConn = lines.filter((l) => l.stream === 'conn' && l.anomalous).length;
      expect(sample(text, 'autozeekwatch_score_threshold_ratio_bucket', { stream: 'conn', le: '1' })).to.equal(
        lines.filter((l) => l.stream === 'conn').length - anomalousConn);
      expect(sample(text, 'autozeekwatch_anomalies_total', { stream: 'conn' })).to.equal(anomalousConn);
      expect(sample(text, 'autozeekwatch_notices_sent_total', { stream: 'conn' })).to.equal(anomalousConn);
      expect(sample(text, 'autozeekwatch_zeek_connection_state', { state: 'connected' })).to.equal(1);
      expect(sample(text, 'autozeekwatch_model_info', { module: 'CONN' })).to.equal(1);
      expect(text).to.match(/^nodejs_eventloop_lag_seconds /m);
      const mitigationRefusals = sample(text, 'autozeekwatch_mitigations_refused_total', { reason: 'disabled' });
      expect(mitigationRefusals).to.be.greaterThan(0);
      expect(run.logged('mitigation refused').length).to.be.greaterThan(0);
      expect(run.logged('mitigation refused')[0]).to.include({ why: 'disabled' });
      // never one log line per record
      expect(run.logs.length).to.be.lessThan(200);
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });

  it('mitigation enabled and not dry-run: NetControl drops for attackers, never for never_block addresses', async () => {
    const server = await startEmulator();
    const out = path.join(dir, 'mitigate.ndjson');
    const neverBlock = '10.20.0.0/16';
    const run = startServe({
      zeekUrl: server.url, modelDir, out, threads: 0, exitOnEnd: true,
      mitigation: { enabled: true, dryRun: false, neverBlock: [neverBlock], maxBlocksPerMinute: 1000 },
    });
    try {
      // Zeek enforces its own never_block too; give it a different one to see the sidecar's at work
      const model = new ZeekPackageModel({ mitigationEnabled: true, neverBlock: ['192.0.2.0/24'] });
      await replay(server, entries, model);
      const result = await run.done;
      const mitigations = server.received.filter((r) => r.event.name === EVENT_MITIGATE);
      expect(mitigations.length).to.be.greaterThan(0);
      const drops = model.netControl.filter((a) => a.action === 'drop_address_catch_release');
      expect(drops.length).to.be.greaterThan(0);
      for (const d of model.netControl) expect(d.entity.startsWith('10.20.')).to.equal(false);
      expect(run.logged('mitigation sent').length).to.equal(mitigations.length);
      expect(run.logged('mitigation refused').some((l) => l.why === 'never-block')).to.equal(true);
      expect(result.scored).to.equal(entries.length);
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });

  it('dry-run (the default with --mitigate): blocks are logged, none sent', async () => {
    const server = await startEmulator();
    const run = startServe({ zeekUrl: server.url, modelDir, out: path.join(dir, 'dry.ndjson'), threads: 0, exitOnEnd: true, mitigation: { enabled: true, maxBlocksPerMinute: 1000 } });
    try {
      const model = new ZeekPackageModel({ mitigationEnabled: true });
      await replay(server, entries, model);
      await run.done;
      expect(server.received.filter((r) => r.event.name === EVENT_MITIGATE)).to.have.length(0);
      expect(server.received.filter((r) => r.event.name === EVENT_ANOMALY).length).to.be.greaterThan(0);
      expect(run.logged('mitigation refused').filter((l) => l.why === 'dry-run').length).to.be.greaterThan(0);
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });

  it('end_of_input → sidecar_done with exitOnEnd: serve returns after answering, every record scored', async () => {
    const server = await startEmulator();
    const out = path.join(dir, 'pcap.ndjson');
    const run = startServe({ zeekUrl: server.url, modelDir, out, threads: 2, exitOnEnd: true });
    const model = new ZeekPackageModel();
    const publisher = await replay(server, entries.slice(0, 1500), model);
    const result = await run.done;
    await server.close();
    expect(model.sidecarDone).to.match(/^scored 1500 records, \d+ anomalous$/);
    expect(result.endOfInputs).to.equal(1);
    expect(result.scored).to.equal(publisher.stats.records);
    expect(readScoreLines(out)).to.have.length(1500);
    expect(run.logged('shutting down')[0]).to.include({ why: 'end of input answered' });
  });

  it('threads=0 and threads=2 give the same scores for the same records', async () => {
    const scoresWith = async (threads: number): Promise<string[]> => {
      const server = await startEmulator();
      const out = path.join(dir, `threads-${threads}.ndjson`);
      const run = startServe({ zeekUrl: server.url, modelDir, out, threads, exitOnEnd: true });
      await replay(server, entries, new ZeekPackageModel());
      await run.done;
      await server.close();
      return readScoreLines(out).map((l) => `${l.uid} ${l.stream} ${l.score.toPrecision(12)}`).sort();
    };
    const inline = await scoresWith(0);
    const pooled = await scoresWith(2);
    expect(inline).to.have.length(entries.length);
    expect(pooled).to.deep.equal(inline);
  });

  it('stopping while batches are queued loses no scored output: every record received is in the score file', async () => {
    const server = await startEmulator();
    const out = path.join(dir, 'shutdown.ndjson');
    let client: ZeekWebSocketClient | undefined;
    let queuedAtStop = -1;
    let run: ServeRun | undefined = undefined;
    let stopped = false;
    run = startServe({ zeekUrl: server.url, modelDir, out, threads: 1 }, {
      onClient: (c) => { client = c; },
      observer: {
        batchScored: () => {
          // stop (as SIGTERM does) as soon as scoring is busy with a backlog behind it
          if (!stopped && client !== undefined && client.queued > 5) {
            stopped = true;
            queuedAtStop = client.queued;
            run!.stop();
          }
        },
      },
    });
    const publisher = new LogRecordPublisher(server, { batchSize: 20 });
    await server.waitForSubscriber('autozeekwatch/logs/0/conn');
    // publish without waiting for the sidecar, so batches pile up in its queue
    for (const e of entries) await publisher.add(e);
    await publisher.finish();
    await until(() => stopped, 'the stop with a backlog');
    const result = await run.done;
    await server.close();
    expect(queuedAtStop).to.be.greaterThan(5);
    const received = result.client.recordsReceived;
    expect(received).to.be.greaterThan(0);
    expect(result.scored).to.equal(received);
    expect(readScoreLines(out)).to.have.length(received);
  });
});
