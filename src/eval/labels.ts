// Ground truth for evaluation: decides per record whether it is an attack, benign, or unknown, from a
// label column (Stratosphere `label`/`detailedlabel`), attacker CIDRs, responder ports, or a uid,label CSV.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { parseLocalNets, type LocalNetworks } from '../features/index.js';
import type { ZeekRecord } from '../zeek/record.js';

/**
 * `unknown` records (Stratosphere `Background`: traffic not attributable to the infected host) are
 * scored, so host context sees them, but left out of every metric.
 */
export type Verdict = 'attack' | 'benign' | 'unknown';

export interface RecordLabel {
  verdict: Verdict;
  /** attack family for recall per label (detailedlabel, CSV label, `attacker 1.2.3.4/32`, `port 1337`) */
  attackLabel?: string;
}

export type AttackerRole = 'originator' | 'responder' | 'either';

export interface LabelOptions {
  /** column holding a per-record label (Stratosphere: `label`); absent = no column source */
  labelColumn?: string;
  /** column naming the attack family when the label column says attack (Stratosphere: `detailedlabel`) */
  detailColumn: string;
  /** label-column values meaning benign (case-insensitive) */
  benignLabels: string[];
  /** label-column values meaning unknown (case-insensitive); an empty or unset label is always unknown */
  unknownLabels: string[];
  /** records whose address in `attackerRole` lies in one of these CIDRs are attacks */
  attackers: string[];
  attackerRole: AttackerRole;
  /** records to one of these responder ports are attacks (e.g. a RAT's C2 port) */
  attackPorts: number[];
}

export const DEFAULT_LABEL_OPTIONS: Readonly<LabelOptions> = Object.freeze({
  detailColumn: 'detailedlabel',
  benignLabels: ['Benign'],
  unknownLabels: ['Background', 'Unknown'],
  attackers: [],
  attackerRole: 'originator',
  attackPorts: [],
});

/** uid → attack label, read from a `uid,label` CSV, with the lines that could not be used. */
export interface UidLabels {
  file: string;
  labels: Map<string, string>;
  /** `file:line: reason` for each unusable line */
  problems: string[];
}

/**
 * Reads a `uid,label` CSV (header optional, `#` comments and blank lines ignored). Every uid listed
 * is an attack; records whose uid is not listed are benign. Bad lines are reported, not fatal.
 * Throws UsageError when the file cannot be read.
 */
export async function readUidLabels(file: string): Promise<UidLabels> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--labels: cannot read ${file}: ${(err as Error).message}`);
  }
  return parseUidLabels(text, file);
}

export function parseUidLabels(text: string, file: string): UidLabels {
  const labels = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const comma = line.indexOf(',');
    const uid = (comma < 0 ? line : line.slice(0, comma)).trim();
    const label = comma < 0 ? 'attack' : line.slice(comma + 1).trim() || 'attack';
    if (i === 0 && uid.toLowerCase() === 'uid') continue;
    if (!/^[A-Za-z0-9]+$/.test(uid)) {
      problems.push(`${file}:${i + 1}: "${uid}" is not a Zeek uid`);
      continue;
    }
    const previous = labels.get(uid);
    if (previous !== undefined && previous !== label) problems.push(`${file}:${i + 1}: uid ${uid} listed again with another label (${previous}, ${label}); kept the first`);
    if (previous === undefined) labels.set(uid, label);
  }
  return { file, labels, problems };
}

function parseCidrs(cidrs: readonly string[]): LocalNetworks {
  try {
    return parseLocalNets(cidrs);
  } catch (err) {
    throw new UsageError(`--attackers: ${(err as Error).message.replace(/^--local-nets: /, '')}`);
  }
}

/** Applies every configured label source to records; remembers which CSV uids it met. */
export class RecordLabeller {
  private readonly options: LabelOptions;
  private readonly benign: Set<string>;
  private readonly unknown: Set<string>;
  private readonly attackerNets: LocalNetworks | undefined;
  private readonly attackPorts: Set<number>;
  private readonly uidLabels: UidLabels | undefined;
  private readonly seenUids = new Set<string>();

  /** Throws UsageError when no label source is configured or a CIDR is malformed. */
  constructor(options: Partial<LabelOptions>, uidLabels?: UidLabels) {
    this.options = { ...DEFAULT_LABEL_OPTIONS, ...options };
    const { labelColumn, attackers, attackPorts } = this.options;
    if (labelColumn === undefined && attackers.length === 0 && attackPorts.length === 0 && uidLabels === undefined) {
      throw new UsageError('no ground truth: give --label-column, --attackers, --attack-ports or --labels');
    }
    this.benign = new Set(this.options.benignLabels.map((l) => l.toLowerCase()));
    // a label listed as benign wins over the default unknown list (`--benign-labels Benign,Background`)
    this.unknown = new Set(this.options.unknownLabels.map((l) => l.toLowerCase()).filter((l) => !this.benign.has(l)));
    this.attackerNets = attackers.length > 0 ? parseCidrs(attackers) : undefined;
    this.attackPorts = new Set(attackPorts);
    this.uidLabels = uidLabels;
  }

  label(record: ZeekRecord): RecordLabel {
    const uid = record['uid'];
    if (typeof uid === 'string' && this.uidLabels !== undefined && this.uidLabels.labels.has(uid)) {
      this.seenUids.add(uid);
      return { verdict: 'attack', attackLabel: this.uidLabels.labels.get(uid)! };
    }
    const fromColumn = this.fromColumn(record);
    if (fromColumn?.verdict === 'attack') return fromColumn;
    const fromAddress = this.fromAddressOrPort(record);
    if (fromAddress !== undefined) return fromAddress;
    return fromColumn ?? { verdict: 'benign' };
  }

  /** CSV uids that no labelled record carried (a wrong file, or logs the CSV was not made for). */
  unmatchedUids(): string[] {
    if (this.uidLabels === undefined) return [];
    return [...this.uidLabels.labels.keys()].filter((uid) => !this.seenUids.has(uid));
  }

  private fromColumn(record: ZeekRecord): RecordLabel | undefined {
    const { labelColumn, detailColumn } = this.options;
    if (labelColumn === undefined) return undefined;
    const value = record[labelColumn];
    const text = typeof value === 'string' ? value.trim() : '';
    const key = text.toLowerCase();
    if (key === '' || key === '(empty)' || this.unknown.has(key)) return { verdict: 'unknown' };
    if (this.benign.has(key)) return { verdict: 'benign' };
    const detail = record[detailColumn];
    const detailText = typeof detail === 'string' ? detail.trim() : '';
    return { verdict: 'attack', attackLabel: detailText !== '' && detailText !== '(empty)' && detailText !== '-' ? detailText : text };
  }

  private fromAddressOrPort(record: ZeekRecord): RecordLabel | undefined {
    const nets = this.attackerNets;
    if (nets !== undefined) {
      const role = this.options.attackerRole;
      const orig = record['id.orig_h'];
      const resp = record['id.resp_h'];
      if ((role !== 'responder' && typeof orig === 'string' && nets.contains(orig)) || (role !== 'originator' && typeof resp === 'string' && nets.contains(resp))) {
        return { verdict: 'attack', attackLabel: 'attacker' };
      }
    }
    const port = record['id.resp_p'];
    if (typeof port === 'number' && this.attackPorts.has(port)) return { verdict: 'attack', attackLabel: `port ${port}` };
    return undefined;
  }
}
