// End-to-end file pipeline: trains a CONN model on generated logs, then times `autozeekwatch score FILE --out FILE`
// (readLogFileBatches → RecordScorer → ScoreFileWriter, as the command runs) for conn JSON, TSV and TSV gzip, per stage,
// with RSS at 1× and 4× size.
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import { generateFixtures } from '../scripts/fixtures/index.js';
import { loadScoringModel } from '../src/model/loaded-model.js';
import type { LoadedModel } from '../src/model/loaded-model.js';
import { modelPath, saveModel } from '../src/model/model-file.js';
import { RecordScorer } from '../src/pipeline/record-scorer.js';
import { scoreBatchesInto } from '../src/pipeline/score-stream.js';
import { trainModule, type TrainPhase } from '../src/pipeline/train-module.js';
import { ScoreFileWriter } from '../src/sinks/score-file.js';
import { readLogFile, readLogFileBatches } from '../src/zeek/log-file.js';
import { ReadSummary } from '../src/zeek/read-summary.js';
import type { ZeekRecord } from '../src/zeek/record.js';

/** Generator scale for the training archive (12k conn records per unit of scale over 24 h). */
const TRAIN_SCALE = Number(process.env['AZW_BENCH_SCALE'] ?? 4);
/** Records in the 1× scoring files; the 4× files hold four times as many. */
const SCORE_RECORDS = Number(process.env['AZW_BENCH_RECORDS'] ?? 250_000);

const DAY = 86_400;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/** Samples RSS every 16k records so a run's peak is seen without slowing it down. */
class RssSampler {
  peak = process.memoryUsage.rss();
  private nextAt = 0;
  /** `count` is the running record total (records arrive in batches, so it jumps). */
  sample(count: number): void {
    if (count >= this.nextAt) {
      this.nextAt = count + 0x4000;
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
    }
  }
}

/** Records of the training archive's conn files, read once into memory to be written out in each format. */
async function templateRecords(files: readonly string[]): Promise<ZeekRecord[]> {
  const records: ZeekRecord[] = [];
  for (const file of files) for await (const entry of readLogFile(file, { stream: 'conn' })) records.push(entry.record);
  return records;
}

/** `count` records: the template repeated, each repetition shifted a day later so time keeps going forward. */
function* repeated(template: readonly ZeekRecord[], count: number): Generator<ZeekRecord> {
  for (let i = 0; i < count; i++) {
    const base = template[i % template.length]!;
    const shift = Math.floor(i / template.length) * DAY;
    yield { ...base, ts: (base.ts as number) + shift, uid: `C${i.toString(36)}bench` };
  }
}

const TSV_COLUMNS: readonly [string, string][] = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['proto', 'enum'], ['service', 'string'], ['duration', 'interval'], ['orig_bytes', 'count'], ['resp_bytes', 'count'],
  ['conn_state', 'string'], ['local_orig', 'bool'], ['local_resp', 'bool'], ['missed_bytes', 'count'], ['history', 'string'],
  ['orig_pkts', 'count'], ['orig_ip_bytes', 'count'], ['resp_pkts', 'count'], ['resp_ip_bytes', 'count'], ['tunnel_parents', 'set[string]'],
];

function tsvValue(value: unknown, type: string): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : value.join(',');
  if (type === 'bool') return value ? 'T' : 'F';
  if (type === 'time' || type === 'interval') return (value as number).toFixed(6);
  const text = String(value);
  return text === '' ? '(empty)' : text;
}

/** Writes `records` as Zeek's default ASCII log (optionally gzip) or as JSON lines; returns bytes on disk. */
async function writeLog(file: string, records: Iterable<ZeekRecord>, format: 'tsv' | 'json', gzip: boolean): Promise<number> {
  const out = createWriteStream(file);
  const sink = gzip ? createGzip({ level: 6 }) : undefined;
  sink?.pipe(out);
  const target = sink ?? out;
  let chunk = '';
  const emit = async (text: string) => {
    chunk += text;
    if (chunk.length > 1 << 20) {
      if (!target.write(chunk)) await once(target, 'drain');
      chunk = '';
    }
  };
  if (format === 'tsv') {
    await emit(
      `#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2024-03-11-12-00-00\n` +
        `#fields\t${TSV_COLUMNS.map(([n]) => n).join('\t')}\n#types\t${TSV_COLUMNS.map(([, t]) => t).join('\t')}\n`,
    );
  }
  for (const r of records) {
    if (format === 'tsv') await emit(TSV_COLUMNS.map(([name, type]) => tsvValue(r[name], type)).join('\t') + '\n');
    else await emit(JSON.stringify(r) + '\n');
  }
  if (format === 'tsv') await emit('#close\t2024-03-12-12-00-00\n');
  target.end(chunk);
  await once(out, 'close');
  return statSync(file).size;
}

