// Watches the live loop for the demo: counts what `serve` scored per stream, keeps its anomalies and
// mitigation decisions, and tracks the hosts' risk the same way the mitigation policy does.
import type { BatchOutcome } from '../pipeline/live-batch.js';
import type { ServiceObserver } from '../pipeline/live-scoring.js';
import type { ScoredRecord } from '../pipeline/record-scorer.js';
import { HostRiskTable, type HostRole } from '../response/host-risk.js';
import { riskOfAnomaly, type MitigationDecision } from '../response/mitigation-policy.js';
import { LOG_STREAMS, type LogStream } from '../zeek/record.js';

export interface HostAtRisk {
  host: string;
  role: HostRole;
  risk: number;
}

export interface ObservedMitigation {
  decision: MitigationDecision;
  /** true when a mitigate event went to Zeek */
  sent: boolean;
}

export class DemoTally implements ServiceObserver {
  readonly scoredByStream = new Map<LogStream, number>(LOG_STREAMS.map((s) => [s, 0]));
  readonly anomaliesByStream = new Map<LogStream, number>(LOG_STREAMS.map((s) => [s, 0]));
  /** every anomaly, in scoring order (the bundled mix is small enough to keep them all) */
  readonly anomalies: ScoredRecord[] = [];
  readonly mitigations: ObservedMitigation[] = [];
  /** records Zeek sent that the sidecar could not parse */
  invalidRecords = 0;
  /** the latest record time scored: host risk decays on network time, not the wall clock */
  networkTime = 0;
  private readonly risks: HostRiskTable;

  constructor(riskHalfLifeSeconds?: number) {
    this.risks = new HostRiskTable(riskHalfLifeSeconds === undefined ? {} : { halfLifeSeconds: riskHalfLifeSeconds });
  }

  get scored(): number {
    let total = 0;
    for (const n of this.scoredByStream.values()) total += n;
    return total;
  }

  batchScored(stream: string, outcome: BatchOutcome): void {
    const known = stream as LogStream;
    this.scoredByStream.set(known, (this.scoredByStream.get(known) ?? 0) + outcome.scored);
    for (const n of Object.values(outcome.invalid)) this.invalidRecords += n;
    for (const anomaly of outcome.anomalies) {
      this.anomalies.push(anomaly);
      this.anomaliesByStream.set(known, (this.anomaliesByStream.get(known) ?? 0) + 1);
      const ts = anomaly.ts ?? this.networkTime;
      if (ts > this.networkTime) this.networkTime = ts;
      // the same amounts MitigationPolicy adds, so the view's risks are the ones blocks are decided on
      const amount = riskOfAnomaly(anomaly.score, anomaly.threshold);
      if (anomaly.origH !== null) this.risks.add(anomaly.origH, 'originator', amount, ts);
      if (anomaly.respH !== null) this.risks.add(anomaly.respH, 'responder', amount, ts);
    }
  }

  mitigation(decision: MitigationDecision, sent: boolean): void {
    this.mitigations.push({ decision, sent });
  }

  /** The `n` riskiest hosts (either role) as of the latest record time. */
  topHosts(n: number): HostAtRisk[] {
    return this.risks.top(n, this.networkTime);
  }

  /**
   * The most anomalous records, by how far past its model's threshold each scored (so streams compare), with at
   * most `perSource` from one (stream, originator) so one noisy attack does not fill the whole list.
   */
  topAnomalies(n: number, perSource = 3): ScoredRecord[] {
    const ranked = [...this.anomalies].sort((a, b) => b.score / b.threshold - a.score / a.threshold);
    const taken = new Map<string, number>();
    const top: ScoredRecord[] = [];
    for (const a of ranked) {
      if (top.length >= n) break;
      const key = `${a.stream}|${a.origH ?? '?'}`;
      const count = taken.get(key) ?? 0;
      if (count >= perSource) continue;
      taken.set(key, count + 1);
      top.push(a);
    }
    return top;
  }
}
