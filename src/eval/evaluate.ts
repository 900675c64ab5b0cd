// One evaluation run: read labelled logs, split them in time, train each module on the non-attack
// records of the earlier period (trainFromSource), score the later period (RecordScorer) and measure.
// Records of one stream are held in memory: eval is for labelled evaluation sets, not whole archives.
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { KitNET, logTailProbability } from '../kitnet/index.js';
import { describeCalibration, type CalibrationMethod } from '../kitnet/threshold.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { restoreModel } from '../model/loaded-model.js';
import type { ModelContents } from '../model/model-file.js';
import { RecordScorer, type ScoredRecord } from '../pipeline/record-scorer.js';
import { trainFromSource, type TrainOptions } from '../pipeline/train-module.js';
import { findLogFiles, readLogFile, ReadSummary } from '../zeek/index.js';
import { streamNameOfFile } from '../zeek/log-file.js';
import { isLogStream, streamOfModule, type LogEntry, type LogModule, type LogStream } from '../zeek/record.js';
import { checkAlertRate, type AlertRateCheck } from './alert-rate.js';
import { readUidLabels, RecordLabeller, type LabelOptions, type RecordLabel } from './labels.js';
import { detectionMetrics, scoreHistogram, type DetectionMetrics, type LabelledScore, type ScoreHistogram } from './metrics.js';
import { createOriginalFeaturizer, originalFeatureLearner } from './original-features.js';
import { sortByTime, splitByTime, type TimeSplit } from './split.js';

export type FeatureSet = 'default' | 'original';
/** `non-attack`: benign and unknown records train the model; `benign`: only records labelled benign. */
export type TrainOn = 'non-attack' | 'benign';

export interface EvalOptions {
  /** log directories (zeekctl layout or flat) and/or log files; the test period (and training period, without trainFrom) */
  inputs: string[];
  /** separate training logs: when given, all of `inputs` is the test period and no split is made */
  trainFrom?: string[];
  modules: LogModule[];
  labels: Partial<LabelOptions>;
  /** `uid,label` CSV of attack records */
  labelsCsv?: string;
  split: TimeSplit;
  trainOn: TrainOn;
  featureSet: FeatureSet;
  /** trainFromSource options (targetFpr, calibrationFraction, featurizer, kitnet) */
  train: TrainOptions;
  /** a line of progress for the operator (stderr) */
  onProgress?: (message: string) => void;
}

export const DEFAULT_EVAL_SPLIT: TimeSplit = { kind: 'fraction', fraction: 0.5 };

/** A benign record that scored high: what an analyst would have been paged for. */
export interface FalsePositiveExample {
  uid: string | null;
  ts: number | null;
  origH: string | null;
  respH: string | null;
  respP: number | null;
  score: number;
  because: string[];
}

export interface ModuleEvaluation {
  module: LogModule;
  /** set when the module could not be evaluated (e.g. too few training records); other fields are then partial */
  error?: string;
  files: string[];
  trainFiles: string[];
  /** first instant of the test period; null with --train-from */
  cutTs: number | null;
  counts: {
    /** records read (both periods, or test + --train-from) */
    read: number;
    /** records without a usable ts (cannot be placed in time; left out) */
    untimed: number;
    /** records the model trained and calibrated on */
    training: number;
    /** attack records of the training period, withheld */
    withheldAttacks: number;
    /** records of the test period */
    testing: number;
    testAttacks: number;
    testBenign: number;
    /** test records labelled unknown: scored (host context sees them) but not measured */
    testUnknown: number;
    /** test records the engine refused (non-finite features) */
    rejected: number;
  };
  threshold: number | null;
  /**
   * How the threshold was calibrated: the log-normal fitted to the calibration scores (ln S ~ N(mu, sigma²)),
   * the method, the number of calibration scores and of tail scores, the largest calibration score, and
   * the false-positive rate expected at the threshold (the target unless the threshold was capped).
   */
  calibration: {
    mu: number;
    sigma: number;
    method: CalibrationMethod;
    samples: number;
    tailSamples: number | null;
    maxScore: number | null;
    expectedFpr: number;
    /** describeCalibration's sentence */
    summary: string;
  } | null;
  /** the benign alert rate against ALERT_RATE_TOLERANCE × target, with a 95 % interval; null until scored */
  alertRate: AlertRateCheck | null;
  targetFpr: number;
  metrics: DetectionMetrics | null;
  histogram: ScoreHistogram | null;
  topFalsePositives: FalsePositiveExample[];
  notes: string[];
}

