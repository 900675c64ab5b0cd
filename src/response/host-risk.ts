// Per-host risk that decays with time, kept separately for each role a host plays (originator,
// responder). Anomalies add to it; quiet time halves it every `halfLifeSeconds`. Time is the
// records' own `ts`, so replaying old logs behaves like living through them.

export type HostRole = 'originator' | 'responder';

export interface HostRiskOptions {
  /** seconds for a host's risk to halve when it stays quiet */
  halfLifeSeconds: number;
  /** most hosts tracked; the least recently touched are forgotten first */
  maxHosts: number;
}

export const DEFAULT_HOST_RISK_OPTIONS: Readonly<HostRiskOptions> = { halfLifeSeconds: 600, maxHosts: 100_000 };

interface RiskEntry {
  risk: number;
  at: number;
}

export class HostRiskTable {
  private readonly options: HostRiskOptions;
  // Map keeps insertion order: re-inserting on touch makes the first key the least recently used.
  private readonly entries = new Map<string, RiskEntry>();
  evictions = 0;

  constructor(options: Partial<HostRiskOptions> = {}) {
    this.options = { ...DEFAULT_HOST_RISK_OPTIONS, ...options };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Add `amount` to the host's risk in `role` at time `ts`; returns the risk after adding. */
  add(host: string, role: HostRole, amount: number, ts: number): number {
    const key = `${role[0]}|${host}`;
    const entry = this.entries.get(key);
    let risk = amount;
    let at = ts;
    if (entry !== undefined) {
      risk += decayed(entry, ts, this.options.halfLifeSeconds);
      at = Math.max(entry.at, ts); // an out-of-order record never moves time backwards
      this.entries.delete(key);
    } else if (this.entries.size >= this.options.maxHosts) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
      this.evictions++;
    }
    this.entries.set(key, { risk, at });
    return risk;
  }

  /** The host's risk in `role` as of time `ts` (0 for a host never seen). */
  risk(host: string, role: HostRole, ts: number): number {
    const entry = this.entries.get(`${role[0]}|${host}`);
    return entry === undefined ? 0 : decayed(entry, ts, this.options.halfLifeSeconds);
  }

  /** The `n` riskiest hosts at time `ts`, highest first. */
  top(n: number, ts: number): { host: string; role: HostRole; risk: number }[] {
    const all: { host: string; role: HostRole; risk: number }[] = [];
    for (const [key, entry] of this.entries) {
      all.push({ host: key.slice(2), role: key[0] === 'o' ? 'originator' : 'responder', risk: decayed(entry, ts, this.options.halfLifeSeconds) });
    }
    return all.sort((a, b) => b.risk - a.risk).slice(0, n);
  }
}

function decayed(entry: RiskEntry, ts: number, halfLife: number): number {
  const dt = ts - entry.at;
  return dt > 0 ? entry.risk * 2 ** (-dt / halfLife) : entry.risk;
}
