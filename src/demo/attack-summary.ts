// Scores the demo against the bundled ground truth: per attack label, how many of its records were flagged
// and whether its originator was blocked; and how many benign records raised a false alarm.
import type { ScoredRecord } from '../pipeline/record-scorer.js';
import type { NetControlAction } from '../replay/zeek-package-model.js';
import type { LogEntry, LogStream } from '../zeek/record.js';
import type { ObservedMitigation } from './demo-tally.js';

export interface AttackOutcome {
  label: string;
  records: number;
  flagged: number;
  /** records and flagged records per stream, streams in first-seen order */
  byStream: Map<LogStream, { records: number; flagged: number }>;
  /** the address that originated most of the episode's records */
  originator: string | undefined;
  /** what happened to the originator, in words: `blocked (…)`, `block refused: …`, `not blocked` */
  originatorFate: string;
  blocked: boolean;
}

export interface GroundTruthSummary {
  attacks: AttackOutcome[];
  benignRecords: number;
  /** benign records the detector flagged */
  falseAlarms: number;
}

/**
 * `labels` maps uid → attack label (records whose uid is not listed are benign). Each replayed record is scored
 * once, so the anomalies of a label are its flagged records.
 */
export function summarizeAgainstLabels(
  replayed: readonly LogEntry[],
  labels: ReadonlyMap<string, string>,
  anomalies: readonly ScoredRecord[],
  netControl: readonly NetControlAction[],
  mitigations: readonly ObservedMitigation[],
): GroundTruthSummary {
  const outcomes = new Map<string, AttackOutcome>();
  const originators = new Map<string, Map<string, number>>();
  let benignRecords = 0;
  for (const { stream, record } of replayed) {
    const label = typeof record.uid === 'string' ? labels.get(record.uid) : undefined;
    if (label === undefined) {
      benignRecords++;
      continue;
    }
    const outcome = outcomeOf(outcomes, label);
    outcome.records++;
    const perStream = outcome.byStream.get(stream) ?? { records: 0, flagged: 0 };
    perStream.records++;
    outcome.byStream.set(stream, perStream);
    const origH = record['id.orig_h'];
    if (typeof origH === 'string') {
      const counts = originators.get(label) ?? new Map<string, number>();
      counts.set(origH, (counts.get(origH) ?? 0) + 1);
      originators.set(label, counts);
    }
  }
  let falseAlarms = 0;
  for (const a of anomalies) {
    const label = a.uid === null ? undefined : labels.get(a.uid);
    if (label === undefined) {
      falseAlarms++;
      continue;
    }
    const outcome = outcomeOf(outcomes, label);
    outcome.flagged++;
    const perStream = outcome.byStream.get(a.stream) ?? { records: 0, flagged: 0 };
    perStream.flagged++;
    outcome.byStream.set(a.stream, perStream);
  }
  for (const [label, outcome] of outcomes) {
    const counts = [...(originators.get(label) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
    outcome.originator = counts[0]?.[0];
    if (outcome.originator !== undefined) Object.assign(outcome, fateOf(outcome.originator, netControl, mitigations));
  }
  return { attacks: [...outcomes.values()], benignRecords, falseAlarms };
}

function outcomeOf(outcomes: Map<string, AttackOutcome>, label: string): AttackOutcome {
  let outcome = outcomes.get(label);
  if (outcome === undefined) {
    outcome = { label, records: 0, flagged: 0, byStream: new Map(), originator: undefined, originatorFate: 'not blocked', blocked: false };
    outcomes.set(label, outcome);
  }
  return outcome;
}

function fateOf(host: string, netControl: readonly NetControlAction[], mitigations: readonly ObservedMitigation[]): Pick<AttackOutcome, 'originatorFate' | 'blocked'> {
  const entity = host.includes(':') ? `${host}/128` : `${host}/32`;
  for (const action of netControl) {
    if (action.entity !== entity) continue;
    if (action.action === 'drop_address' || action.action === 'drop_address_catch_release') {
      return { originatorFate: `blocked by NetControl (${action.action}, ${action.expire} s)`, blocked: true };
    }
    if (action.action === 'refused') return { originatorFate: `block refused by Zeek: ${action.reason}`, blocked: false };
  }
  const refusal = mitigations.find((m) => m.decision.host === host && m.decision.action === 'refused');
  if (refusal !== undefined && refusal.decision.action === 'refused') {
    return { originatorFate: `block refused by the sidecar: ${refusal.decision.why}`, blocked: false };
  }
  return { originatorFate: 'not blocked', blocked: false };
}
