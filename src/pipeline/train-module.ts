// Trains one module's model from log files in two streamed passes:
//   1. read every record: learn the categorical vocabularies, count records and the time span;
//   2. read again: featurize, train KitNET on the first part, score the held-out rest and
//      calibrate the threshold on those benign scores.
// Memory stays flat in the amount of data: records are never held, only the model and the scores
// of the calibration part.
import { performance } from 'node:perf_hooks';
import { UsageError } from '../errors.js';
import { MAX_SEEN_VALUES, VocabularyLearner, type FeaturizerOptions } from '../features/index.js';
import { KitNET, calibrateThreshold, DEFAULT_KITNET_OPTIONS, type KitNETOptions } from '../kitnet/index.js';
import { logNormalThreshold } from '../kitnet/threshold.js';
import type { ModelContents } from '../model/model-file.js';
import { packageVersion } from '../cli/version.js';
import { readLogFile, ReadSummary } from '../zeek/index.js';
import type { LogEntry, LogModule, LogStream } from '../zeek/record.js';
import { streamOfModule } from '../zeek/record.js';

export interface TrainOptions {
  /** KitNET settings; fmGrace/adGrace left undefined are chosen from the data (see chooseGracePeriods) */
  kitnet: Partial<KitNETOptions>;
  featurizer: Partial<FeaturizerOptions>;
  /** share of the (latest) records held out to calibrate the threshold */
  calibrationFraction: number;
  /** wanted false-positive rate on benign records (1e-4 = one alert per 10,000) */
  targetFpr: number;
  /** 'tail': a power-law tail fitted to the top calibration scores (default); 'log-normal': the KitNET spec §7 fit */
  thresholdMethod: ThresholdMethod;
  /** replaces the first-pass VocabularyLearner (eval's `--feature-set original`); not for model files */
  featureLearner?: (module: LogModule) => Pick<VocabularyLearner, 'observe' | 'build'>;
}

export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = {
  kitnet: {},
  featurizer: {},
  calibrationFraction: 0.1,
  targetFpr: 1e-4,
  thresholdMethod: 'tail',
};

export type ThresholdMethod = 'tail' | 'log-normal';
export const THRESHOLD_METHODS: readonly ThresholdMethod[] = ['tail', 'log-normal'];

/** Fewer records than this cannot give a meaningful feature map and threshold. */
export const MIN_TRAINING_RECORDS = 200;

export type TrainPhase = 'scan' | 'train' | 'calibrate' | 'done';

export interface TrainProgress {
  module: LogModule;
  phase: TrainPhase;
  /** records processed in this phase */
  done: number;
  /** records expected in this phase (0 while unknown) */
  total: number;
}

export interface TrainResult {
  contents: ModelContents;
  summary: ReadSummary;
  /** sentences for the operator about choices made from the data (e.g. shortened grace periods) */
  notes: string[];
  /** number of ensemble autoencoders in the learned feature map */
  autoencoders: number;
}

export interface GracePlan {
  fmGrace: number;
  adGrace: number;
  /** FM + AD + 1: the training prefix */
  trainRows: number;
  calibrationRows: number;
  notes: string[];
}

/**
 * Decide the grace periods and the calibration split for `total` records.
 * Defaults: calibrate on the last `calibrationFraction`; map features on min(5000, 10 %) of the
 * training part; train the autoencoders on all the rest. Explicit grace periods are kept if they
 * fit, and shortened (with a note) if they do not.
 */
export function chooseGracePeriods(total: number, options: Pick<TrainOptions, 'calibrationFraction' | 'kitnet'>): GracePlan {
  const notes: string[] = [];
  if (total < MIN_TRAINING_RECORDS) {
    throw new UsageError(`only ${total} records to train on; at least ${MIN_TRAINING_RECORDS} are needed`);
  }
  if (!(options.calibrationFraction > 0 && options.calibrationFraction < 1)) {
    throw new UsageError(`--calibration-fraction must be between 0 and 1 (got ${options.calibrationFraction})`);
  }
  const minCalibration = Math.max(50, Math.ceil(total * options.calibrationFraction));
  const available = total - minCalibration;
  let fm = options.kitnet.fmGrace;
  let ad = options.kitnet.adGrace;
  if (fm === undefined) fm = Math.min(DEFAULT_KITNET_OPTIONS.fmGrace, Math.floor(available * 0.1));
  if (ad === undefined) {
    ad = available - fm - 1;
  } else if (fm + ad + 1 > available) {
    const wanted = `feature-mapping grace ${fm} + anomaly-detector grace ${ad}`;
    fm = Math.min(fm, Math.floor(available * 0.1));
    ad = available - fm - 1;
    notes.push(`${wanted} do not fit in ${total} records with ${minCalibration} held out for calibration; used ${fm} + ${ad}`);
  }
  if (fm < 1 || ad < 1) throw new UsageError(`grace periods must be at least 1 (feature mapping ${fm}, anomaly detector ${ad})`);
  const trainRows = fm + ad + 1;
  return { fmGrace: fm, adGrace: ad, trainRows, calibrationRows: total - trainRows, notes };
}

