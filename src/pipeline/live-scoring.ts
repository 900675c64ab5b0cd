// The live loop behind `serve`: batches from Zeek → scoring engine → score file, anomaly events
// back to Zeek, host risk → mitigation requests. Batches are scored concurrently but written and
// answered in arrival order, and nothing accepted from Zeek is lost on shutdown.
import { anomalyEvent, controlTopic, mitigateEvent, sidecarDoneEvent } from '../zeek/broker-contract.js';
import type { ZeekInput } from '../zeek/websocket-client.js';
import { BrokerJsonError, type BrokerEvent } from '../zeek/broker-json.js';
import { isLogStream } from '../zeek/record.js';
import type { MitigationDecision, MitigationPolicy } from '../response/mitigation-policy.js';
import type { ScoreFileWriter } from '../sinks/score-file.js';
import type { BatchOutcome, LiveBatch } from './live-batch.js';
import type { ScoredRecord } from './record-scorer.js';
import { SERVE_LOG_EVENTS } from '../sinks/json-logger.js';

/** Where batches are scored: in this thread, or on a pool of worker threads. */
export interface ScoringEngine {
  submit(batch: LiveBatch): Promise<BatchOutcome>;
  /** swap in the models of these files between two batches; old models stay if any file is refused */
  reload(modelFiles: string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** What the loop needs from the Zeek connection (ZeekWebSocketClient provides it). */
export interface ZeekConnection {
  next(): Promise<ZeekInput | undefined>;
  publish(topic: string, event: BrokerEvent): boolean;
  flush(): Promise<void>;
  /** runs `publishAll` so that its events leave in as few writes as possible (optional) */
  corked?<T>(publishAll: () => T): T;
}

/** Structured logging, one line per notable event (never per record). */
export interface ServiceLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Hooks for metrics; every method optional. */
export interface ServiceObserver {
  /** a log_records batch arrived (before scoring; unknown streams too) */
  batchReceived?(stream: string, records: number): void;
  batchScored?(stream: string, outcome: BatchOutcome): void;
  anomalySent?(scored: ScoredRecord): void;
  mitigation?(decision: MitigationDecision, sent: boolean): void;
  unknownStream?(stream: string, records: number): void;
}

export interface LiveScoringOptions {
  topicPrefix: string;
  /** anomalies scoring below this are written to the score file but not sent to Zeek */
  noticeMinScore: number;
  /** also require 1 - p (calibrated probability of being anomalous) to reach this; null = not used */
  minProbability: number | null;
  /** batches scored concurrently before the loop waits for the oldest */
  maxInFlight: number;
  /** stop after answering the first end_of_input (a pcap run) */
  exitOnEnd: boolean;
  /** characters of explanation sent in the anomaly event's summary */
  summaryLength: number;
}

export const DEFAULT_LIVE_SCORING_OPTIONS: Readonly<LiveScoringOptions> = {
  topicPrefix: 'autozeekwatch',
  noticeMinScore: 0,
  minProbability: null,
  maxInFlight: 8,
  exitOnEnd: false,
  summaryLength: 400,
};

export interface LiveScoringStats {
  batches: number;
  records: number;
  scored: number;
  anomalies: number;
  anomaliesSent: number;
  anomaliesNotSent: number;
  invalidRecords: number;
  unknownStreamRecords: number;
  endOfInputs: number;
  /** anomaly or mitigate answers skipped because a field from Zeek (address, port) cannot be encoded */
  answersNotEncodable: number;
}

export class LiveScoringService {
  readonly stats: LiveScoringStats = {
    batches: 0, records: 0, scored: 0, anomalies: 0, anomaliesSent: 0, anomaliesNotSent: 0,
    invalidRecords: 0, unknownStreamRecords: 0, endOfInputs: 0, answersNotEncodable: 0,
  };
  private readonly options: LiveScoringOptions;
  private readonly inFlight: Promise<void>[] = [];
  private readonly answeredNodes = new Set<string>();
  private readonly control: string;

  constructor(
    private readonly zeek: ZeekConnection,
    private readonly engine: ScoringEngine,
    private readonly writer: ScoreFileWriter,
    private readonly policy: MitigationPolicy,
    options: Partial<LiveScoringOptions> = {},
    private readonly logger: ServiceLogger = { info() {}, warn() {} },
    private readonly observer: ServiceObserver = {},
  ) {
    this.options = { ...DEFAULT_LIVE_SCORING_OPTIONS, ...options };
    this.control = controlTopic(this.options.topicPrefix);
  }

  /** Consume inputs until the connection ends (close()) or, with exitOnEnd, the first end_of_input. */
  async run(): Promise<void> {
    for (;;) {
      const input = await this.zeek.next();
      if (input === undefined) break;
      if (input.kind === 'end_of_input') {
        this.stats.endOfInputs++;
        if (await this.answerEndOfInput(input.node)) {
          if (this.options.exitOnEnd) break;
        }
        continue;
      }
      this.accept(input);
      if (this.inFlight.length >= this.options.maxInFlight) await this.inFlight.shift();
    }
    await this.drain();
  }

  private accept(input: Extract<ZeekInput, { kind: 'log_records' }>): void {
    this.stats.batches++;
    this.stats.records += input.records.length;
    this.observer.batchReceived?.(input.stream, input.records.length);
    if (!isLogStream(input.stream)) {
      this.stats.unknownStreamRecords += input.records.length;
      this.observer.unknownStream?.(input.stream, input.records.length);
      return;
    }
    const batch: LiveBatch = {
      stream: input.stream,
      records: [...input.records],
      source: `websocket:${input.topic} node=${input.node} seq=${input.seq}`,
    };
    const scored = this.engine.submit(batch);
    // Chain on the previous batch so output and answers keep arrival order.
    const previous = this.inFlight[this.inFlight.length - 1] ?? Promise.resolve();
    this.inFlight.push(Promise.all([scored, previous]).then(([outcome]) => this.handle(batch, outcome)));
  }

  private handle(batch: LiveBatch, outcome: BatchOutcome): void {
    this.writer.writeLines(outcome.lines, outcome.scored);
    this.stats.scored += outcome.scored;
    this.stats.anomalies += outcome.anomalies.length;
    const invalid = Object.values(outcome.invalid).reduce((a, b) => a + b, 0);
    if (invalid > 0) {
      this.stats.invalidRecords += invalid;
      this.logger.warn('invalid records from Zeek skipped', { source: batch.source, invalid: outcome.invalid, first: outcome.firstInvalid });
    }
    this.observer.batchScored?.(batch.stream, outcome);
    if (outcome.anomalies.length === 0) return;
    if (this.zeek.corked !== undefined) this.zeek.corked(() => this.answer(outcome.anomalies));
    else this.answer(outcome.anomalies);
  }

  /** anomaly events for the anomalies worth a notice, and the mitigation their host risk calls for */
  private answer(anomalies: readonly ScoredRecord[]): void {
    const control = this.control;
    for (const anomaly of anomalies) {
      if (this.worthANotice(anomaly) && anomaly.uid !== null && anomaly.origH !== null && anomaly.respH !== null) {
        const sent = this.publishUntrusted(control, anomaly.uid, () => anomalyEvent({
          uid: anomaly.uid!,
          stream: anomaly.stream,
          originator: { host: anomaly.origH!, port: `${anomaly.origP ?? 0}/${portProto(anomaly.proto)}` },
          responder: { host: anomaly.respH!, port: `${anomaly.respP ?? 0}/${portProto(anomaly.proto)}` },
          score: anomaly.score,
          threshold: anomaly.threshold,
          summary: summarize(anomaly, this.options.summaryLength),
        }));
        if (sent) {
          this.stats.anomaliesSent++;
          this.observer.anomalySent?.(anomaly);
        } else this.stats.anomaliesNotSent++;
      }
      for (const decision of this.policy.observe(anomaly)) this.act(decision, control);
    }
  }

  /**
   * Publishes an answer built from a record's fields. Zeek's fields are untrusted: an originator that is
   * not an address or a port out of range cannot be encoded, so that answer is counted and skipped.
   */
  private publishUntrusted(control: string, subject: string, build: () => BrokerEvent): boolean {
    try {
      return this.zeek.publish(control, build());
    } catch (err) {
      if (!(err instanceof BrokerJsonError)) throw err;
      if (this.stats.answersNotEncodable++ === 0) {
        this.logger.warn('answer not sent: a field from Zeek cannot be encoded', { subject: subject.slice(0, 80), error: err.message.slice(0, 200) });
      }
      return false;
    }
  }

  private worthANotice(anomaly: ScoredRecord): boolean {
    if (anomaly.score < this.options.noticeMinScore) return false;
    const min = this.options.minProbability;
    return min === null || 1 - anomaly.probability >= min;
  }

  private act(decision: MitigationDecision, control: string): void {
    if (decision.action === 'mitigate') {
      const sent = this.publishUntrusted(control, decision.host, () => mitigateEvent({
        address: decision.host,
        durationSeconds: decision.durationSeconds,
        reason: decision.reason,
        score: decision.score,
      }));
      const fields = { host: decision.host, role: decision.role, risk: round(decision.risk), duration_s: decision.durationSeconds, reason: decision.reason };
      if (sent) this.logger.info(SERVE_LOG_EVENTS.mitigationSent, fields);
      else this.logger.warn(SERVE_LOG_EVENTS.mitigationRefused, { ...fields, why: 'not connected to Zeek' });
      this.observer.mitigation?.(decision, sent);
      return;
    }
    // dry-run is the intended outcome of a default setup; the other refusals are worth a warning
    const fields = { host: decision.host, role: decision.role, risk: round(decision.risk), why: decision.why, reason: decision.reason };
    if (decision.why === 'dry-run' || decision.why === 'disabled') this.logger.info(SERVE_LOG_EVENTS.mitigationRefused, fields);
    else this.logger.warn(SERVE_LOG_EVENTS.mitigationRefused, fields);
    this.observer.mitigation?.(decision, false);
  }

  /** All batches before the end are in flight already (one connection keeps order); answer once per node. */
  private async answerEndOfInput(node: string): Promise<boolean> {
    if (this.answeredNodes.has(node)) return false;
    this.answeredNodes.add(node);
    await this.drain();
    await this.writer.flush();
    this.zeek.publish(controlTopic(this.options.topicPrefix), sidecarDoneEvent(`scored ${this.stats.scored} records, ${this.stats.anomalies} anomalous`));
    await this.zeek.flush();
    this.logger.info('end of input answered', { node, scored: this.stats.scored, anomalies: this.stats.anomalies });
    return true;
  }

  /** Wait for every batch taken from Zeek to be scored, written and answered. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
    await this.writer.flush();
  }
}

function portProto(proto: string): string {
  return proto === 'tcp' || proto === 'udp' || proto === 'icmp' ? proto : 'unknown';
}

function summarize(s: ScoredRecord, max: number): string {
  // Zeek's notice already states stream, score and threshold in its msg; the summary is its $sub
  const head = `p=${s.probability.toExponential(1)}`;
  const text = s.top.length > 0 ? `${head}: ${s.top.map((t) => t.says).join('; ')}` : head;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
