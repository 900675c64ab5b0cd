// Live scoring on worker threads. Records are routed by originator address, so every record of
// one host reaches the same worker and its host-context features stay correct (the same idea as
// the Zeek package's sharded topics, one level down).
import { Worker } from 'node:worker_threads';
import { fnv1a32 } from '../replay/shard.js';
import { loadScoringModel, type LoadedModel } from '../model/loaded-model.js';
import { RecordScorer } from './record-scorer.js';
import { addOutcome, emptyOutcome, scoreLiveBatch } from './live-batch.js';
import type { ScoringEngine } from './live-scoring.js';
import type { BatchOutcome, LiveBatch } from './live-batch.js';
import { packRecords, unpackAnomalies } from './batch-transfer.js';
import type { FromScoringWorker, ScoringWorkerData, ToScoringWorker } from './scoring-worker.js';
import type { ScorerOptions } from './record-scorer.js';

interface Pending {
  resolve: (value: FromScoringWorker) => void;
}

class ScoringWorkerHandle {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromScoringWorker) => {
      if ('id' in message) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        p?.resolve(message);
      }
    });
  }

  static start(data: ScoringWorkerData): Promise<ScoringWorkerHandle> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./scoring-worker.js', import.meta.url), { workerData: data });
      const onMessage = (message: FromScoringWorker) => {
        worker.off('message', onMessage);
        if (message.kind === 'ready') resolve(new ScoringWorkerHandle(worker));
        else if (message.kind === 'start-failed') {
          void worker.terminate();
          reject(new Error(message.message));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  request(message: ToScoringWorker, transfer: ArrayBuffer[] = []): Promise<FromScoringWorker> {
    return new Promise((resolve) => {
      this.pending.set(message.id, { resolve });
      this.worker.postMessage(message, transfer);
    });
  }

  id(): number {
    return this.nextId++;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Where a to_json string names its originator, without parsing the whole record. */
export function originatorOf(json: string): string {
  const at = json.indexOf('"orig_h":"');
  if (at < 0) return '';
  const start = at + 10;
  const end = json.indexOf('"', start);
  return end < 0 ? '' : json.slice(start, end);
}

export class ScoringPool implements ScoringEngine {
  private constructor(private readonly workers: ScoringWorkerHandle[]) {}

  /** `warmUp`: each worker compiles the scoring code on made-up records before it reports ready. */
  static async start(modelFiles: string[], threads: number, scorer: Partial<ScorerOptions> = {}, options: { warmUp?: boolean } = {}): Promise<ScoringPool> {
    const workers = await Promise.all(Array.from({ length: threads }, () => ScoringWorkerHandle.start({ modelFiles, scorer, warmUp: options.warmUp ?? false })));
    return new ScoringPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Score a batch; the lines of the merged outcome are grouped by worker. */
  async submit(batch: LiveBatch): Promise<BatchOutcome> {
    const n = this.workers.length;
    if (n === 1) return this.send(0, batch);
    const parts: string[][] = Array.from({ length: n }, () => []);
    for (const json of batch.records) parts[fnv1a32(originatorOf(json)) % n]!.push(json);
    const outcomes = await Promise.all(parts.map((records, i) => (records.length > 0 ? this.send(i, { ...batch, records }) : undefined)));
    return mergeOutcomes(outcomes.filter((o): o is BatchOutcome => o !== undefined));
  }

  private async send(index: number, batch: LiveBatch): Promise<BatchOutcome> {
    const worker = this.workers[index]!;
    const records = packRecords(batch.records);
    const reply = await worker.request(
      { kind: 'batch', id: worker.id(), batch: { stream: batch.stream, source: batch.source, records } },
      [records.lengths.buffer as ArrayBuffer],
    );
    if (reply.kind !== 'outcome') throw new Error(`scoring worker answered ${reply.kind} to a batch`);
    return { ...reply.outcome, anomalies: unpackAnomalies(reply.outcome.anomalies) };
  }

  /** Load new model files in every worker; all-or-nothing per worker, old models stay on failure. */
  async reload(modelFiles: string[]): Promise<string[]> {
    const replies = await Promise.all(this.workers.map((w) => w.request({ kind: 'reload', id: w.id(), modelFiles })));
    const failed = replies.find((r) => r.kind === 'reload-failed');
    if (failed !== undefined && failed.kind === 'reload-failed') throw new Error(failed.message);
    const first = replies[0];
    return first !== undefined && first.kind === 'reloaded' ? first.modelIds : [];
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function mergeOutcomes(outcomes: BatchOutcome[]): BatchOutcome {
  const merged = emptyOutcome();
  for (const o of outcomes) addOutcome(merged, o);
  return merged;
}

/** Scores in the calling thread: for one core, tests, and as the baseline of the thread benchmark. */
export class InlineScoringEngine implements ScoringEngine {
  readonly scorer: RecordScorer;

  constructor(models: Iterable<LoadedModel>, options: Partial<ScorerOptions> = {}) {
    this.scorer = new RecordScorer(models, options);
  }

  async submit(batch: LiveBatch): Promise<BatchOutcome> {
    return scoreLiveBatch(batch, this.scorer);
  }

  async reload(modelFiles: string[]): Promise<string[]> {
    const models = await Promise.all(modelFiles.map((f) => loadScoringModel(f)));
    for (const model of models) this.scorer.use(model);
    return models.map((m) => m.id);
  }

  async close(): Promise<void> {}
}