interface StageResult {
  records: number;
  seconds: number;
  /** user + system CPU seconds: less sensitive than wall time to other jobs on the shared cores */
  cpuSeconds: number;
  peakRss: number;
}

type Stage = 'read' | 'featurize' | 'score' | 'write';

/** One timed pass over `file` up to `stage`, on a freshly loaded model (host context starts empty each time). */
async function runStage(stage: Stage, file: string, modelFile: string, outFile: string): Promise<StageResult> {
  const model: LoadedModel = await loadScoringModel(modelFile);
  rmSync(outFile, { force: true });
  gc();
  const rss = new RssSampler();
  const summary = new ReadSummary();
  let records = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  if (stage === 'write') {
    const scorer = new RecordScorer([model]);
    const writer = new ScoreFileWriter(outFile);
    const batches = (async function* () {
      for await (const entries of readLogFileBatches(file, { summary })) {
        records += entries.length;
        rss.sample(records);
        yield entries;
      }
    })();
    try {
      await scoreBatchesInto(batches, scorer, writer);
    } finally {
      await writer.close();
    }
    if (scorer.stats.scored !== records) throw new Error(`${file}: ${records} read but ${scorer.stats.scored} scored`);
  } else {
    const scorer = new RecordScorer([model]);
    const buffer = new Float64Array(model.featurizer.width);
    let checksum = 0;
    for await (const entries of readLogFileBatches(file, { summary })) {
      records += entries.length;
      rss.sample(records);
      if (stage === 'score') {
        // as `score` does: a batch's records featurized, then scored together
        scorer.scoreAll(entries, (scored) => (checksum += scored.score));
        continue;
      }
      for (const entry of entries) {
        if (stage === 'featurize') {
          model.featurizer.featurize(entry.record, buffer);
          checksum += buffer[0]!;
        } else {
          checksum += entry.record['id.orig_p'] as number;
        }
      }
    }
    if (!Number.isFinite(checksum)) throw new Error('non-finite checksum');
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  rss.sample(Number.POSITIVE_INFINITY);
  if (summary.skipped !== 0) throw new Error(`${file}: ${summary.format()}`);
  return { records, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRss: rss.peak };
}

const CHECK_LINE =
  '{"ts":1710158402.71229,"uid":"CLQvWRedk6evNGw5a6x0","id.orig_h":"10.20.10.144","id.orig_p":52795,"id.resp_h":"10.20.0.45",' +
  '"id.resp_p":445,"proto":"tcp","service":"smb","duration":6.967518,"orig_bytes":3424,"resp_bytes":286072,"conn_state":"SF",' +
  '"local_orig":true,"local_resp":true,"missed_bytes":0,"history":"ShADadfF","orig_pkts":105,"orig_ip_bytes":7632,' +
  '"resp_pkts":214,"resp_ip_bytes":297208,"ip_proto":6}';

/**
 * A fixed workload timed for 0.3 s: JSON.parse of one conn line. This VM's speed drifts by up to 40% within an hour
 * (other jobs share the host), so each stage's figures are printed next to what the same workload gave just before.
 */
function machineCheck(when: string): void {
  let parsed = 0;
  let checksum = 0;
  const started = performance.now();
  while (performance.now() - started < 300) {
    for (let i = 0; i < 1000; i++) checksum += (JSON.parse(CHECK_LINE) as { orig_pkts: number }).orig_pkts;
    parsed += 1000;
  }
  if (checksum !== parsed * 105) throw new Error('machine check: wrong parse');
  const perSecond = parsed / ((performance.now() - started) / 1000);
  console.log(`machine check ${when} (JSON.parse of one fixed conn line; higher = faster machine right now): ${Math.round(perSecond)} /s`);
}

function rate(r: StageResult): string {
  return `${Math.round(r.records / r.seconds)} records/s (${Math.round(r.records / r.cpuSeconds)} per CPU second)`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'azw-pipeline-bench-'));