/** Opens the training records afresh for each pass; counts read problems into `summary`. */
export type TrainingSource = (summary: ReadSummary) => AsyncIterable<LogEntry>;

/** The records of `stream` in `files`, read in the given order (which should be time order). */
export function filesSource(files: readonly string[], stream: LogStream): TrainingSource {
  return async function* (summary: ReadSummary) {
    for (const file of files) {
      for await (const entry of readLogFile(file, { stream, summary })) {
        if (entry.stream === stream) yield entry;
      }
    }
  };
}

const PROGRESS_EVERY = 5000;

/** Train one module from `files` (read in the given order, which should be time order). */
export function trainModule(
  module: LogModule,
  files: readonly string[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  onProgress: (p: TrainProgress) => void = () => {},
): Promise<TrainResult> {
  return trainFromSource(module, filesSource(files, streamOfModule(module)), files, options, onProgress);
}

/**
 * Train one module from any source of records (e.g. only the benign records of a labelled log,
 * for `eval`). `inputs` is recorded in the model as what it was trained on.
 */
export async function trainFromSource(
  module: LogModule,
  source: TrainingSource,
  inputs: readonly string[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  onProgress: (p: TrainProgress) => void = () => {},
): Promise<TrainResult> {
  const started = performance.now();

  // Pass 1: vocabularies, count, time span.
  const scanSummary = new ReadSummary();
  const learner = options.featureLearner?.(module) ?? new VocabularyLearner(module, options.featurizer);
  let total = 0;
  let firstTs = Infinity;
  let lastTs = -Infinity;
  for await (const { record } of source(scanSummary)) {
    learner.observe(record);
    total++;
    const ts = record['ts'];
    if (typeof ts === 'number') {
      if (ts < firstTs) firstTs = ts;
      if (ts > lastTs) lastTs = ts;
    }
    if (total % PROGRESS_EVERY === 0) onProgress({ module, phase: 'scan', done: total, total: 0 });
  }
  onProgress({ module, phase: 'scan', done: total, total });
  const plan = chooseGracePeriods(total, options);
  // values first seen in the calibration part count as unseen there, as new values will live
  const featurizer = learner.build(plan.trainRows);
  const kitnetOptions: KitNETOptions = { ...DEFAULT_KITNET_OPTIONS, ...options.kitnet, fmGrace: plan.fmGrace, adGrace: plan.adGrace };
  const kitnet = new KitNET(featurizer.width, kitnetOptions);

  // Pass 2: train on the prefix, score the rest for calibration. Host context runs on across the
  // boundary, exactly as it would when the model is later used live.
  featurizer.reset();
  const summary = new ReadSummary();
  const x = new Float64Array(featurizer.width);
  const calibrationScores = new Float64Array(plan.calibrationRows);
  const featureSums = new Float64Array(featurizer.width);
  let row = 0;
  let calibrated = 0;
  let rejected = 0;
  for await (const { record } of source(summary)) {
    if (row >= total) break; // a file that grew between the passes
    featurizer.featurize(record, x);
    if (row < plan.trainRows) {
      kitnet.process(x);
      for (let i = 0; i < x.length; i++) featureSums[i]! += x[i]!;
      if (++row % PROGRESS_EVERY === 0) onProgress({ module, phase: 'train', done: row, total: plan.trainRows });
    } else {
      try {
        calibrationScores[calibrated++] = kitnet.score(x);
      } catch {
        calibrated--;
        rejected++;
      }
      if (++row % PROGRESS_EVERY === 0) onProgress({ module, phase: 'calibrate', done: row - plan.trainRows, total: plan.calibrationRows });
    }
  }
  const targetFpr = options.targetFpr;
  const benignScores = calibrationScores.subarray(0, calibrated);
  const calibration = options.thresholdMethod === 'log-normal' ? logNormalThreshold(benignScores, targetFpr) : calibrateThreshold(benignScores, targetFpr);
  onProgress({ module, phase: 'done', done: total, total });
  const notes = [...plan.notes];
  if (rejected > 0) notes.push(`${rejected} calibration records were refused by the engine (non-finite features)`);
  const featurizerState = featurizer.toState();
  const varied = Object.entries(featurizerState.seenValues).filter(([, seen]) => seen === null).map(([field]) => field);
  if (varied.length > 0) {
    notes.push(`${varied.join(', ')}: more than ${MAX_SEEN_VALUES} distinct values in training, so a value never seen before is not told apart from a rare one there`);
  }
  return {
    summary,
    notes,
    autoencoders: kitnet.featureMap().length,
    contents: {
      header: {
        module,
        schema: featurizer.schema,
        kitnetOptions,
        calibration,
        training: {
          trainRows: plan.trainRows,
          calibrationRows: calibrated,
          skipped: summary.skipped,
          firstTs: Number.isFinite(firstTs) ? firstTs : null,
          lastTs: Number.isFinite(lastTs) ? lastTs : null,
          inputs: [...inputs],
          seconds: (performance.now() - started) / 1000,
        },
        createdAt: new Date().toISOString(),
        packageVersion: packageVersion(),
      },
      featurizer: featurizerState,
      kitnet: kitnet.toState(),
      featureMeans: featureSums.map((sum) => sum / plan.trainRows),
    },
  };
}
