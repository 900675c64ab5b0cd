// Scores one record with its stream's model: featurize → KitNET → threshold → (if anomalous) explain.
import { tailProbability } from '../kitnet/index.js';
import type { LoadedModel } from '../model/loaded-model.js';
import type { LogEntry, LogStream, ZeekRecord } from '../zeek/record.js';
import { streamOfModule } from '../zeek/record.js';

/** One input feature's share in an anomaly, in plain words. */
export interface Contribution {
  /** machine name, e.g. `conn.host.distinct_resp_ports_1m` */
  feature: string;
  /** e.g. `distinct responder ports in the last minute: 412, typical 1–3` */
  says: string;
  /** normalised reconstruction error of this input */
  error: number;
}

/** The verdict on one record: everything an output line or a Zeek event needs. */
export interface ScoredRecord {
  ts: number | null;
  uid: string | null;
  stream: LogStream;
  origH: string | null;
  origP: number | null;
  respH: string | null;
  respP: number | null;
  proto: string;
  score: number;
  threshold: number;
  /** P(a benign record scores higher) under the calibrated log-normal */
  probability: number;
  anomalous: boolean;
  top: Contribution[];
  model: string;
}

export interface ScorerOptions {
  /** how many contributing features to name (default 3) */
  topFeatures: number;
  /** explain every record, not just anomalous ones (slower) */
  explainAll: boolean;
}

export const DEFAULT_SCORER_OPTIONS: Readonly<ScorerOptions> = { topFeatures: 3, explainAll: false };

/** Counters a run reports at the end. */
export interface ScorerStats {
  scored: number;
  anomalous: number;
  /** records of a stream with no model loaded */
  noModel: number;
  /** records the engine refused (a non-finite feature: a featurizer bug or absurd input) */
  rejected: number;
}

const DEFAULT_PROTO: Record<LogStream, string> = { conn: 'tcp', dns: 'udp', http: 'tcp', ssh: 'tcp', ssl: 'tcp' };

/** Most records scoreAll featurizes before scoring them together (KitNET.scoreRows). */
const ROWS_AT_ONCE = 64;

/** One stream's model and the buffers its records are featurized into. */
interface StreamSlot {
  model: LoadedModel;
  /** ROWS_AT_ONCE feature rows end to end */
  rows: Float64Array;
  /** row r of `rows` as its own view (the featurizer writes one row) */
  rowViews: Float64Array[];
  scores: Float64Array;
  rejected: Uint8Array;
  /** typical() per feature, made at its first explanation: the training range and mean of a model do not change */
  typicalTexts: (TypicalText | undefined)[];
}

interface TypicalText {
  readonly lo: number;
  readonly hi: number;
  readonly text: string;
}

export class RecordScorer {
  readonly stats: ScorerStats = { scored: 0, anomalous: 0, noModel: 0, rejected: 0 };
  private readonly byStream = new Map<LogStream, StreamSlot>();
  private readonly options: ScorerOptions;

  constructor(models: Iterable<LoadedModel>, options: Partial<ScorerOptions> = {}) {
    this.options = { ...DEFAULT_SCORER_OPTIONS, ...options };
    for (const model of models) this.use(model);
  }

  /** Add or replace the model of a stream (hot reload swaps here, between two records). */
  use(model: LoadedModel): void {
    const { width } = model.featurizer;
    const rows = new Float64Array(ROWS_AT_ONCE * width);
    this.byStream.set(streamOfModule(model.module), {
      model,
      rows,
      rowViews: Array.from({ length: ROWS_AT_ONCE }, (_, r) => rows.subarray(r * width, (r + 1) * width)),
      scores: new Float64Array(ROWS_AT_ONCE),
      rejected: new Uint8Array(ROWS_AT_ONCE),
      typicalTexts: new Array<TypicalText | undefined>(width),
    });
  }

  streams(): LogStream[] {
    return [...this.byStream.keys()];
  }

  model(stream: LogStream): LoadedModel | undefined {
    return this.byStream.get(stream)?.model;
  }

  /** Score a record; undefined when its stream has no model or the engine refused the input. */
  score(entry: LogEntry): ScoredRecord | undefined {
    let verdict: ScoredRecord | undefined;
    this.scoreAll([entry], (scored) => (verdict = scored));
    return verdict;
  }

  /**
   * score() of every entry, in order, handing each verdict to `emit` (records without a model or refused by the
   * engine are counted, as by score()). Runs of one stream are featurized first and then scored together, which
   * halves KitNET's time per record; scores do not feed back into features, so the order changes nothing else.
   */
  scoreAll(entries: readonly LogEntry[], emit: (scored: ScoredRecord) => void): void {
    let start = 0;
    while (start < entries.length) {
      const stream = entries[start]!.stream;
      let end = start + 1;
      while (end < entries.length && end - start < ROWS_AT_ONCE && entries[end]!.stream === stream) end++;
      const slot = this.byStream.get(stream);
      if (slot === undefined) this.stats.noModel += end - start;
      else this.scoreRun(slot, entries, start, end, emit);
      start = end;
    }
  }

