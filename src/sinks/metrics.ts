// Prometheus metrics of a running sidecar, on a Registry of its own (not prom-client's global one,
// so tests and several sidecars in one process do not collide). The serve loop calls the methods.
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { isLogStream, type LogModule, type LogStream } from '../zeek/record.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
const CONNECTION_STATES: readonly ConnectionState[] = ['connecting', 'connected', 'disconnected'];

/** Why a mitigation was not sent (matches the response stage's RefusalReason). */
export type MitigationRefusal = 'never-block' | 'rate-limit' | 'dry-run' | 'disabled';

/**
 * Buckets of score / threshold: 1 is the threshold, so the fraction of records above 1 is the alert
 * rate, and the low buckets show whether benign traffic drifts toward it.
 */
export const SCORE_RATIO_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.25, 1.5, 2, 5, 10, 100];

// labels from Zeek are untrusted: unknown stream names and too many distinct reasons fold into "other"
const MAX_REASONS = 50;

export interface SidecarMetricsOptions {
  /** add prom-client's process and nodejs_* metrics, incl. nodejs_eventloop_lag_seconds (default true) */
  defaultMetrics?: boolean;
}

export class SidecarMetrics {
  readonly registry = new Registry();
  private readonly records: Counter<'stream'>;
  private readonly parseErrors: Counter<'reason'>;
  private readonly gaps: Counter<'stream'>;
  private readonly missing: Counter<'stream'>;
  private readonly queueDepth: Gauge;
  private readonly queueDrops: Counter;
  private readonly scoreRatio: BucketedHistogram;
  private readonly anomalies: Counter<'stream'>;
  private readonly notices: Counter<'stream'>;
  private readonly mitigations: Counter;
  private readonly refusals: Counter<'reason'>;
  private readonly reconnects: Counter;
  private readonly connection: Gauge<'state'>;
  private readonly modelInfo: Gauge<'module' | 'model_id'>;
  private readonly modelThreshold: Gauge<'module'>;
  private readonly modelReloads: Counter<'result'>;
  private readonly knownReasons = new Set<string>();

  constructor(options: SidecarMetricsOptions = {}) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.records = counter('autozeekwatch_records_total', 'Log records received from Zeek, by stream', ['stream']);
    this.parseErrors = counter('autozeekwatch_parse_errors_total', 'Records or messages that could not be read, by reason', ['reason']);
    this.gaps = counter('autozeekwatch_sequence_gaps_total', 'Gaps in the per-node, per-stream batch sequence numbers (records lost before reaching the sidecar)', ['stream']);
    this.missing = counter('autozeekwatch_records_missing_total', 'Records missing according to sequence gaps', ['stream']);
    this.queueDepth = new Gauge({ name: 'autozeekwatch_queue_batches', help: 'Batches waiting to be scored', registers });
    this.queueDrops = counter('autozeekwatch_queue_dropped_batches_total', 'Batches dropped because the queue was full (scoring lags)');
    this.scoreRatio = new BucketedHistogram(
      'autozeekwatch_score_threshold_ratio',
      "Each scored record's score divided by its model's threshold (above 1 = anomalous)",
      SCORE_RATIO_BUCKETS,
    );
    this.registry.registerMetric(this.scoreRatio as unknown as Metric);
    this.anomalies = counter('autozeekwatch_anomalies_total', 'Records scored above their threshold, by stream', ['stream']);
    this.notices = counter('autozeekwatch_notices_sent_total', 'AutoZeekWatch::anomaly events sent to Zeek, by stream', ['stream']);
    this.mitigations = counter('autozeekwatch_mitigations_sent_total', 'AutoZeekWatch::mitigate events sent to Zeek');
    this.refusals = counter('autozeekwatch_mitigations_refused_total', 'Blocks decided but not sent, by reason', ['reason']);
    this.reconnects = counter('autozeekwatch_reconnects_total', 'Reconnect attempts to Zeek');
    this.connection = new Gauge<'state'>({ name: 'autozeekwatch_zeek_connection_state', help: 'Connection to Zeek: 1 for the current state', labelNames: ['state'], registers });
    this.modelInfo = new Gauge<'module' | 'model_id'>({ name: 'autozeekwatch_model_info', help: 'Loaded models (value 1)', labelNames: ['module', 'model_id'], registers });
    this.modelThreshold = new Gauge<'module'>({ name: 'autozeekwatch_model_threshold', help: "Loaded model's anomaly threshold (RMSE)", labelNames: ['module'], registers });
    this.modelReloads = counter('autozeekwatch_model_reloads_total', 'Model (re)loads, by result', ['result']);
    this.setConnectionState('disconnected');
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** `n` records of `stream` arrived. */
  recordsReceived(stream: string, n = 1): void {
    this.records.inc({ stream: streamLabel(stream) }, n);
  }

