// replay → serve on loopback, the Zeek stand-in in a child process (its own core): sustained
// records/s into one sidecar with threads=0, 1, 2, and publish → anomaly latency at 10,000 records/s.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { saveModel, modelPath } from '../src/model/model-file.js';
import { DEFAULT_TRAIN_OPTIONS, trainModule } from '../src/pipeline/train-module.js';
import { DEFAULT_SERVE_SETTINGS, serve } from '../src/pipeline/serve.js';
import { ZEEK_ENCODING, ZeekWebSocketServer } from '../src/replay/zeek-server.js';
import { LogRecordPublisher, preEncodeLiveRecord, renderLiveRecord } from '../src/replay/publisher.js';
import { EVENT_ANOMALY, EVENT_SIDECAR_DONE, anomalyEvent, encodeLogRecordsMessage } from '../src/zeek/broker-contract.js';
import { brokerToEvent, decodeBrokerData, encodeEventMessage, parseJsonKeepingNumbers } from '../src/zeek/broker-json.js';
import { findLogFiles, readLogFile } from '../src/zeek/index.js';
import { LOG_MODULES, streamOfModule, type LogEntry } from '../src/zeek/record.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = path.join(root, 'fixtures');
const REPEAT = Number(process.env.AZW_BENCH_REPEAT ?? 20);
/** copies of the benign day in the latency run with attacks */
const BENIGN_REPEAT = Number(process.env.AZW_BENCH_BENIGN_REPEAT ?? 2);
/** copies of the benign day in a throughput run: 10 is 249,000 records, ~5 s at full speed, a sustained rate rather than a start-up burst */
const THROUGHPUT_REPEAT = Number(process.env.AZW_BENCH_THROUGHPUT_REPEAT ?? 10);
/** AutoZeekWatch::batch_size of the stand-in (the package's default is 50) */
const BATCH_SIZE = Number(process.env.AZW_BENCH_BATCH_SIZE ?? 50);
interface BenchRun {
  threads: number;
  /** records/s; 0 = as fast as the sidecar takes them (throughput, benign workload) */
  rate: number;
  kind: WorkloadKind;
}

/**
 * `threads` (throughput, benign) or `threads@rate[:mixed|:benign-with-attacks]` (latency, default mixed) items,
 * comma-separated; AZW_BENCH_SERVE_RUNS picks some, e.g. for profiling one case.
 */
const RUNS: BenchRun[] = (process.env.AZW_BENCH_SERVE_RUNS ?? '0,1,2,0@10000:benign-with-attacks,1@10000:benign-with-attacks,0@10000,1@10000,2@10000')
  .split(',')
  .map((item) => {
    const [threads, rest] = item.split('@');
    const [rate, kind] = (rest ?? '0').split(':');
    return { threads: Number(threads), rate: Number(rate), kind: rest === undefined ? 'benign' : workloadKind(kind) };
  });

function workloadKind(text: string | undefined): WorkloadKind {
  return text === 'benign' || text === 'benign-with-attacks' ? text : 'mixed';
}

/**
 * Throughput: the benign archive fixtures/logdir (a realistic alert rate: anomalies are explained,
 * which costs far more than scoring). Latency: fixtures/mixed, attack-heavy, so there are many
 * anomaly events to time. Repeated `times`, each copy later with its own uids, in time order.
 */
async function workload(kind: WorkloadKind, times: number): Promise<LogEntry[]> {
  const base: LogEntry[] = [];
  if (kind === 'mixed') {
    for (const m of LOG_MODULES) {
      const stream = streamOfModule(m);
      for await (const e of readLogFile(path.join(fixtures, 'mixed', `${stream}.log`), { stream })) base.push(e);
    }
  } else {
    const found = await findLogFiles(path.join(fixtures, 'logdir'), { streams: LOG_MODULES.map(streamOfModule) });
    for (const [stream, files] of found) for (const f of files) for await (const e of readLogFile(f, { stream })) base.push(e);
    if (kind === 'benign-with-attacks') await addAttacks(base);
  }
  base.sort((a, b) => (a.record.ts as number) - (b.record.ts as number));
  const out: LogEntry[] = [];
  const span = kind === 'mixed' ? 3600 : 86400;
  for (let k = 0; k < times; k++) {
    for (const e of base) out.push({ ...e, record: { ...e.record, uid: `${String(e.record.uid)}x${k}`, ts: (e.record.ts as number) + k * span } });
  }
  return out;
}

/**
 * The labelled attack records of fixtures/mixed (scan, password guessing, tunnel, beacon), moved into the benign
 * day six hours after its start: the few anomalies among ordinary traffic that a sensor really sees.
 */