try {
  console.log('note: 2 shared cores with other jobs running; figures are lower bounds');
  const generated = performance.now();
  await generateFixtures(path.join(dir, 'fixtures'), { scale: TRAIN_SCALE });
  const archive = path.join(dir, 'fixtures', 'logdir');
  const trainFiles = readdirSync(archive)
    .sort()
    .flatMap((date) => readdirSync(path.join(archive, date)).filter((f) => f.startsWith('conn.')).sort().map((f) => path.join(archive, date, f)));
  console.log(`generated scale ${TRAIN_SCALE} fixtures in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

  // Training: both passes as `autozeekwatch train` runs them (one module, this thread).
  gc();
  const phaseEnds = new Map<TrainPhase, number>();
  const trainStart = performance.now();
  const trained = await trainModule('CONN', trainFiles, undefined, (p) => phaseEnds.set(p.phase, performance.now()));
  const trainSeconds = (performance.now() - trainStart) / 1000;
  const total = trained.summary.records;
  const scanEnd = phaseEnds.get('scan')!;
  const trainEnd = phaseEnds.get('train') ?? scanEnd;
  const header = trained.contents.header;
  console.log(`conn model: ${header.schema.names.length} features, ${trained.autoencoders} autoencoders, ${header.training.trainRows} train + ${header.training.calibrationRows} calibration rows`);
  console.log(`train records/s (both passes, featurize + KitNET): ${Math.round(total / trainSeconds)} records/s (${total} records, ${trainSeconds.toFixed(1)} s)`);
  console.log(`train pass 1 (read + vocabularies) records/s: ${Math.round(total / ((scanEnd - trainStart) / 1000))} records/s`);
  console.log(`train pass 2 (read + featurize + KitNET learn) rows/s: ${Math.round(header.training.trainRows / ((trainEnd - scanEnd) / 1000))} rows/s`);
  const modelFile = modelPath(path.join(dir, 'models'), 'CONN');
  await saveModel(modelFile, trained.contents);

  // Scoring inputs: the archive's records repeated to SCORE_RECORDS (1×) and 4 × SCORE_RECORDS (4×).
  const template = await templateRecords(trainFiles);
  const inputs: { label: string; format: 'tsv' | 'json'; gzip: boolean; name: string }[] = [
    { label: 'conn json', format: 'json', gzip: false, name: 'conn.json' },
    { label: 'conn tsv', format: 'tsv', gzip: false, name: 'conn.log' },
    { label: 'conn tsv.gz', format: 'tsv', gzip: true, name: 'conn.log.gz' },
  ];
  const files = new Map<string, { one: string; four: string }>();
  mkdirSync(path.join(dir, '1x'));
  mkdirSync(path.join(dir, '4x'));
  for (const input of inputs) {
    // the file name says the stream, as Zeek names its logs
    const one = path.join(dir, '1x', input.name);
    const four = path.join(dir, '4x', input.name);
    const bytesOne = await writeLog(one, repeated(template, SCORE_RECORDS), input.format, input.gzip);
    const bytesFour = await writeLog(four, repeated(template, 4 * SCORE_RECORDS), input.format, input.gzip);
    files.set(input.label, { one, four });
    console.log(`${input.label} files: ${SCORE_RECORDS} records ${mib(bytesOne)} MiB, ${4 * SCORE_RECORDS} records ${mib(bytesFour)} MiB`);
  }
  template.length = 0;

  const outFile = path.join(dir, 'scores.ndjson');
  // warm-up so the first measured stage is not paying for compilation
  await runStage('write', files.get('conn tsv')!.one, modelFile, outFile);
  for (const input of inputs) {
    const { one, four } = files.get(input.label)!;
    machineCheck(`before ${input.label}`);
    for (const stage of ['read', 'featurize', 'score'] as const) {
      const r = await runStage(stage, one, modelFile, outFile);
      const what = stage === 'read' ? 'read only' : stage === 'featurize' ? 'read + featurize' : 'read + featurize + score';
      console.log(`${input.label} ${what} records/s: ${rate(r)}`);
    }
    const endToEnd = await runStage('write', one, modelFile, outFile);
    console.log(`${input.label} end to end (read + featurize + score + write) records/s: ${rate(endToEnd)}`);
    const big = await runStage('write', four, modelFile, outFile);
    console.log(`${input.label} end to end 4× file records/s: ${rate(big)}`);
    console.log(`${input.label} peak rss 1× file: ${mib(endToEnd.peakRss)} MiB`);
    console.log(`${input.label} peak rss 4× file: ${mib(big.peakRss)} MiB`);
  }
  machineCheck('at the end');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