export interface EvalReport {
  format: 'autozeekwatch.eval';
  version: 1;
  createdAt: string;
  featureSet: FeatureSet;
  inputs: string[];
  trainFrom: string[] | null;
  split: TimeSplit | null;
  trainOn: TrainOn;
  /** the ground truth in words, e.g. `label column "label" (benign: Benign; unknown: Background, Unknown)` */
  labelSources: string[];
  targetFpr: number;
  modules: ModuleEvaluation[];
  /**
   * All modules pooled. Scores of different models are not comparable, so records are ranked by
   * −ln P(benign score ≥ s) under their own model's calibrated log-normal.
   */
  overall: DetectionMetrics;
  /** all modules' benign alerts against the target (each module alerts at its own threshold) */
  overallAlertRate: AlertRateCheck;
  labelProblems: string[];
  /** uids of the --labels CSV that no record read carried */
  unmatchedUids: { count: number; examples: string[] };
  read: { records: number; skipped: number; byReason: Record<string, number> };
}

interface LabelledEntry {
  entry: LogEntry;
  label: RecordLabel;
  ts: number;
}

const FALSE_POSITIVE_EXAMPLES = 5;

/** Runs the evaluation. Throws UsageError for bad inputs (missing files, no ground truth). */
export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  const progress = options.onProgress ?? (() => {});
  const uidLabels = options.labelsCsv !== undefined ? await readUidLabels(options.labelsCsv) : undefined;
  const labeller = new RecordLabeller(options.labels, uidLabels);
  const streams = options.modules.map(streamOfModule);
  const testFiles = await expandInputs(options.inputs, streams);
  const trainFiles = options.trainFrom !== undefined ? await expandInputs(options.trainFrom, streams) : undefined;
  const readSummary = new ReadSummary();

  const modules: ModuleEvaluation[] = [];
  const pooled: LabelledScore[] = [];
  for (const module of options.modules) {
    const stream = streamOfModule(module);
    progress(`${module}: reading`);
    const result = await evaluateModule(module, testFiles.get(stream) ?? [], trainFiles?.get(stream), labeller, readSummary, options, progress);
    modules.push(result.evaluation);
    pooled.push(...result.pooled);
  }

  const unmatched = labeller.unmatchedUids();
  const overall = detectionMetrics(pooled);
  return {
    format: 'autozeekwatch.eval',
    version: 1,
    createdAt: new Date().toISOString(),
    featureSet: options.featureSet,
    inputs: [...options.inputs],
    trainFrom: options.trainFrom ? [...options.trainFrom] : null,
    split: options.trainFrom ? null : options.split,
    trainOn: options.trainOn,
    labelSources: describeLabelSources(options),
    targetFpr: options.train.targetFpr,
    modules,
    overall,
    overallAlertRate: checkAlertRate(overall.falsePositives, overall.benign, options.train.targetFpr, pooledExpectedRate(modules, options.train.targetFpr)),
    labelProblems: uidLabels?.problems ?? [],
    unmatchedUids: { count: unmatched.length, examples: unmatched.slice(0, 10) },
    read: { records: readSummary.records, skipped: readSummary.skipped, byReason: Object.fromEntries(readSummary.byReason) },
  };
}

