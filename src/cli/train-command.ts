// `autozeekwatch train`: one model per module from a Zeek log directory, modules trained in
// parallel on worker threads, with a progress bar per module and a summary table at the end.
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { UsageError } from '../errors.js';
import { DEFAULT_FEATURIZER_OPTIONS } from '../features/index.js';
import { modelPath } from '../model/model-file.js';
import { describeCalibration } from '../kitnet/threshold.js';
import type { TrainJob, TrainWorkerMessage } from '../pipeline/train-worker.js';
import { DEFAULT_TRAIN_OPTIONS, THRESHOLD_METHODS, type ThresholdMethod, type TrainOptions, type TrainProgress } from '../pipeline/train-module.js';
import { findLogFiles } from '../zeek/index.js';
import { streamOfModule, type LogModule } from '../zeek/record.js';
import {
  collectStrings,
  DEFAULT_MODEL_DIR,
  modulesOption,
  parseDate,
  parseFraction,
  parsePositiveInt,
  parsePositiveNumber,
  parseSince,
} from './options.js';

interface TrainCliOptions {
  logDir: string;
  modules?: LogModule[];
  modelDir: string;
  startDate?: string;
  endDate?: string;
  since?: string;
  maxSizeAe?: number;
  graceFeatureMapping?: number;
  graceAnomalyDetector?: number;
  learningRate?: number;
  hiddenRatio?: number;
  calibrationFraction: number;
  targetFpr: number;
  thresholdMethod: ThresholdMethod;
  localNets?: string[];
  hostContext: boolean;
  progress: boolean;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('learn normal behaviour from historical Zeek logs: one model file per module')
    .requiredOption('--log-dir <dir>', "Zeek log directory: zeekctl's logs/ (YYYY-MM-DD/ folders) or a folder with conn.log etc.")
    .addOption(modulesOption('modules to train (default: CONN)'))
    .option('--model-dir <dir>', 'where model files are written', DEFAULT_MODEL_DIR)
    .option('--start-date <YYYY-MM-DD>', 'first day of logs to use (zeekctl layout)', parseDate)
    .option('--end-date <YYYY-MM-DD>', 'last day of logs to use (zeekctl layout)', parseDate)
    .option('--since <duration>', 'use the last 36h / 7d / 2w of logs (sets --start-date; for retraining beside a running serve)', (v: string) => parseSince(v))
    .option('--max-size-ae <n>', 'largest autoencoder in the ensemble (KitNET m)', parsePositiveInt)
    .option('--grace-feature-mapping <n>', 'records used to learn the feature map (default: min(5000, 10% of training records))', parsePositiveInt)
    .option('--grace-anomaly-detector <n>', 'records used to train the autoencoders (default: all remaining training records)', parsePositiveInt)
    .option('--learning-rate <x>', 'SGD learning rate', parsePositiveNumber)
    .option('--hidden-ratio <x>', 'hidden/visible size of each autoencoder', parseFraction)
    .option('--calibration-fraction <x>', 'share of the latest records held out to calibrate the threshold', parseFraction, DEFAULT_TRAIN_OPTIONS.calibrationFraction)
    .option('--target-fpr <p>', 'alerts wanted per benign record (1e-4 = one per 10,000)', parseFraction, DEFAULT_TRAIN_OPTIONS.targetFpr)
    .addOption(new Option('--threshold-method <method>', 'tail: power-law tail of the top calibration scores; log-normal: KitNET spec §7').choices(THRESHOLD_METHODS).default(DEFAULT_TRAIN_OPTIONS.thresholdMethod))
    .option('--local-nets <cidr...>', `local networks (default ${DEFAULT_FEATURIZER_OPTIONS.localNets.join(' ')})`, collectStrings)
    .option('--no-host-context', 'leave out the per-host context features')
    .addOption(new Option('--no-progress', 'no progress bars (plain lines instead)'))
    .action(async (opts: TrainCliOptions) => {
      await runTrain(opts);
    });
}