  /** entries[start..end), all of slot's stream and at most ROWS_AT_ONCE */
  private scoreRun(
    slot: StreamSlot,
    entries: readonly LogEntry[],
    start: number,
    end: number,
    emit: (scored: ScoredRecord) => void,
  ): void {
    const { model, rows, rowViews, scores, rejected } = slot;
    const count = end - start;
    for (let r = 0; r < count; r++) model.featurizer.featurize(entries[start + r]!.record, rowViews[r]!);
    model.kitnet.scoreRows(rows, count, scores, rejected);
    const threshold = model.calibration.threshold;
    for (let r = 0; r < count; r++) {
      if (rejected[r] === 1) {
        this.stats.rejected++;
        continue;
      }
      const entry = entries[start + r]!;
      const score = scores[r]!;
      const anomalous = score >= threshold;
      this.stats.scored++;
      if (anomalous) this.stats.anomalous++;
      const top = anomalous || this.options.explainAll ? this.explain(slot, rowViews[r]!, entry.record) : [];
      emit(scoredRecord(entry.stream, entry.record, score, threshold, tailProbability(score, model.calibration), anomalous, top, model.id));
    }
  }

  private explain(slot: StreamSlot, features: Float64Array, record: ZeekRecord): Contribution[] {
    const { model } = slot;
    const { featurizer } = model;
    const explanation = model.kitnet.explain(features, featurizer.schema.names, this.options.topFeatures);
    return explanation.topFeatures.map((f) => {
      let known = slot.typicalTexts[f.index];
      if (known === undefined || known.lo !== f.lo || known.hi !== f.hi) {
        known = { lo: f.lo, hi: f.hi, text: typical(model, f.index, f.lo, f.hi) };
        slot.typicalTexts[f.index] = known;
      }
      return { feature: f.name, says: explanationText(model, f.index, f.value, f.lo === f.hi, known.text, record), error: f.error };
    });
  }
}

/**
 * One contribution in plain words: `distinct responder ports in the last minute: 412, typical 1–3`. A column that
 * stands for many values names the record's own (`responder port is a value never seen in training: 1337`), and
 * says what training looked like only where that varied (an `:unseen` column was 0 on every training record).
 */
function explanationText(model: LoadedModel, index: number, value: number, constant: boolean, typicalText: string, record: ZeekRecord): string {
  const { featurizer } = model;
  const description = featurizer.describe(index);
  const own = featurizer.valueText(index, record);
  if (own !== undefined) return constant ? `${description}: ${own}` : `${description}: ${own}, ${typicalText}`;
  return `${description}: ${featurizer.display(index, value)}, ${typicalText}`;
}

/**
 * What training looked like for one feature, in the analyst's unit: the share of "yes" for a
 * yes/no feature, else the training mean and range (models without means: the range only).
 */
function typical(model: LoadedModel, index: number, lo: number, hi: number): string {
  const { featurizer } = model;
  const mean = model.featureMeans?.[index];
  const low = featurizer.display(index, lo);
  const high = featurizer.display(index, hi);
  if (low === high) return `in training always ${low}`;
  if (mean !== undefined && lo === 0 && hi === 1 && featurizer.display(index, 0) === 'no' && featurizer.display(index, 1) === 'yes') {
    return `in training yes for ${formatShare(mean)} of records`;
  }
  const range = `${low}–${high}`;
  return mean === undefined ? `typical ${range}` : `typical ${featurizer.display(index, mean)} (range ${range})`;
}

function formatShare(fraction: number): string {
  const pct = fraction * 100;
  if (pct > 0 && pct < 0.1) return '<0.1%';
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}

function scoredRecord(
  stream: LogStream,
  r: ZeekRecord,
  score: number,
  threshold: number,
  probability: number,
  anomalous: boolean,
  top: Contribution[],
  model: string,
): ScoredRecord {
  const proto = r['proto'] ?? r['id.proto'];
  return {
    ts: numberOrNull(r['ts']),
    uid: stringOrNull(r['uid']),
    stream,
    origH: stringOrNull(r['id.orig_h']),
    origP: numberOrNull(r['id.orig_p']),
    respH: stringOrNull(r['id.resp_h']),
    respP: numberOrNull(r['id.resp_p']),
    proto: typeof proto === 'string' ? proto : DEFAULT_PROTO[stream],
    score,
    threshold,
    probability,
    anomalous,
    top,
    model,
  };
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
