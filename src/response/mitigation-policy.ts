// Decides when a host should be blocked through Zeek's NetControl: anomalies raise the host's
// decaying risk; crossing `level` asks for a block once, and the host must fall below
// `releaseLevel` before it can be asked for again (hysteresis). An allowlist, a rate limit and
// dry-run (the default) keep a detector from turning into a denial of service.
import { parseLocalNets, type LocalNetworks } from '../features/index.js';
import type { ScoredRecord } from '../pipeline/record-scorer.js';
import { HostRiskTable, type HostRiskOptions, type HostRole } from './host-risk.js';

export interface MitigationOptions {
  /** send `mitigate` events at all (`--mitigate`); off: decisions are only counted */
  enabled: boolean;
  /** log intended blocks instead of sending them (default on) */
  dryRun: boolean;
  /** risk at which a host is blocked */
  level: number;
  /** risk below which a blocked host may be blocked again later */
  releaseLevel: number;
  /** also consider responders (victims are usually responders, so off by default) */
  blockResponders: boolean;
  /** CIDRs never blocked, whatever their risk */
  neverBlock: string[];
  /** most block requests per wall-clock minute; the rest are refused and counted */
  maxBlocksPerMinute: number;
  /** block duration in seconds sent to Zeek; 0 asks for NetControl catch-and-release */
  durationSeconds: number;
  risk: Partial<HostRiskOptions>;
}

export const DEFAULT_MITIGATION_OPTIONS: Readonly<MitigationOptions> = {
  enabled: false,
  dryRun: true,
  level: 8,
  releaseLevel: 2,
  blockResponders: false,
  neverBlock: [],
  maxBlocksPerMinute: 10,
  durationSeconds: 0,
  risk: {},
};

export type RefusalReason = 'never-block' | 'rate-limit' | 'dry-run' | 'disabled';

export type MitigationDecision =
  | { action: 'mitigate'; host: string; role: HostRole; risk: number; score: number; durationSeconds: number; reason: string }
  | { action: 'refused'; host: string; role: HostRole; risk: number; score: number; why: RefusalReason; reason: string };

export interface MitigationStats {
  requested: number;
  sent: number;
  refused: Record<RefusalReason, number>;
}

/** Anomalies count by how far past the threshold they are, capped so one record cannot block a host. */
export function riskOfAnomaly(score: number, threshold: number): number {
  return Math.min(4, threshold > 0 ? score / threshold : 4);
}

export class MitigationPolicy {
  readonly options: MitigationOptions;
  readonly risks: HostRiskTable;
  readonly stats: MitigationStats = { requested: 0, sent: 0, refused: { 'never-block': 0, 'rate-limit': 0, 'dry-run': 0, disabled: 0 } };
  private readonly neverBlock: LocalNetworks;
  private readonly engaged = new Set<string>();
  private readonly recentBlocks: number[] = [];

  constructor(options: Partial<MitigationOptions> = {}, private readonly now: () => number = Date.now) {
    this.options = { ...DEFAULT_MITIGATION_OPTIONS, ...options };
    this.risks = new HostRiskTable(this.options.risk);
    this.neverBlock = parseLocalNets(this.options.neverBlock);
  }

  /** Feed one anomalous record; returns what to do about its hosts (usually nothing). */
  observe(scored: ScoredRecord): MitigationDecision[] {
    if (!scored.anomalous) return [];
    const ts = scored.ts ?? this.now() / 1000;
    const amount = riskOfAnomaly(scored.score, scored.threshold);
    const decisions: MitigationDecision[] = [];
    if (scored.origH !== null) this.consider(scored.origH, 'originator', amount, ts, scored, decisions);
    if (scored.respH !== null) this.consider(scored.respH, 'responder', amount, ts, scored, decisions);
    return decisions;
  }

  private consider(host: string, role: HostRole, amount: number, ts: number, scored: ScoredRecord, out: MitigationDecision[]): void {
    const key = `${role}|${host}`;
    // Release on the risk the host had calmed down to before this anomaly: one anomaly can add
    // more than the release level, and a returning host must be blockable again.
    if (this.engaged.has(key) && this.risks.risk(host, role, ts) < this.options.releaseLevel) this.engaged.delete(key);
    const risk = this.risks.add(host, role, amount, ts);
    if (role === 'responder' && !this.options.blockResponders) return;
    if (this.engaged.has(key)) return;
    if (risk < this.options.level) return;
    this.engaged.add(key);
    this.stats.requested++;
    const reason = `AutoZeekWatch: ${role} risk ${risk.toFixed(1)} ≥ ${this.options.level} (last: ${scored.stream} ${scored.uid ?? ''} score ${scored.score.toPrecision(3)})`;
    const refuse = (why: RefusalReason) => {
      this.stats.refused[why]++;
      out.push({ action: 'refused', host, role, risk, score: scored.score, why, reason });
    };
    if (this.neverBlock.contains(host)) return refuse('never-block');
    if (!this.options.enabled) return refuse('disabled');
    if (!this.takeRateToken()) return refuse('rate-limit');
    if (this.options.dryRun) return refuse('dry-run');
    this.stats.sent++;
    out.push({ action: 'mitigate', host, role, risk, score: scored.score, durationSeconds: this.options.durationSeconds, reason });
  }

  private takeRateToken(): boolean {
    const now = this.now();
    while (this.recentBlocks.length > 0 && now - this.recentBlocks[0]! >= 60_000) this.recentBlocks.shift();
    if (this.recentBlocks.length >= this.options.maxBlocksPerMinute) return false;
    this.recentBlocks.push(now);
    return true;
  }
}
