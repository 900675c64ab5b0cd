// Scores one batch of live records (to_json strings from Zeek's log_records event) in the
// current thread: parse → score → format. Used directly, and inside each scoring worker.
import { ZeekLogParseError } from '../errors.js';
import { ScoreLineEncoder } from '../sinks/score-file.js';
import { SCORE_RATIO_BUCKETS } from '../sinks/metrics.js';
import { parseLiveRecord } from '../zeek/index.js';
import type { LogEntry, LogStream } from '../zeek/record.js';
import type { RecordScorer, ScoredRecord } from './record-scorer.js';

export interface LiveBatch {
  stream: LogStream;
  /** to_json strings as Zeek published them */
  records: string[];
  /** where they came from, for error messages (e.g. `websocket:autozeekwatch/logs/0/conn node=worker-1 seq=42`) */
  source: string;
}

/**
 * score/threshold of the batch's scored records, bucketed like SCORE_RATIO_BUCKETS (one extra
 * bucket for +Inf): workers ship this instead of one observation per record.
 */
export interface ScoreRatioHistogram {
  /** counts[i] = records with ratio ≤ SCORE_RATIO_BUCKETS[i] and above the previous bound; last = above all */
  counts: number[];
  sum: number;
}

export interface BatchOutcome {
  /** NDJSON score lines, ready to append */
  lines: string;
  scored: number;
  anomalies: ScoredRecord[];
  /** records that did not parse, by reason */
  invalid: Record<string, number>;
  /** first invalid record's message, for the log */
  firstInvalid?: string;
  /** records that parsed but could not be scored (no model, refused) */
  unscored: number;
  ratios: ScoreRatioHistogram;
}

export function emptyRatioHistogram(): ScoreRatioHistogram {
  return { counts: new Array<number>(SCORE_RATIO_BUCKETS.length + 1).fill(0), sum: 0 };
}

export function emptyOutcome(): BatchOutcome {
  return { lines: '', scored: 0, anomalies: [], invalid: {}, unscored: 0, ratios: emptyRatioHistogram() };
}

function observeRatio(histogram: ScoreRatioHistogram, score: number, threshold: number): void {
  // a broken model (threshold ≤ 0, non-finite score) must not poison the histogram
  if (!(threshold > 0) || !Number.isFinite(score)) return;
  const ratio = score / threshold;
  let i = 0;
  while (i < SCORE_RATIO_BUCKETS.length && ratio > SCORE_RATIO_BUCKETS[i]!) i++;
  histogram.counts[i]!++;
  histogram.sum += ratio;
}

/**
 * Where this thread encodes a batch's lines, reused: batches are scored one at a time, each taking its text out at
 * the end. Sized for a batch of typical lines (~300 bytes); explanations or a huge batch make it grow.
 */
const batchLines = new ScoreLineEncoder(64 * 1024);

export function scoreLiveBatch(batch: LiveBatch, scorer: RecordScorer): BatchOutcome {
  const outcome = emptyOutcome();
  const lines = batchLines;
  lines.length = 0; // an earlier batch that threw midway may have left lines
  const entries: LogEntry[] = [];
  let line = 0;
  for (const json of batch.records) {
    line++;
    const source = { file: batch.source, line };
    try {
      entries.push({ stream: batch.stream, record: parseLiveRecord(json, source), source });
    } catch (err) {
      const reason = err instanceof ZeekLogParseError ? err.reason : 'invalid-record';
      outcome.invalid[reason] = (outcome.invalid[reason] ?? 0) + 1;
      outcome.firstInvalid ??= (err as Error).message;
    }
  }
  scorer.scoreAll(entries, (scored) => {
    outcome.scored++;
    lines.add(scored);
    observeRatio(outcome.ratios, scored.score, scored.threshold);
    if (scored.anomalous) outcome.anomalies.push(scored);
  });
  outcome.unscored = entries.length - outcome.scored;
  outcome.lines = lines.takeText();
  return outcome;
}

/** Adds `from` into `into` (merging the parts of a batch scored on several workers). */
export function addOutcome(into: BatchOutcome, from: BatchOutcome): void {
  into.lines += from.lines;
  into.scored += from.scored;
  into.unscored += from.unscored;
  for (const a of from.anomalies) into.anomalies.push(a);
  for (const [reason, count] of Object.entries(from.invalid)) into.invalid[reason] = (into.invalid[reason] ?? 0) + count;
  into.firstInvalid ??= from.firstInvalid;
  for (let i = 0; i < into.ratios.counts.length; i++) into.ratios.counts[i]! += from.ratios.counts[i] ?? 0;
  into.ratios.sum += from.ratios.sum;
}
