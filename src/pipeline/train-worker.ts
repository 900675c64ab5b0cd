// Worker-thread entry: trains one module and saves its model, reporting progress to the parent.
import { parentPort, workerData } from 'node:worker_threads';
import { saveModel, type ModelHeader } from '../model/model-file.js';
import { trainModule, type TrainOptions, type TrainProgress } from './train-module.js';
import type { LogModule } from '../zeek/record.js';

export interface TrainJob {
  module: LogModule;
  files: string[];
  options: TrainOptions;
  modelFile: string;
}

export type TrainWorkerMessage =
  | { kind: 'progress'; progress: TrainProgress }
  | { kind: 'done'; modelId: string; notes: string[]; summaryText: string; skipped: number; header: ModelHeader; autoencoders: number }
  | { kind: 'failed'; message: string; code?: string };

async function run(job: TrainJob): Promise<void> {
  const port = parentPort!;
  try {
    const result = await trainModule(job.module, job.files, job.options, (progress) => port.postMessage({ kind: 'progress', progress } satisfies TrainWorkerMessage));
    const modelId = await saveModel(job.modelFile, result.contents);
    port.postMessage({
      kind: 'done',
      modelId,
      notes: result.notes,
      summaryText: result.summary.format(),
      skipped: result.summary.skipped,
      header: result.contents.header,
      autoencoders: result.autoencoders,
    } satisfies TrainWorkerMessage);
  } catch (err) {
    const e = err as Error & { code?: string };
    port.postMessage({ kind: 'failed', message: e.message, code: e.code } satisfies TrainWorkerMessage);
  }
}

if (parentPort !== null && workerData !== undefined) void run(workerData as TrainJob);
