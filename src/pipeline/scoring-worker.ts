// Worker-thread entry for live scoring: holds its own copy of the models (and so its own
// host-context state for the hosts routed to it) and scores the batches it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import type { LogStream } from '../zeek/record.js';
import { loadScoringModel } from '../model/loaded-model.js';
import { RecordScorer, type ScorerOptions } from './record-scorer.js';
import { scoreLiveBatch, type BatchOutcome } from './live-batch.js';
import { warmUpScoring } from './warm-up.js';
import { anomalyBuffers, packAnomalies, unpackRecords, type PackedAnomalies, type PackedStrings } from './batch-transfer.js';

export interface ScoringWorkerData {
  modelFiles: string[];
  scorer: Partial<ScorerOptions>;
  /** compile the scoring code on made-up records before reporting ready (see warm-up.ts) */
  warmUp?: boolean;
}

/** A failed warm-up only means a slower first second; the models themselves loaded fine. */
async function warmUpQuietly(data: ScoringWorkerData): Promise<void> {
  try {
    await warmUpScoring(data.modelFiles, data.scorer);
  } catch {
    // the real batches will compile the code instead
  }
}

/** A LiveBatch on its way to a worker: the records packed (see batch-transfer.ts). */
export interface PackedBatch {
  stream: LogStream;
  source: string;
  records: PackedStrings;
}

/** A BatchOutcome on its way back: the anomalies packed. */
export type PackedOutcome = Omit<BatchOutcome, 'anomalies'> & { anomalies: PackedAnomalies };

export type ToScoringWorker = { kind: 'batch'; id: number; batch: PackedBatch } | { kind: 'reload'; id: number; modelFiles: string[] };

export type FromScoringWorker =
  | { kind: 'ready'; modelIds: string[] }
  | { kind: 'start-failed'; message: string }
  | { kind: 'outcome'; id: number; outcome: PackedOutcome }
  | { kind: 'reloaded'; id: number; modelIds: string[] }
  | { kind: 'reload-failed'; id: number; message: string };

async function main(data: ScoringWorkerData): Promise<void> {
  const port = parentPort!;
  let scorer: RecordScorer;
  try {
    const models = await Promise.all(data.modelFiles.map((f) => loadScoringModel(f)));
    scorer = new RecordScorer(models, data.scorer);
    if (data.warmUp) await warmUpQuietly(data);
    port.postMessage({ kind: 'ready', modelIds: models.map((m) => m.id) } satisfies FromScoringWorker);
  } catch (err) {
    port.postMessage({ kind: 'start-failed', message: (err as Error).message } satisfies FromScoringWorker);
    return;
  }
  port.on('message', (message: ToScoringWorker) => {
    if (message.kind === 'batch') {
      const { stream, source, records } = message.batch;
      const outcome = scoreLiveBatch({ stream, source, records: unpackRecords(records) }, scorer);
      const anomalies = packAnomalies(outcome.anomalies);
      const reply: FromScoringWorker = { kind: 'outcome', id: message.id, outcome: { ...outcome, anomalies } };
      port.postMessage(reply, anomalyBuffers(anomalies));
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
