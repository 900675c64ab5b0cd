// Worker-thread entry for live scoring: holds its own copy of the models (and so its own
// host-context state for the hosts routed to it) and scores the batches it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScoringModel } from '../model/loaded-model.js';
import { RecordScorer, type ScorerOptions } from './record-scorer.js';
import { scoreLiveBatch, type BatchOutcome, type LiveBatch } from './live-batch.js';

export interface ScoringWorkerData {
  modelFiles: string[];
  scorer: Partial<ScorerOptions>;
}

export type ToScoringWorker = { kind: 'batch'; id: number; batch: LiveBatch } | { kind: 'reload'; id: number; modelFiles: string[] };

export type FromScoringWorker =
  | { kind: 'ready'; modelIds: string[] }
  | { kind: 'start-failed'; message: string }
  | { kind: 'outcome'; id: number; outcome: BatchOutcome }
  | { kind: 'reloaded'; id: number; modelIds: string[] }
  | { kind: 'reload-failed'; id: number; message: string };

async function main(data: ScoringWorkerData): Promise<void> {
  const port = parentPort!;
  let scorer: RecordScorer;
  try {
    const models = await Promise.all(data.modelFiles.map((f) => loadScoringModel(f)));
    scorer = new RecordScorer(models, data.scorer);
    port.postMessage({ kind: 'ready', modelIds: models.map((m) => m.id) } satisfies FromScoringWorker);
  } catch (err) {
    port.postMessage({ kind: 'start-failed', message: (err as Error).message } satisfies FromScoringWorker);
    return;
  }
  port.on('message', (message: ToScoringWorker) => {
    if (message.kind === 'batch') {
      port.postMessage({ kind: 'outcome', id: message.id, outcome: scoreLiveBatch(message.batch, scorer) } satisfies FromScoringWorker);
      return;
    }
    // Load everything first, swap only when all loaded: a broken file leaves the old models in place.
    Promise.all(message.modelFiles.map((f) => loadScoringModel(f))).then(
      (models) => {
        for (const model of models) scorer.use(model);
        port.postMessage({ kind: 'reloaded', id: message.id, modelIds: models.map((m) => m.id) } satisfies FromScoringWorker);
      },
      (err: Error) => port.postMessage({ kind: 'reload-failed', id: message.id, message: err.message } satisfies FromScoringWorker),
    );
  });
}

if (parentPort !== null && workerData !== undefined) void main(workerData as ScoringWorkerData);