async function addAttacks(benign: LogEntry[]): Promise<void> {
  const labels = readFileSync(path.join(fixtures, 'mixed', 'labels.csv'), 'utf8').split('\n').slice(1);
  const attackUids = new Set(labels.map((line) => line.split(',')[0]).filter((uid) => uid));
  const attacks: LogEntry[] = [];
  for (const m of LOG_MODULES) {
    const stream = streamOfModule(m);
    for await (const e of readLogFile(path.join(fixtures, 'mixed', `${stream}.log`), { stream })) if (attackUids.has(String(e.record.uid))) attacks.push(e);
  }
  const benignStart = Math.min(...benign.map((e) => e.record.ts as number));
  const attackStart = Math.min(...attacks.map((e) => e.record.ts as number));
  const shift = benignStart + 6 * 3600 - attackStart;
  for (const e of attacks) benign.push({ ...e, record: { ...e.record, ts: (e.record.ts as number) + shift } });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Latencies of anomalies published this long after the start are also reported apart (JIT warm-up excluded). */
const WARMUP_MS = 3000;

function latencyLine(name: string, sorted: number[]): string {
  return `${name} ${sorted.length} ${percentile(sorted, 0.5).toFixed(2)} ${percentile(sorted, 0.99).toFixed(2)} ${(sorted[sorted.length - 1] ?? NaN).toFixed(2)}`;
}

/** benign: the fixtures' archive; benign-with-attacks: the same plus the fixture attacks (~2% of records); mixed: the attack hour */
type WorkloadKind = 'benign' | 'benign-with-attacks' | 'mixed';

/**
 * Zeek is C++: its publishing and its reading of answers have no JIT to warm. The stand-in compiles its own
 * frame encoding and answer decoding first, so the first second's latencies measure the sidecar.
 */
function warmUpStandIn(records: string[]): void {
  const answer = encodeEventMessage('autozeekwatch/control', anomalyEvent({
    uid: 'Cwarm', stream: 'conn', originator: { host: '10.0.0.1', port: '1234/tcp' }, responder: { host: '10.0.0.2', port: '80/tcp' },
    score: 1.5, threshold: 1, summary: 'conn score 1.50 ≥ 1.00 (p=1.0e-5): warm-up',
  }));
  for (let i = 0; i < 5000; i++) brokerToEvent(decodeBrokerData(parseJsonKeepingNumbers(answer)));
  for (let i = 0; i + 50 <= records.length; i += 50) {
    encodeLogRecordsMessage('autozeekwatch/logs/0/conn', { node: 'zeek', stream: 'conn', seq: i }, records.slice(i, i + 50), ZEEK_ENCODING);
  }
}

/** Child: the Zeek stand-in. Prints its port, publishes, times publish → anomaly per uid, prints figures. */
async function publisherMain(rate: number, kind: WorkloadKind): Promise<void> {
  // rendered and Broker-encoded before the clock starts: in Zeek, to_json and the encoding are C++ on Zeek's
  // cores; here they would take the sidecar's (the stand-in then only joins text and writes frames)
  const copies = kind === 'mixed' ? REPEAT : rate === 0 ? THROUGHPUT_REPEAT : BENIGN_REPEAT;
  const entries = (await workload(kind, copies)).map((e) => preEncodeLiveRecord(renderLiveRecord(e)));
  const server = new ZeekWebSocketServer({ pingIntervalMs: 0 });
  await server.start();
  const publishedAt = new Map<string, number>();
  const latencies: number[] = [];
  const steadyLatencies: number[] = [];
  // uids found before the clock starts; the lookup by the very string published is a cached-hash Map hit
  const uidOf = new Map<string, string>();
  if (rate > 0) for (const e of entries) uidOf.set(e.json, /"uid":"([^"]+)"/.exec(e.json)?.[1] ?? '');
  const timePublished = (records: readonly string[]): void => {
    if (rate === 0) return;
    const now = performance.now();
    for (const r of records) publishedAt.set(uidOf.get(r) ?? '', now);
  };
  let started = 0;
  let done = 0;
  server.on('event', (received) => {
    if (received.event.name === EVENT_ANOMALY && rate > 0) {
      const uid = (received.event.args[0] as { value: string }).value;
      const at = publishedAt.get(uid);
      if (at !== undefined) {
        const latency = performance.now() - at;
        latencies.push(latency);
        if (at - started >= WARMUP_MS) steadyLatencies.push(latency);
      }
    } else if (received.event.name === EVENT_SIDECAR_DONE) done = performance.now();
  });
  // the emulator keeps every event for tests; here that would only grow the heap
  server.on('event', () => { server.received.length = 0; });
  warmUpStandIn(entries.slice(0, 5000).map((e) => e.encoded!));
  // the parsed workload is garbage now; collect it before the clock, not in the middle of the timing
  (globalThis as { gc?: () => void }).gc?.();
  console.log(`port ${server.port}`);
  await server.waitForSubscriber('autozeekwatch/logs/0/conn');
  const publisher = new LogRecordPublisher(server, { batchSize: BATCH_SIZE, batchIntervalMs: 10, ratePerSecond: rate, onBatchPublish: timePublished });
  started = performance.now();
  const cpuAtStart = process.cpuUsage();
  await publisher.publishAll(entries);
  await publisher.finish();
  while (done === 0) await new Promise((r) => setTimeout(r, 5));
  const seconds = (done - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  console.log(`published ${publisher.stats.records} seconds ${seconds.toFixed(3)} cpu ${((cpu.user + cpu.system) / publisher.stats.records).toFixed(2)}`);
  if (rate > 0) {
    console.log(latencyLine('latency', latencies.sort((a, b) => a - b)));
    console.log(latencyLine('steady', steadyLatencies.sort((a, b) => a - b)));
  }
  await server.close();
}

async function runOnce(modelDir: string, dir: string, run: BenchRun): Promise<void> {
  const { threads, rate, kind } = run;
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'publisher', String(rate), kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const output: string[] = [];
  const port = await new Promise<number>((resolve) => lines.on('line', (l) => {
    output.push(l);
    if (l.startsWith('port ')) resolve(Number(l.slice(5)));
  }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const quiet = { info() {}, warn() {}, error() {} };
  // CPU seconds of this process (main thread and workers) from the ack to the end: serving only, no start-up
  let cpuAtAck = process.cpuUsage();
  const result = await serve({
    ...DEFAULT_SERVE_SETTINGS, zeekUrl: `ws://127.0.0.1:${port}/v1/messages/json`, modelDir, out: path.join(dir, `scores-${threads}-${rate}-${kind}.ndjson`),
    threads, exitOnEnd: true, watchModels: false, metricsListen: '', queueCapacity: 100_000,
  }, { logger: quiet, onClient: (client) => client.once('connected', () => { cpuAtAck = process.cpuUsage(); }) });
  const cpu = process.cpuUsage(cpuAtAck);
  await exited;
  const label = rate > 0 ? `threads${threads}_at_${rate}_${kind}` : `threads${threads}`;
  const published = output.find((l) => l.startsWith('published '))!.split(' ');
  const seconds = Number(published[3]);
  console.log(`${label}_received: ${result.client.recordsReceived} records (scored ${result.scored}, anomalies ${result.anomalies}, dropped ${result.client.recordsDropped}, missing ${result.client.recordsMissing}, invalid ${result.invalidRecords})`);
  if (rate === 0) console.log(`${label}_sustained: ${Math.round(result.scored / seconds)} records/s`);
  // CPU per record does not depend on what else runs on the cores, unlike records/s on a shared machine
  console.log(`${label}_sidecar_cpu: ${((cpu.user + cpu.system) / result.scored).toFixed(2)} µs/record`);
  console.log(`${label}_publisher_cpu: ${published[5]} µs/record`);
  for (const [prefix, name] of [['latency ', ''], ['steady ', '_after_warmup']] as const) {
    const line = output.find((l) => l.startsWith(prefix));
    if (line === undefined) continue;
    const [, n, p50, p99, max] = line.split(' ');
    console.log(`${label}_anomalies_timed${name}: ${n} events`);
    console.log(`${label}_latency${name}_p50: ${p50} ms`);
    console.log(`${label}_latency${name}_p99: ${p99} ms`);
    console.log(`${label}_latency${name}_max: ${max} ms`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'azw-serve-bench-'));
  try {
    // AZW_BENCH_MODEL_DIR keeps trained models between runs, so a profile shows serving only
    const modelDir = process.env.AZW_BENCH_MODEL_DIR ?? path.join(dir, 'models');
    if (!existsSync(modelPath(modelDir, LOG_MODULES[0]!))) {
      const found = await findLogFiles(path.join(fixtures, 'logdir'), { streams: LOG_MODULES.map(streamOfModule) });
      for (const m of LOG_MODULES) {
        const r = await trainModule(m, found.get(streamOfModule(m)) ?? [], DEFAULT_TRAIN_OPTIONS);
        await saveModel(modelPath(modelDir, m), r.contents);
      }
    }
    console.log(`workload: throughput on fixtures/logdir × ${THROUGHPUT_REPEAT} (benign), latency on fixtures/mixed × ${REPEAT} (all five streams, about half anomalies) and on the benign archive × ${BENIGN_REPEAT} with the fixture attacks in it (benign-with-attacks, ~2% anomalies); batches of ${BATCH_SIZE}; the publisher shares the 2 cores; figures are lower bounds (cores shared with other work)`);
    console.log(`latency "after_warmup": anomalies of records published ${WARMUP_MS / 1000} s or more after the start (JIT warm-up of both processes excluded)`);
    for (const run of RUNS) await runOnce(modelDir, dir, run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'publisher') await publisherMain(Number(process.argv[3]), workloadKind(process.argv[4]));
else await main();
