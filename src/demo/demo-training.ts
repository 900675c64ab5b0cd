// Step 1 of the demo: trains one model per module on the benign archive, each on its own worker thread
// running the same train-worker the `train` command uses, and describes each result in one line.
import { Worker } from 'node:worker_threads';
import { modelPath } from '../model/model-file.js';
import type { TrainJob, TrainWorkerMessage } from '../pipeline/train-worker.js';
import { DEFAULT_TRAIN_OPTIONS } from '../pipeline/train-module.js';
import { findLogFiles } from '../zeek/index.js';
import { streamOfModule, type LogModule } from '../zeek/record.js';

/** What the demo prints per trained module. */
export interface TrainedModule {
  module: LogModule;
  modelFile: string;
  modelId: string;
  /** records that trained the feature map and autoencoders */
  trainRecords: number;
  /** held-out benign records that calibrated the threshold */
  calibrationRecords: number;
  features: number;
  autoencoders: number;
  threshold: number;
  notes: string[];
}

/** A module that could not be trained (no logs, too few records, a worker failure). */
export interface UntrainedModule {
  module: LogModule;
  reason: string;
}

export interface DemoTrainingResult {
  trained: TrainedModule[];
  untrained: UntrainedModule[];
}

/** Trains `modules` from the zeekctl-layout archive `logDir` into `modelDir`, all modules in parallel. */
export async function trainDemoModels(logDir: string, modelDir: string, modules: readonly LogModule[]): Promise<DemoTrainingResult> {
  const filesByStream = await findLogFiles(logDir, { streams: modules.map(streamOfModule) });
  const untrained: UntrainedModule[] = [];
  const jobs: TrainJob[] = [];
  for (const module of modules) {
    const files = filesByStream.get(streamOfModule(module)) ?? [];
    if (files.length === 0) untrained.push({ module, reason: `no ${streamOfModule(module)} logs under ${logDir}` });
    else jobs.push({ module, files, options: DEFAULT_TRAIN_OPTIONS, modelFile: modelPath(modelDir, module) });
  }
  const outcomes = await Promise.all(jobs.map(runTrainWorker));
  const trained: TrainedModule[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const job = jobs[i]!;
    if (outcome.kind === 'failed') {
      untrained.push({ module: job.module, reason: outcome.message });
      continue;
    }
    trained.push({
      module: job.module,
      modelFile: job.modelFile,
      modelId: outcome.modelId,
      trainRecords: outcome.header.training.trainRows,
      calibrationRecords: outcome.header.training.calibrationRows,
      features: outcome.header.schema.names.length,
      autoencoders: outcome.autoencoders,
      threshold: outcome.header.calibration.threshold,
      notes: outcome.notes,
    });
  }
  return { trained, untrained };
}

/** One line per module, e.g. `CONN  12285 records (1229 calibrate the threshold)  101 features  36 autoencoders  threshold 0.1389`. */
export function describeTrainedModule(t: TrainedModule): string {
  return `${t.module.padEnd(4)}  ${String(t.trainRecords + t.calibrationRecords).padStart(6)} records ` +
    `(${t.calibrationRecords} calibrate the threshold)  ${t.features} features  ${t.autoencoders} autoencoders  ` +
    `threshold ${t.threshold.toPrecision(4)}`;
}

type WorkerOutcome = Extract<TrainWorkerMessage, { kind: 'done' | 'failed' }>;

function runTrainWorker(job: TrainJob): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('../pipeline/train-worker.js', import.meta.url), { workerData: job });
    let outcome: WorkerOutcome | undefined;
    worker.on('message', (message: TrainWorkerMessage) => {
      if (message.kind !== 'progress') outcome = message;
    });
    worker.on('error', (err) => {
      outcome ??= { kind: 'failed', message: err.message };
    });
    worker.on('exit', (code) => resolve(outcome ?? { kind: 'failed', message: `training worker exited with code ${code}` }));
  });
}