async function evaluateModule(
  module: LogModule,
  files: string[],
  trainFilesOfStream: string[] | undefined,
  labeller: RecordLabeller,
  readSummary: ReadSummary,
  options: EvalOptions,
  progress: (message: string) => void,
): Promise<{ evaluation: ModuleEvaluation; pooled: LabelledScore[] }> {
  const stream = streamOfModule(module);
  const evaluation: ModuleEvaluation = {
    module,
    files,
    trainFiles: trainFilesOfStream ?? files,
    cutTs: null,
    counts: { read: 0, untimed: 0, training: 0, withheldAttacks: 0, testing: 0, testAttacks: 0, testBenign: 0, testUnknown: 0, rejected: 0 },
    threshold: null,
    calibration: null,
    alertRate: null,
    targetFpr: options.train.targetFpr,
    metrics: null,
    histogram: null,
    topFalsePositives: [],
    notes: [],
  };
  const read = async (list: string[]): Promise<LabelledEntry[]> => {
    const entries = await readLabelled(list, stream, labeller, readSummary);
    evaluation.counts.read += entries.length;
    const { sorted, untimed } = sortByTime(entries, (e) => e.ts);
    evaluation.counts.untimed += untimed.length;
    return sorted;
  };

  let earlier: LabelledEntry[];
  let later: LabelledEntry[];
  if (trainFilesOfStream !== undefined) {
    earlier = await read(trainFilesOfStream);
    later = await read(files);
  } else {
    const split = splitByTime(await read(files), options.split, (e) => e.ts);
    earlier = split.earlier;
    later = split.later;
    evaluation.cutTs = split.cutTs;
  }
  if (evaluation.counts.untimed > 0) evaluation.notes.push(`${evaluation.counts.untimed} records without a timestamp were left out`);

  const training = earlier.filter((e) => (options.trainOn === 'benign' ? e.label.verdict === 'benign' : e.label.verdict !== 'attack'));
  evaluation.counts.withheldAttacks = earlier.filter((e) => e.label.verdict === 'attack').length;
  evaluation.counts.training = training.length;
  evaluation.counts.testing = later.length;

  let contents: ModelContents;
  try {
    progress(`${module}: training on ${training.length} records`);
    const trainOptions: TrainOptions = {
      ...options.train,
      ...(options.featureSet === 'original' && { featureLearner: originalFeatureLearner }),
    };
    const result = await trainFromSource(
      module,
      async function* () {
        for (const e of training) yield e.entry;
      },
      evaluation.trainFiles,
      trainOptions,
    );
    contents = result.contents;
    evaluation.notes.push(...result.notes);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    evaluation.error = `cannot train: ${err.message}`;
    return { evaluation, pooled: [] };
  }

  const model = scoringModel(module, contents, options.featureSet);
  evaluation.threshold = model.calibration.threshold;
  const calibration = model.calibration;
  evaluation.calibration = {
    mu: calibration.mu,
    sigma: calibration.sigma,
    method: calibration.method ?? 'log-normal',
    samples: calibration.samples,
    tailSamples: calibration.tail?.samples ?? null,
    maxScore: calibration.maxScore ?? null,
    expectedFpr: calibration.expectedFpr ?? calibration.targetFpr,
    summary: describeCalibration(calibration),
  };
  progress(`${module}: scoring ${later.length} records`);
  const scorer = new RecordScorer([model]);
  const measured: LabelledScore[] = [];
  const pooled: LabelledScore[] = [];
  const benignScored: ScoredRecord[] = [];
  for (const { entry, label } of later) {
    const scored = scorer.score(entry);
    if (scored === undefined) {
      evaluation.counts.rejected++;
      continue;
    }
    if (label.verdict === 'unknown') {
      evaluation.counts.testUnknown++;
      continue;
    }
    const attack = label.verdict === 'attack';
    if (attack) evaluation.counts.testAttacks++;
    else {
      evaluation.counts.testBenign++;
      keepHighest(benignScored, scored, FALSE_POSITIVE_EXAMPLES);
    }
    const common = { attack, alerted: scored.anomalous, ...(label.attackLabel !== undefined && { attackLabel: label.attackLabel }) };
    measured.push({ score: scored.score, ...common });
    pooled.push({ score: -logTailProbability(scored.score, model.calibration), ...common });
  }
  evaluation.metrics = detectionMetrics(measured);
  evaluation.alertRate = checkAlertRate(evaluation.metrics.falsePositives, evaluation.metrics.benign, evaluation.targetFpr, evaluation.calibration.expectedFpr);
  evaluation.histogram = scoreHistogram(measured);
  evaluation.topFalsePositives = benignScored
    .filter((s) => s.anomalous)
    .map((s) => ({ uid: s.uid, ts: s.ts, origH: s.origH, respH: s.respH, respP: s.respP, score: s.score, because: s.top.map((t) => t.says) }));
  if (evaluation.counts.testAttacks === 0) evaluation.notes.push('no attack records in the test period: ROC AUC and recall are undefined');
  if (evaluation.counts.testBenign === 0) evaluation.notes.push('no benign records in the test period: ROC AUC and the false-positive rate are undefined');
  return { evaluation, pooled };
}

