// Scores one batch of live records (to_json strings from Zeek's log_records event) in the
// current thread: parse → score → format. Used directly, and inside each scoring worker.
import { ZeekLogParseError } from '../errors.js';
import { formatScoreLine } from '../sinks/score-file.js';
import { parseLiveRecord } from '../zeek/index.js';
import type { LogStream } from '../zeek/record.js';
import type { RecordScorer, ScoredRecord } from './record-scorer.js';

export interface LiveBatch {
  stream: LogStream;
  /** to_json strings as Zeek published them */
  records: string[];
  /** where they came from, for error messages (e.g. `websocket:autozeekwatch/logs/0/conn node=worker-1 seq=42`) */
  source: string;
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
}

export function scoreLiveBatch(batch: LiveBatch, scorer: RecordScorer): BatchOutcome {
  const outcome: BatchOutcome = { lines: '', scored: 0, anomalies: [], invalid: {}, unscored: 0 };
  let line = 0;
  for (const json of batch.records) {
    line++;
    let record;
    try {
      record = parseLiveRecord(json, { file: batch.source, line });
    } catch (err) {
      const reason = err instanceof ZeekLogParseError ? err.reason : 'invalid-record';
      outcome.invalid[reason] = (outcome.invalid[reason] ?? 0) + 1;
      outcome.firstInvalid ??= (err as Error).message;
      continue;
    }
    const scored = scorer.score({ stream: batch.stream, record, source: { file: batch.source, line } });
    if (scored === undefined) {
      outcome.unscored++;
      continue;
    }
    outcome.scored++;
    outcome.lines += formatScoreLine(scored);
    if (scored.anomalous) outcome.anomalies.push(scored);
  }
  return outcome;
}