  parseError(reason: string, n = 1): void {
    if (!this.knownReasons.has(reason) && this.knownReasons.size >= MAX_REASONS) reason = 'other';
    this.knownReasons.add(reason);
    this.parseErrors.inc({ reason }, n);
  }

  /** A batch's seq was ahead of the expected one by `missingRecords`. */
  sequenceGap(stream: string, missingRecords: number): void {
    const label = { stream: streamLabel(stream) };
    this.gaps.inc(label);
    if (missingRecords > 0) this.missing.inc(label, missingRecords);
  }

  setQueueDepth(batches: number): void {
    this.queueDepth.set(batches);
  }

  queueDropped(batches = 1): void {
    this.queueDrops.inc(batches);
  }

  /** One scored record. Non-finite or non-positive thresholds are not observed (a broken model must not poison the histogram). */
  observeScore(stream: LogStream, score: number, threshold: number): void {
    if (!(threshold > 0) || !Number.isFinite(score)) return;
    const ratio = score / threshold;
    const counts = new Array<number>(SCORE_RATIO_BUCKETS.length + 1).fill(0);
    let i = 0;
    while (i < SCORE_RATIO_BUCKETS.length && ratio > SCORE_RATIO_BUCKETS[i]!) i++;
    counts[i] = 1;
    this.scoreRatio.add(streamLabel(stream), counts, ratio);
  }

  /**
   * A batch's records at once: `counts[i]` records fell in bucket i of SCORE_RATIO_BUCKETS (the
   * last entry counts those above every bound), `sum` is the sum of their ratios. Scoring workers
   * ship this per batch so no per-record message crosses threads.
   */
  observeScoreRatios(stream: string, counts: readonly number[], sum: number): void {
    this.scoreRatio.add(streamLabel(stream), counts, sum);
  }

  /** `count` anomalies of one stream (a batch's at once: one labelled increment instead of one per record). */
  anomaly(stream: LogStream, count = 1): void {
    if (count > 0) this.anomalies.inc({ stream: streamLabel(stream) }, count);
  }

  noticeSent(stream: LogStream): void {
    this.notices.inc({ stream: streamLabel(stream) });
  }

  mitigationSent(): void {
    this.mitigations.inc();
  }

  mitigationRefused(reason: MitigationRefusal): void {
    this.refusals.inc({ reason });
  }

  reconnecting(): void {
    this.reconnects.inc();
  }

  setConnectionState(state: ConnectionState): void {
    for (const s of CONNECTION_STATES) this.connection.set({ state: s }, s === state ? 1 : 0);
  }

  /** Replaces the loaded-model series (call after every load or reload). */
  setModels(models: readonly { module: LogModule; modelId: string; threshold: number }[]): void {
    this.modelInfo.reset();
    this.modelThreshold.reset();
    for (const m of models) {
      this.modelInfo.set({ module: m.module, model_id: m.modelId }, 1);
      this.modelThreshold.set({ module: m.module }, m.threshold);
    }
  }

  modelReload(result: 'ok' | 'failed'): void {
    this.modelReloads.inc({ result });
  }

  /** The text exposition format. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function streamLabel(stream: string): string {
  return isLogStream(stream) ? stream : 'other';
}

/**
 * A Prometheus histogram that accepts pre-bucketed counts (prom-client's Histogram only takes one
 * observation at a time). Exposes the usual _bucket (cumulative, with le), _sum and _count series.
 */
class BucketedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, { counts: number[]; sum: number }>();

  constructor(readonly name: string, readonly help: string, private readonly bounds: readonly number[]) {}

  add(stream: string, counts: readonly number[], sum: number): void {
    let entry = this.series.get(stream);
    if (entry === undefined) {
      entry = { counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 };
      this.series.set(stream, entry);
    }
    for (let i = 0; i < entry.counts.length; i++) entry.counts[i]! += counts[i] ?? 0;
    entry.sum += sum;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: { metricName: string; labels: Record<string, string | number>; value: number }[] } {
    const values = [];
    for (const [stream, { counts, sum }] of this.series) {
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le, stream }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { stream }, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: { stream }, value: cumulative });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