/** Benign-weighted mean of the modules' expected false-positive rates (the target for modules without one). */
function pooledExpectedRate(modules: readonly ModuleEvaluation[], target: number): number {
  let benign = 0;
  let expected = 0;
  for (const m of modules) {
    const n = m.metrics?.benign ?? 0;
    benign += n;
    expected += n * (m.calibration?.expectedFpr ?? target);
  }
  return benign === 0 ? target : expected / benign;
}

/** The trained model as RecordScorer needs it, without a round trip through a file. */
function scoringModel(module: LogModule, contents: ModelContents, featureSet: FeatureSet): LoadedModel {
  const id = `eval-${module.toLowerCase()}-${featureSet}`;
  if (featureSet === 'default') return restoreModel({ ...contents, id, file: '(eval, in memory)' });
  return {
    id,
    file: '(eval, in memory)',
    module,
    header: contents.header,
    featurizer: createOriginalFeaturizer(module),
    kitnet: KitNET.fromState(contents.kitnet),
    calibration: contents.header.calibration,
    featureMeans: contents.featureMeans,
  };
}

/** Keeps the `limit` highest-scoring records in `kept`, highest first. */
function keepHighest(kept: ScoredRecord[], candidate: ScoredRecord, limit: number): void {
  if (kept.length === limit && kept[limit - 1]!.score >= candidate.score) return;
  kept.push(candidate);
  kept.sort((a, b) => b.score - a.score);
  if (kept.length > limit) kept.pop();
}

async function readLabelled(files: readonly string[], stream: LogStream, labeller: RecordLabeller, summary: ReadSummary): Promise<LabelledEntry[]> {
  const out: LabelledEntry[] = [];
  for (const file of files) {
    for await (const entry of readLogFile(file, { stream, summary })) {
      const ts = entry.record['ts'];
      out.push({ entry, label: labeller.label(entry.record), ts: typeof ts === 'number' ? ts : Number.NaN });
    }
  }
  return out;
}

/**
 * Log files per stream from directories (zeekctl layout or flat, see findLogFiles) and files (their
 * stream is the part of the name before the first dot). Throws UsageError for a path that does not exist.
 */
export async function expandInputs(inputs: readonly string[], streams: readonly LogStream[]): Promise<Map<LogStream, string[]>> {
  const out = new Map<LogStream, string[]>(streams.map((s) => [s, []]));
  for (const input of inputs) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(input)).isDirectory();
    } catch {
      throw new UsageError(`${input}: no such file or directory`);
    }
    if (isDirectory) {
      for (const [stream, files] of await findLogFiles(input, { streams })) out.get(stream)!.push(...files);
    } else {
      const stream = streamNameOfFile(input);
      if (isLogStream(stream) && out.has(stream)) out.get(stream)!.push(input);
    }
  }
  return out;
}

function describeLabelSources(options: EvalOptions): string[] {
  const l = options.labels;
  const sources: string[] = [];
  if (l.labelColumn !== undefined) {
    sources.push(
      `label column "${l.labelColumn}" (benign: ${(l.benignLabels ?? ['Benign']).join(', ')}; unknown, not measured: empty and ${(l.unknownLabels ?? ['Background', 'Unknown']).filter((u) => !(l.benignLabels ?? ['Benign']).some((b) => b.toLowerCase() === u.toLowerCase())).join(', ') || 'nothing else'}; anything else: attack, family from "${l.detailColumn ?? 'detailedlabel'}")`,
    );
  }
  if (l.attackers !== undefined && l.attackers.length > 0) sources.push(`attackers (${l.attackerRole ?? 'originator'}): ${l.attackers.join(', ')}`);
  if (l.attackPorts !== undefined && l.attackPorts.length > 0) sources.push(`attack responder ports: ${l.attackPorts.join(', ')}`);
  if (options.labelsCsv !== undefined) sources.push(`uid,label CSV ${options.labelsCsv} (listed uids are attacks)`);
  return sources;
}

