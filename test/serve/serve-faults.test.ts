// serve against a misbehaving Zeek: restarts mid-stream, malformed frames of every kind, no ack,
// error answers and a wrong path. The sidecar counts and logs each, and keeps scoring.
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { LogRecordPublisher } from '../../src/replay/publisher.js';
import { toLiveJson } from '../../src/replay/live-json.js';
import { SidecarMetrics } from '../../src/sinks/metrics.js';
import type { ZeekWebSocketClient } from '../../src/zeek/websocket-client.js';
import type { LogEntry } from '../../src/zeek/record.js';
import { logRecordsFrame, malformedFrames, startEmulator, until } from '../zeek-emulator/emulator.js';
import { mixedEntries, readScoreLines, startServe, tempDir, trainFixtureModels } from './serve-helpers.js';

describe('serve under faults (emulator, fixtures)', function () {
  let dir: string;
  let modelDir: string;
  let entries: LogEntry[];

  before(async () => {
    dir = tempDir('azw-serve-faults-');
    modelDir = path.join(dir, 'models');
    await trainFixtureModels(modelDir, ['CONN', 'DNS']);
    entries = (await mixedEntries(['CONN', 'DNS'])).slice(0, 1200);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('Zeek going away mid-stream: reconnects, resubscribes, counts the gap in stats and metrics, scores the rest', async () => {
    const server = await startEmulator();
    const out = path.join(dir, 'restart.ndjson');
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    let client: ZeekWebSocketClient | undefined;
    const run = startServe({ zeekUrl: server.url, modelDir, out, threads: 0 }, { metrics, onClient: (c) => { client = c; } });
    try {
      const publisher = new LogRecordPublisher(server, { batchSize: 50 });
      await server.waitForSubscriber('autozeekwatch/logs/0/conn');
      await publisher.publishAll(entries.slice(0, 400));
      await publisher.finish();
      await until(() => readScoreLines(out).length === 400, 'the first 400 scores');
      // a crash: no CLOSE frame; what Zeek publishes meanwhile reaches nobody
      server.dropClients();
      await until(() => server.clients.length === 0, 'the drop');
      await publisher.publishAll(entries.slice(400, 800));
      await publisher.finish();
      const unheard = publisher.stats.recordsUnheard;
      expect(unheard).to.equal(400);
      await server.waitForSubscriber('autozeekwatch/logs/0/conn');
      await publisher.publishAll(entries.slice(800));
      await publisher.finish();
      await until(() => readScoreLines(out).length === 400 + (entries.length - 800), 'the scores after the reconnect');
      const stats = client!.stats;
      expect(stats.acks).to.equal(2);
      expect(stats.recordsMissing).to.equal(unheard);
      expect(stats.gaps).to.be.greaterThan(0);
      const text = await metrics.text();
      const missing = text.split('\n').filter((l) => l.startsWith('autozeekwatch_records_missing_total{')).reduce((a, l) => a + Number(l.split(' ')[1]), 0);
      expect(missing).to.equal(unheard);
      expect(text).to.match(/^autozeekwatch_reconnects_total [1-9]/m);
      expect(run.logged('zeek disconnected')).to.have.length(1);
      expect(run.logged('zeek reconnecting').length).to.be.greaterThan(0);
      expect(run.logged('zeek subscription acknowledged')).to.have.length(2);
      expect(run.logged('sequence gap').length).to.be.greaterThan(0);
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });

  it('malformed frames of each kind: counted by reason, the connection survives, scoring continues', async () => {
    const server = await startEmulator();
    const out = path.join(dir, 'malformed.ndjson');
    const metrics = new SidecarMetrics({ defaultMetrics: false });
    let client: ZeekWebSocketClient | undefined;
    const run = startServe({ zeekUrl: server.url, modelDir, out, threads: 1 }, { metrics, onClient: (c) => { client = c; } });
    try {
      await server.waitForSubscriber('autozeekwatch/logs/0/conn');
      const topic = 'autozeekwatch/logs/0/conn';
      const conn = entries.filter((e) => e.stream === 'conn').slice(0, 60).map((e) => toLiveJson(e.record, 'conn'));
      const bad = malformedFrames(topic);
      let seq = 0;
      for (const frame of Object.values(bad)) {
        server.sendRaw(logRecordsFrame(topic, 'zeek', 'conn', seq, conn.slice(seq, seq + 5)));
        seq += 5;
        server.sendRaw(frame);
      }
      // records that are not JSON objects are counted per record, the rest of the batch is scored
      server.sendRaw(logRecordsFrame(topic, 'zeek', 'conn', seq, ['not json', '{"uid":', ...conn.slice(seq, seq + 5)]));
      seq += 7;
      await until(() => readScoreLines(out).length === Object.keys(bad).length * 5 + 5, 'the good records scored');
      const stats = client!.stats;
      expect(stats.disconnects).to.equal(0);
      expect(stats.invalidJsonFrames).to.be.greaterThan(0);
      expect(stats.invalidUtf8Frames).to.equal(1);
      expect(stats.controlCharacterFrames).to.equal(1);
      expect(stats.malformedMessages).to.be.greaterThan(2);
      // the client's frame counters reach the metrics on the next poll
      let metricsText = '';
      for (let i = 0; i < 400; i++) {
        metricsText = await metrics.text();
        if (/reason="frame-invalid-utf8"\} 1/.test(metricsText)) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(metricsText).to.match(/autozeekwatch_parse_errors_total\{reason="frame-invalid-utf8"\} 1/);
      expect(metricsText).to.match(/autozeekwatch_parse_errors_total\{reason="frame-control-character"\} 1/);
      expect(metricsText).to.match(/autozeekwatch_parse_errors_total\{reason="message-malformed"\} [3-9]/);
      const recordErrors = metricsText.split('\n').filter((l) => l.startsWith('autozeekwatch_parse_errors_total{') && !/reason="(frame|message)-/.test(l));
      expect(recordErrors.reduce((a, l) => a + Number(l.split(' ')[1]), 0)).to.equal(2);
      expect(run.logged('invalid records from Zeek skipped')).to.have.length(1);
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });

  it('an anomalous record whose originator is no address: scored and written, its answers counted and skipped; a bad port is an invalid record', async () => {
    const server = await startEmulator();
    const out = path.join(dir, 'unencodable.ndjson');
    const run = startServe(
      { zeekUrl: server.url, modelDir, out, threads: 1, exitOnEnd: true, mitigation: { enabled: true, dryRun: false, level: 0.5, maxBlocksPerMinute: 1000 } },
    );
    try {
      const conns = entries.filter((e) => e.stream === 'conn').slice(0, 40);
      // absurd values make these two anomalous; their answers cannot be written as Zeek types
      const absurd = { duration: 9e8, orig_bytes: 9e12, resp_bytes: 9e12, orig_pkts: 9e9, resp_pkts: 9e9 };
      const crafted: LogEntry[] = [
        { ...conns[0]!, record: { ...conns[0]!.record, ...absurd, uid: 'Cnotanaddress', 'id.orig_h': 'not-an-address' } },
        { ...conns[1]!, record: { ...conns[1]!.record, ...absurd, uid: 'Cbadport', 'id.resp_p': 70000 } },
      ];
      await server.waitForSubscriber('autozeekwatch/logs/0/conn');
      const publisher = new LogRecordPublisher(server, { batchSize: 50 });
      await publisher.publishAll([...crafted, ...conns.slice(2)]);
      await publisher.finish();
      const result = await run.done;
      const lines = readScoreLines(out);
      // the port is refused already when the record is read; the address only when the answer is written
      expect(result.invalidRecords).to.equal(1);
      expect(lines).to.have.length(39);
      const byUid = new Map(lines.map((l) => [l.uid, l]));
      expect(byUid.get('Cnotanaddress')?.anomalous).to.equal(true);
      expect(byUid.has('Cbadport')).to.equal(false);
      // the anomaly event, and the block of the originator its risk asks for
      expect(result.answersNotEncodable).to.equal(2);
      expect(result.anomaliesSent).to.equal(result.anomalies - 1);
      const sentUids = server.received.filter((r) => r.event.name === 'AutoZeekWatch::anomaly').map((r) => (r.event.args[0] as { value: string }).value);
      expect(sentUids).to.not.include('Cnotanaddress');
      expect(sentUids).to.not.include('Cbadport');
      expect(run.logged('answer not sent: a field from Zeek cannot be encoded')).to.have.length(1);
    } finally {
      run.stop();
      await run.done.catch(() => undefined);
      await server.close();
    }
  });

  it('no ack (a manager_is_logger cluster): reconnects with a log line that says why', async () => {
    const server = await startEmulator({ ack: 'never' });
    const run = startServe({ zeekUrl: server.url, modelDir, out: path.join(dir, 'noack.ndjson'), threads: 0, ackTimeoutMs: 100 });
    try {
      await until(() => run.logged('zeek connection attempt failed').length >= 2, 'two failed attempts');
      const line = run.logged('zeek connection attempt failed')[0]!;
      expect(line.reason).to.equal('ack-timeout');
      expect(String(line.error)).to.contain('manager_is_logger');
      expect(run.logged('zeek reconnecting').length).to.be.greaterThan(0);
      expect(run.logged('zeek subscription acknowledged')).to.have.length(0);
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });

  it('a wrong path is refused by Zeek with an error message: logged as refused, retried', async () => {
    const server = await startEmulator();
    const url = server.url.replace('/v1/messages/json', '/v1/messages/binary');
    const run = startServe({ zeekUrl: url, modelDir, out: path.join(dir, 'path.ndjson'), threads: 0 });
    try {
      await until(() => run.logged('zeek connection attempt failed').some((l) => l.reason === 'refused'), 'the refusal');
      const line = run.logged('zeek connection attempt failed').find((l) => l.reason === 'refused')!;
      expect(String(line.error)).to.contain('Invalid URI');
      await until(() => run.logged('zeek reconnecting').length > 0, 'a retry');
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });

  it('an error answer after the ack is logged and the connection stays', async () => {
    const server = await startEmulator();
    let client: ZeekWebSocketClient | undefined;
    const run = startServe({ zeekUrl: server.url, modelDir, out: path.join(dir, 'err.ndjson'), threads: 0 }, { onClient: (c) => { client = c; } });
    try {
      await server.waitForSubscriber('autozeekwatch/logs/0/conn');
      server.sendRaw('{"type":"error","code":"deserialization_failed","context":"failed to create Zeek event"}');
      const line = await run.waitForLog('zeek refused a message');
      expect(line).to.include({ code: 'deserialization_failed' });
      expect(client!.stats.disconnects).to.equal(0);
      expect(client!.isConnected).to.equal(true);
    } finally {
      run.stop();
      await run.done;
      await server.close();
    }
  });
});