async function runTrain(opts: TrainCliOptions): Promise<void> {
  const modules = opts.modules ?? ['CONN'];
  if (opts.since !== undefined) {
    if (opts.startDate !== undefined) throw new UsageError('give --since or --start-date, not both');
    opts.startDate = opts.since;
  }
  if (opts.startDate && opts.endDate && opts.startDate > opts.endDate) {
    throw new UsageError(`--start-date ${opts.startDate} is after --end-date ${opts.endDate}`);
  }
  const filesByStream = await findLogFiles(opts.logDir, {
    streams: modules.map(streamOfModule),
    startDate: opts.startDate,
    endDate: opts.endDate,
  });
  const trainOptions: TrainOptions = {
    kitnet: {
      ...(opts.maxSizeAe !== undefined && { maxAutoencoderSize: opts.maxSizeAe }),
      ...(opts.graceFeatureMapping !== undefined && { fmGrace: opts.graceFeatureMapping }),
      ...(opts.graceAnomalyDetector !== undefined && { adGrace: opts.graceAnomalyDetector }),
      ...(opts.learningRate !== undefined && { learningRate: opts.learningRate }),
      ...(opts.hiddenRatio !== undefined && { hiddenRatio: opts.hiddenRatio }),
    },
    featurizer: {
      hostContext: opts.hostContext,
      ...(opts.localNets !== undefined && { localNets: opts.localNets }),
    },
    calibrationFraction: opts.calibrationFraction,
    targetFpr: opts.targetFpr,
    thresholdMethod: opts.thresholdMethod,
  };
  const jobs: TrainJob[] = [];
  for (const module of modules) {
    const files = filesByStream.get(streamOfModule(module)) ?? [];
    if (files.length === 0) {
      process.stderr.write(`train: no ${streamOfModule(module)} logs under ${opts.logDir}; ${module} skipped\n`);
      continue;
    }
    jobs.push({ module, files, options: trainOptions, modelFile: modelPath(opts.modelDir, module) });
  }
  if (jobs.length === 0) throw new UsageError(`no logs for ${modules.join(', ')} under ${opts.logDir}`);

  const display = new TrainingDisplay(jobs.map((j) => j.module), opts.progress && process.stderr.isTTY === true);
  const started = performance.now();
  const results = await Promise.all(jobs.map((job) => runWorker(job, (p) => display.update(p))));
  display.stop();

  const rows: string[][] = [['module', 'records', 'calibration', 'skipped', 'features', 'autoencoders', 'threshold', 'method', 'model']];
  let failures = 0;
  for (const [i, result] of results.entries()) {
    const job = jobs[i]!;
    if (result.kind === 'failed') {
      failures++;
      process.stderr.write(`train: ${job.module} failed: ${result.message}\n`);
      continue;
    }
    const h = result.header;
    rows.push([
      job.module,
      String(h.training.trainRows),
      String(h.training.calibrationRows),
      String(result.skipped),
      String(h.schema.names.length),
      String(result.autoencoders),
      h.calibration.threshold.toPrecision(4),
      h.calibration.method ?? 'log-normal',
      `${job.modelFile} (${result.modelId})`,
    ]);
    for (const note of result.notes) process.stderr.write(`train: ${job.module}: ${note}\n`);
    // what the threshold rests on, especially when it is capped near the data
    process.stderr.write(`train: ${job.module}: ${describeCalibration(h.calibration)}\n`);
    if (result.skipped > 0) process.stderr.write(`train: ${job.module} read summary:\n${result.summaryText}\n`);
  }
  process.stdout.write(formatTable(rows));
  process.stdout.write(`trained ${rows.length - 1} of ${jobs.length} modules in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (failures > 0) throw new Error(`${failures} module(s) failed to train`);
}

type WorkerOutcome = Extract<TrainWorkerMessage, { kind: 'done' | 'failed' }>;

function runWorker(job: TrainJob, onProgress: (p: TrainProgress) => void): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('../pipeline/train-worker.js', import.meta.url), { workerData: job });
    let outcome: WorkerOutcome | undefined;
    worker.on('message', (message: TrainWorkerMessage) => {
      if (message.kind === 'progress') onProgress(message.progress);
      else outcome = message;
    });
    worker.on('error', (err) => {
      outcome ??= { kind: 'failed', message: err.message };
    });
    worker.on('exit', (code) => {
      resolve(outcome ?? { kind: 'failed', message: `worker exited with code ${code}` });
    });
  });
}

/** Progress bars on a terminal; a line per phase change otherwise (CI logs, pipes). */
class TrainingDisplay {
  private readonly bars = new Map<LogModule, cliProgress.SingleBar>();
  private readonly multibar: cliProgress.MultiBar | undefined;
  private readonly lastPhase = new Map<LogModule, string>();

  constructor(modules: LogModule[], tty: boolean) {
    if (!tty) return;
    this.multibar = new cliProgress.MultiBar(
      {
        format: '{module} {phase} |{bar}| {value}/{total} records | {rate}/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    for (const module of modules) this.bars.set(module, this.multibar.create(1, 0, { module: module.padEnd(4), phase: 'scan     ', rate: 0 }));
  }

  private readonly phaseStart = new Map<LogModule, { phase: string; at: number }>();

  update(p: TrainProgress): void {
    const now = performance.now();
    const start = this.phaseStart.get(p.module);
    if (start === undefined || start.phase !== p.phase) this.phaseStart.set(p.module, { phase: p.phase, at: now });
    const elapsed = (now - (this.phaseStart.get(p.module)?.at ?? now)) / 1000;
    const rate = elapsed > 0 ? Math.round(p.done / elapsed) : 0;
    const bar = this.bars.get(p.module);
    if (bar !== undefined) {
      const total = p.total > 0 ? p.total : Math.max(p.done, 1) * 2;
      bar.setTotal(total);
      bar.update(p.done, { phase: p.phase.padEnd(9), rate });
      return;
    }
    if (this.lastPhase.get(p.module) !== p.phase) {
      this.lastPhase.set(p.module, p.phase);
      process.stderr.write(`train: ${p.module} ${p.phase}${p.total > 0 ? ` (${p.total} records)` : ''}\n`);
    }
  }

  stop(): void {
    this.multibar?.stop();
  }
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n';
}
