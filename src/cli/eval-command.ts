// `autozeekwatch eval`: measure detection on labelled logs (train on the earlier benign period,
// score the later one) and report ROC AUC, PR AUC, recall and alert rates as text, JSON and HTML.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { DEFAULT_FEATURIZER_OPTIONS } from '../features/index.js';
import { evaluate, type FeatureSet, type TrainOn } from '../eval/evaluate.js';
import { DEFAULT_LABEL_OPTIONS, type AttackerRole } from '../eval/labels.js';
import { writeHtmlReport } from '../eval/report-html.js';
import { writeJsonReport } from '../eval/report-json.js';
import { formatTextReport } from '../eval/report-text.js';
import { parseSplitTimestamp, type TimeSplit } from '../eval/split.js';
import { DEFAULT_TRAIN_OPTIONS, THRESHOLD_METHODS, type ThresholdMethod } from '../pipeline/train-module.js';
import type { LogModule } from '../zeek/record.js';
import { collectStrings, modulesOption, parseFraction } from './options.js';

interface EvalCliOptions {
  logDir?: string[];
  modules?: LogModule[];
  trainFrom?: string[];
  labels?: string;
  labelColumn?: string;
  detailColumn: string;
  benignLabels?: string[];
  unknownLabels?: string[];
  attackers?: string[];
  attackerRole: AttackerRole;
  attackPorts?: number[];
  split?: number;
  splitTs?: string;
  trainOn: TrainOn;
  targetFpr: number;
  thresholdMethod: ThresholdMethod;
  calibrationFraction: number;
  featureSet: FeatureSet;
  localNets?: string[];
  json?: string;
  html?: string;
  progress: boolean;
}

function collectPorts(value: string, previous: number[] | undefined): number[] {
  const out = [...(previous ?? [])];
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const port = Number(part);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`expected a port 0–65535, got "${part}"`);
    out.push(port);
  }
  return out;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('measure detection on labelled Zeek logs: train on the earlier (non-attack) period, score the later one')
    .argument('[files...]', 'log files or directories to evaluate (as well as or instead of --log-dir)')
    .option('--log-dir <dir...>', 'Zeek log directory (zeekctl layout or a folder with conn.log etc.)')
    // no commander default: it would be passed to collectModules as `previous`, so `--modules SSH` meant CONN + SSH
    .addOption(modulesOption('modules to evaluate (default CONN)'))
    .option('--train-from <path...>', 'train on these logs instead of the earlier part of the evaluated ones (no split then)')
    .option('--labels <csv>', 'uid,label CSV: every listed uid is an attack, every other record benign')
    .option('--label-column <name>', 'per-record label column, e.g. label (Stratosphere *.labeled.log)')
    .option('--detail-column <name>', 'column naming the attack family, for recall per label', DEFAULT_LABEL_OPTIONS.detailColumn)
    .option('--benign-labels <labels...>', `label-column values that mean benign (default ${DEFAULT_LABEL_OPTIONS.benignLabels.join(',')}; add Background to count it as benign)`, collectStrings)
    .option('--unknown-labels <labels...>', `label-column values left out of the metrics (default ${DEFAULT_LABEL_OPTIONS.unknownLabels.join(',')}; an empty label is always unknown)`, collectStrings)
    .option('--attackers <cidr...>', 'records whose originator (see --attacker-role) is in these networks are attacks', collectStrings)
    .addOption(new Option('--attacker-role <role>', 'which end of a record --attackers matches').choices(['originator', 'responder', 'either']).default('originator'))
    .option('--attack-ports <port...>', 'records to these responder ports are attacks', collectPorts)
    .option('--split <fraction>', 'share of the records (in time order) that forms the training period (default 0.5)', parseFraction)
    .option('--split-ts <time>', 'first instant of the test period: epoch seconds or ISO 8601')
    .addOption(new Option('--train-on <which>', 'training records of the earlier period: all but attacks, or only those labelled benign').choices(['non-attack', 'benign']).default('non-attack'))
    .option('--target-fpr <p>', 'alerts wanted per benign record (1e-4 = one per 10,000)', parseFraction, DEFAULT_TRAIN_OPTIONS.targetFpr)
    .addOption(new Option('--threshold-method <method>', 'tail: power-law tail of the top calibration scores; log-normal: KitNET spec §7').choices(THRESHOLD_METHODS).default(DEFAULT_TRAIN_OPTIONS.thresholdMethod))
    .option('--calibration-fraction <x>', 'share of the training records held out to calibrate the threshold', parseFraction, DEFAULT_TRAIN_OPTIONS.calibrationFraction)
    .addOption(new Option('--feature-set <set>', "features: this project's, or the original tool's fixed lists (no host context)").choices(['default', 'original']).default('default'))
    .option('--local-nets <cidr...>', `local networks (default ${DEFAULT_FEATURIZER_OPTIONS.localNets.join(' ')})`, collectStrings)
    .option('--json <file>', 'write the full report as JSON')
    .option('--html <file>', 'write a self-contained HTML report with ROC curves and score histograms')
    .option('--no-progress', 'no progress lines on stderr')
    .action(async (files: string[], opts: EvalCliOptions) => {
      await runEval(files, opts);
    });
}

async function runEval(files: string[], opts: EvalCliOptions): Promise<void> {
  const inputs = [...(opts.logDir ?? []), ...files];
  if (inputs.length === 0) throw new UsageError('eval: give --log-dir DIR or log files to evaluate');
  if (opts.split !== undefined && opts.splitTs !== undefined) throw new UsageError('eval: give --split or --split-ts, not both');
  if (opts.trainFrom !== undefined && (opts.split !== undefined || opts.splitTs !== undefined)) {
    throw new UsageError('eval: --train-from trains on other logs, so --split/--split-ts do not apply');
  }
  const split: TimeSplit = opts.splitTs !== undefined ? { kind: 'timestamp', ts: parseSplitTimestamp(opts.splitTs) } : { kind: 'fraction', fraction: opts.split ?? 0.5 };
  const report = await evaluate({
    inputs,
    ...(opts.trainFrom !== undefined && { trainFrom: opts.trainFrom }),
    modules: opts.modules ?? ['CONN'],
    labels: {
      ...(opts.labelColumn !== undefined && { labelColumn: opts.labelColumn }),
      detailColumn: opts.detailColumn,
      benignLabels: opts.benignLabels ?? DEFAULT_LABEL_OPTIONS.benignLabels,
      unknownLabels: opts.unknownLabels ?? DEFAULT_LABEL_OPTIONS.unknownLabels,
      attackers: opts.attackers ?? [],
      attackerRole: opts.attackerRole,
      attackPorts: opts.attackPorts ?? [],
    },
    ...(opts.labels !== undefined && { labelsCsv: opts.labels }),
    split,
    trainOn: opts.trainOn,
    featureSet: opts.featureSet,
    train: {
      ...DEFAULT_TRAIN_OPTIONS,
      calibrationFraction: opts.calibrationFraction,
      targetFpr: opts.targetFpr,
      thresholdMethod: opts.thresholdMethod,
      featurizer: opts.localNets !== undefined ? { localNets: opts.localNets } : {},
    },
    onProgress: opts.progress ? (message) => process.stderr.write(`eval: ${message}\n`) : undefined,
  });
  process.stdout.write(formatTextReport(report));
  if (opts.json !== undefined) await writeJsonReport(opts.json, report);
  if (opts.html !== undefined) await writeHtmlReport(opts.html, report);
}
