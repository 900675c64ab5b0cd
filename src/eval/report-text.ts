// The evaluation as a plain-text table for the terminal: one row per module and one pooled row,
// then recall per attack label, the benign records that alerted, and everything left out.
import type { EvalReport, ModuleEvaluation } from './evaluate.js';
import type { AlertRateCheck } from './alert-rate.js';
import { ALERT_RATE_TOLERANCE } from './alert-rate.js';
import type { DetectionMetrics } from './metrics.js';

const COLUMNS = ['module', 'attacks', 'benign', 'ROC AUC', 'PR AUC', 'recall', 'FPR', 'alerts/10k', 'threshold'];

/** Renders `report` as lines of text (no colours, no terminal width assumptions). */
export function formatTextReport(report: EvalReport): string {
  const target = report.targetFpr * 10_000;
  const lines: string[] = [];
  lines.push(`evaluation (${report.featureSet} features; ${splitWords(report)}; target ${formatNumber(target)} alerts per 10,000 benign records)`);
  for (const source of report.labelSources) lines.push(`ground truth: ${source}`);
  lines.push('');
  const rows: string[][] = [COLUMNS];
  for (const m of report.modules) rows.push(m.metrics ? metricRow(m.module, m.metrics, m.threshold) : [m.module, '-', '-', m.error ?? 'not evaluated', '', '', '', '', '']);
  if (report.modules.length > 1) rows.push(metricRow('overall', report.overall, null));
  lines.push(...table(rows));

  for (const m of report.modules) {
    lines.push('');
    lines.push(`${m.module}: ${describeCounts(m)}`);
    if (m.calibration !== null) lines.push(`  calibration: ${m.calibration.summary}`);
    if (m.alertRate !== null) lines.push(`  benign alert rate: ${describeAlertRate(m.alertRate)}`);
    if (m.metrics !== null) {
      for (const [label, r] of Object.entries(m.metrics.recallByLabel)) {
        lines.push(`  recall of ${label}: ${r.detected}/${r.records} (${formatPercent(r.recall)})`);
      }
    }
    for (const fp of m.topFalsePositives) {
      lines.push(`  benign alert: uid ${fp.uid ?? '-'} ${fp.origH ?? '-'} → ${fp.respH ?? '-'}:${fp.respP ?? '-'} score ${formatNumber(fp.score)}${fp.because.length ? `; ${fp.because.join('; ')}` : ''}`);
    }
    for (const note of m.notes) lines.push(`  note: ${note}`);
  }
  if (report.modules.length > 1 && report.overallAlertRate.benign > 0) {
    lines.push('');
    lines.push(`overall benign alert rate: ${describeAlertRate(report.overallAlertRate)}`);
  }
  if (report.unmatchedUids.count > 0) {
    lines.push('');
    lines.push(`${report.unmatchedUids.count} uid(s) of the labels file were not found in the logs read (e.g. ${report.unmatchedUids.examples.slice(0, 5).join(', ')})`);
  }
  for (const problem of report.labelProblems.slice(0, 10)) lines.push(`labels: ${problem}`);
  if (report.labelProblems.length > 10) lines.push(`labels: … ${report.labelProblems.length - 10} more problems`);
  if (report.read.skipped > 0) {
    lines.push(`${report.read.skipped} log record(s) could not be read: ${Object.entries(report.read.byReason).map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * e.g. "5 of 2763 (18.1 per 10k, 95% CI 7.7–42.3); 0.028 expected at the calibrated rate;
 * above 2× the target" — the interval is what makes small test sets honest.
 */
export function describeAlertRate(check: AlertRateCheck): string {
  const per10k = (rate: number): string => formatNumber(Number((rate * 10_000).toPrecision(3)));
  const observed = check.benign === 0 ? 0 : check.falseAlarms / check.benign;
  const parts = [
    `${check.falseAlarms} of ${check.benign} (${per10k(observed)} per 10k, 95% CI ${per10k(check.rateLow)}–${per10k(check.rateHigh)})`,
    `${formatNumber(Number(check.expectedFalseAlarms.toPrecision(3)))} expected at the calibrated rate`,
  ];
  const limit = `${ALERT_RATE_TOLERANCE}× the target`;
  if (check.verdict === 'within tolerance') parts.push(`within ${limit}`);
  else if (check.verdict === 'above tolerance') parts.push(`above ${limit}`);
  else if (check.verdict === 'too few benign records to tell') {
    parts.push(`too few benign records to show the rate is within ${limit} (needs ≥ ${check.benignNeeded} with no false alarm)`);
  }
  return parts.join('; ');
}

function splitWords(report: EvalReport): string {
  if (report.trainFrom !== null) return `trained on ${report.trainFrom.join(' ')}`;
  if (report.split === null) return 'no split';
  return report.split.kind === 'fraction' ? `trained on the earliest ${formatPercent(report.split.fraction)} of records` : `trained before ${new Date(report.split.ts * 1000).toISOString()}`;
}

function describeCounts(m: ModuleEvaluation): string {
  const c = m.counts;
  const parts = [`trained on ${c.training} records (${c.withheldAttacks} attacks withheld)`, `tested ${c.testing}: ${c.testAttacks} attack, ${c.testBenign} benign, ${c.testUnknown} unknown (not measured)`];
  if (c.rejected > 0) parts.push(`${c.rejected} refused by the engine`);
  if (m.cutTs !== null) parts.push(`test period from ts ${m.cutTs}`);
  return parts.join('; ');
}

function metricRow(name: string, m: DetectionMetrics, threshold: number | null): string[] {
  return [
    name,
    String(m.attacks),
    String(m.benign),
    formatFixed(m.rocAuc),
    formatFixed(m.prAuc),
    m.recall === null ? '-' : formatPercent(m.recall),
    m.falsePositiveRate === null ? '-' : formatPercent(m.falsePositiveRate),
    m.alertsPer10kBenign === null ? '-' : formatNumber(m.alertsPer10kBenign),
    threshold === null ? '-' : formatNumber(threshold),
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
}

function formatFixed(value: number | null): string {
  return value === null ? '-' : value.toFixed(4);
}

function formatPercent(value: number): string {
  return `${Number((value * 100).toPrecision(3))}%`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
