// replay → serve on loopback, the Zeek stand-in in a child process (its own core): sustained
// records/s into one sidecar with threads=0, 1, 2, and publish → anomaly latency at 10,000 records/s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { saveModel, modelPath } from '../src/model/model-file.js';
import { DEFAULT_TRAIN_OPTIONS, trainModule } from '../src/pipeline/train-module.js';
import { DEFAULT_SERVE_SETTINGS, serve } from '../src/pipeline/serve.js';
import { ZeekWebSocketServer } from '../src/replay/zeek-server.js';
import { LogRecordPublisher } from '../src/replay/publisher.js';
import { EVENT_ANOMALY, EVENT_LOG_RECORDS, EVENT_SIDECAR_DONE } from '../src/zeek/broker-contract.js';
import { findLogFiles, readLogFile } from '../src/zeek/index.js';
import { LOG_MODULES, streamOfModule, type LogEntry } from '../src/zeek/record.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = path.join(root, 'fixtures');
const REPEAT = Number(process.env.AZW_BENCH_REPEAT ?? 20);
const BENIGN_REPEAT = Number(process.env.AZW_BENCH_BENIGN_REPEAT ?? 2);

/**
 * Throughput: the benign archive fixtures/logdir (a realistic alert rate: anomalies are explained,
 * which costs far more than scoring). Latency: fixtures/mixed, attack-heavy, so there are many
 * anomaly events to time. Repeated `times`, each copy later with its own uids, in time order.
 */
async function workload(kind: 'benign' | 'mixed', times: number): Promise<LogEntry[]> {
  const base: LogEntry[] = [];
  if (kind === 'mixed') {
    for (const m of LOG_MODULES) {
      const stream = streamOfModule(m);
      for await (const e of readLogFile(path.join(fixtures, 'mixed', `${stream}.log`), { stream })) base.push(e);
    }
  } else {
    const found = await findLogFiles(path.join(fixtures, 'logdir'), { streams: LOG_MODULES.map(streamOfModule) });
    for (const [stream, files] of found) for (const f of files) for await (const e of readLogFile(f, { stream })) base.push(e);
  }
  base.sort((a, b) => (a.record.ts as number) - (b.record.ts as number));
  const out: LogEntry[] = [];
  const span = kind === 'mixed' ? 3600 : 86400;
  for (let k = 0; k < times; k++) {
    for (const e of base) out.push({ ...e, record: { ...e.record, uid: `${String(e.record.uid)}x${k}`, ts: (e.record.ts as number) + k * span } });
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Child: the Zeek stand-in. Prints its port, publishes, times publish → anomaly per uid, prints figures. */
async function publisherMain(rate: number): Promise<void> {
  const entries = rate > 0 ? await workload('mixed', REPEAT) : await workload('benign', BENIGN_REPEAT);
  const server = new ZeekWebSocketServer({ pingIntervalMs: 0 });
  await server.start();
  const publishedAt = new Map<string, number>();
  const latencies: number[] = [];
  const publish = server.publish.bind(server);
  server.publish = (topic, event) => {
    if (event.name === EVENT_LOG_RECORDS && rate > 0) {
      const now = performance.now();
      const records = (event.args[3] as unknown as { value: { value: string }[] }).value;
      for (const r of records) {
        const m = /"uid":"([^"]+)"/.exec(r.value);
        if (m) publishedAt.set(m[1]!, now);
      }
    }
    return publish(topic, event);
  };
  let started = 0;
  let done = 0;
  server.on('event', (received) => {
    if (received.event.name === EVENT_ANOMALY && rate > 0) {
      const uid = (received.event.args[0] as { value: string }).value;
      const at = publishedAt.get(uid);
      if (at !== undefined) latencies.push(performance.now() - at);
    } else if (received.event.name === EVENT_SIDECAR_DONE) done = performance.now();
  });
  console.log(`port ${server.port}`);
  await server.waitForSubscriber('autozeekwatch/logs/0/conn');
  const publisher = new LogRecordPublisher(server, { batchSize: 50, batchIntervalMs: 10, ratePerSecond: rate });
  started = performance.now();
  await publisher.publishAll(entries);
  await publisher.finish();
  while (done === 0) await new Promise((r) => setTimeout(r, 5));
  const seconds = (done - started) / 1000;
  console.log(`published ${publisher.stats.records} seconds ${seconds.toFixed(3)}`);
  if (rate > 0) {
    latencies.sort((a, b) => a - b);
    console.log(`latency ${latencies.length} ${percentile(latencies, 0.5).toFixed(2)} ${percentile(latencies, 0.99).toFixed(2)} ${latencies[latencies.length - 1]?.toFixed(2)}`);
  }
  await server.close();
}

async function runOnce(modelDir: string, dir: string, threads: number, rate: number): Promise<void> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'publisher', String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const output: string[] = [];
  const port = await new Promise<number>((resolve) => lines.on('line', (l) => {
    output.push(l);
    if (l.startsWith('port ')) resolve(Number(l.slice(5)));
  }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const quiet = { info() {}, warn() {}, error() {} };
  const result = await serve({
    ...DEFAULT_SERVE_SETTINGS, zeekUrl: `ws://127.0.0.1:${port}/v1/messages/json`, modelDir, out: path.join(dir, `scores-${threads}-${rate}.ndjson`),
    threads, exitOnEnd: true, watchModels: false, metricsListen: '', queueCapacity: 100_000,
  }, { logger: quiet });
  await exited;
  const label = rate > 0 ? `threads${threads}_at_${rate}` : `threads${threads}`;
  const published = output.find((l) => l.startsWith('published '))!.split(' ');
  const seconds = Number(published[3]);
  console.log(`${label}_received: ${result.client.recordsReceived} records (scored ${result.scored}, dropped ${result.client.recordsDropped}, missing ${result.client.recordsMissing}, invalid ${result.invalidRecords})`);
  if (rate === 0) console.log(`${label}_sustained: ${Math.round(result.scored / seconds)} records/s`);
  const latency = output.find((l) => l.startsWith('latency '));
  if (latency !== undefined) {
    const [, n, p50, p99, max] = latency.split(' ');
    console.log(`${label}_anomalies_timed: ${n} events`);
    console.log(`${label}_latency_p50: ${p50} ms`);
    console.log(`${label}_latency_p99: ${p99} ms`);
    console.log(`${label}_latency_max: ${max} ms`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'azw-serve-bench-'));
  try {
    const modelDir = path.join(dir, 'models');
    const found = await findLogFiles(path.join(fixtures, 'logdir'), { streams: LOG_MODULES.map(streamOfModule) });
    for (const m of LOG_MODULES) {
      const r = await trainModule(m, found.get(streamOfModule(m)) ?? [], DEFAULT_TRAIN_OPTIONS);
      await saveModel(modelPath(modelDir, m), r.contents);
    }
    console.log(`workload: throughput on fixtures/logdir × ${BENIGN_REPEAT}, latency on fixtures/mixed × ${REPEAT} (all five streams), batches of 50; figures are lower bounds (2 shared cores)`);
    for (const threads of [0, 1, 2]) await runOnce(modelDir, dir, threads, 0);
    await runOnce(modelDir, dir, 1, 10_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'publisher') await publisherMain(Number(process.argv[3]));
else await main();
