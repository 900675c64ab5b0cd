// The demo's closing report: the top anomalies with their explanations, the Notices and NetControl actions Zeek
// would have logged, and the result against the bundled ground truth — plain text, one section per question.
import type { ScoredRecord } from '../pipeline/record-scorer.js';
import type { NetControlAction, NoticeLine } from '../replay/zeek-package-model.js';
import type { GroundTruthSummary } from './attack-summary.js';
import type { ObservedMitigation } from './demo-tally.js';

export interface DemoReportInput {
  topAnomalies: readonly ScoredRecord[];
  totalAnomalies: number;
  scored: number;
  notices: readonly NoticeLine[];
  suppressedNotices: number;
  netControl: readonly NetControlAction[];
  mitigations: readonly ObservedMitigation[];
  labels: ReadonlyMap<string, string>;
  labelsFile: string;
  truth: GroundTruthSummary;
}

function endpoint(host: string | null, port: number | null): string {
  const h = host ?? '?';
  const p = port === null ? '?' : String(port);
  return h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`;
}

function time(ts: number | null): string {
  return ts === null ? '—' : new Date(ts * 1000).toISOString().slice(11, 19);
}

function heading(title: string): string {
  return `\n== ${title} ==`;
}

/** The whole report as lines. */
export function renderDemoReport(input: DemoReportInput): string[] {
  const lines: string[] = [];
  lines.push(heading(`Top ${input.topAnomalies.length} anomalies (of ${input.totalAnomalies} in ${input.scored} records scored; at most 3 per stream and originator)`));
  input.topAnomalies.forEach((a, i) => {
    const label = a.uid === null ? undefined : input.labels.get(a.uid);
    lines.push(`${String(i + 1).padStart(2)}. ${a.stream.padEnd(4)} ${a.uid ?? '(no uid)'}  ${time(a.ts)}  ` +
      `${endpoint(a.origH, a.origP)} → ${endpoint(a.respH, a.respP)}/${a.proto}  ` +
      `score ${a.score.toPrecision(3)} vs threshold ${a.threshold.toPrecision(3)} (${(a.score / a.threshold).toFixed(1)}×)` +
      `  [${label ?? 'benign'}]`);
    if (a.top.length === 0) lines.push('      says: (no explanation available)');
    for (const c of a.top) lines.push(`      says: ${c.says}`);
  });

  lines.push(heading(`Notices Zeek would have raised (notice.log): ${input.notices.length}, ${input.suppressedNotices} more suppressed per host`));
  for (const n of input.notices) {
    lines.push(n.uid !== '' ? `${time(n.ts)}  ${n.note}  ${n.src} → ${n.dst}:${n.p}/${n.proto}  uid ${n.uid}` : `${time(n.ts)}  ${n.note}  ${n.src}`);
    lines.push(`      msg: ${n.msg}`);
    if (n.sub !== '') lines.push(`      sub: ${n.sub}`);
  }

  const blocks = input.netControl.filter((a) => a.action === 'drop_address' || a.action === 'drop_address_catch_release');
  const zeekRefusals = input.netControl.filter((a) => a.action === 'refused');
  const sidecarRefusals = input.mitigations.filter((m) => m.decision.action === 'refused');
  lines.push(heading(`NetControl (netcontrol.log): ${blocks.length} blocks, ${zeekRefusals.length + sidecarRefusals.length} refused`));
  for (const a of input.netControl) {
    if (a.action === 'refused') lines.push(`${time(a.ts)}  REFUSED by Zeek  ${a.entity}: ${a.reason}`);
    else if (a.action === 'already_blocked') lines.push(`${time(a.ts)}  already blocked  ${a.entity}`);
    else {
      lines.push(`${time(a.ts)}  BLOCK  ${a.entity}  ${a.action} for ${a.expire} s`);
      lines.push(`      why: ${a.location}`);
    }
  }
  for (const { decision } of sidecarRefusals) {
    if (decision.action !== 'refused') continue;
    lines.push(`         REFUSED by the sidecar (${refusalWords(decision.why)})  ${decision.host} as ${decision.role}, risk ${decision.risk.toFixed(1)}`);
    lines.push(`      why it was considered: ${decision.reason}`);
  }

  lines.push(heading(`Against the ground truth (${input.labelsFile})`));
  const width = Math.max(6, ...input.truth.attacks.map((a) => a.label.length));
  for (const a of input.truth.attacks) {
    const streams = [...a.byStream].map(([s, c]) => `${s} ${c.flagged}/${c.records}`).join(', ');
    const who = a.originator === undefined ? '' : `; originator ${a.originator} ${a.originatorFate}`;
    lines.push(`${a.label.padEnd(width)}  ${a.flagged}/${a.records} records flagged (${streams})${who}`);
  }
  lines.push(`${'benign'.padEnd(width)}  ${input.truth.falseAlarms}/${input.truth.benignRecords} records flagged (false alarms)`);
  return lines;
}

function refusalWords(why: string): string {
  switch (why) {
    case 'never-block': return 'address in never_block';
    case 'rate-limit': return 'block rate limit reached';
    case 'dry-run': return 'dry run';
    case 'disabled': return 'mitigation disabled';
    default: return why;
  }
}
