// The evaluation as one self-contained HTML page (`--html out.html`): the tables, and per module the
// ROC curve and benign/attack score histograms drawn as inline SVG. No scripts, fonts or links out.
import { writeFile } from 'node:fs/promises';
import type { EvalReport, ModuleEvaluation } from './evaluate.js';
import type { DetectionMetrics, RocPoint, ScoreHistogram } from './metrics.js';
import { describeAlertRate } from './report-text.js';

const BENIGN_COLOUR = '#4a7ab5';
const ATTACK_COLOUR = '#c8463c';

export function formatHtmlReport(report: EvalReport): string {
  const target = report.targetFpr * 10_000;
  const body: string[] = [];
  body.push(`<h1>AutoZeekWatch evaluation</h1>`);
  body.push(
    `<p>${escape(report.featureSet)} features; ${report.trainFrom ? `trained on ${escape(report.trainFrom.join(' '))}` : `time split ${escape(JSON.stringify(report.split))}`}; training on ${escape(report.trainOn)} records; target ${fmt(target)} alerts per 10,000 benign records. Created ${escape(report.createdAt)}.</p>`,
  );
  body.push('<ul>' + report.labelSources.map((s) => `<li>ground truth: ${escape(s)}</li>`).join('') + '</ul>');
  body.push(summaryTable(report));
  for (const m of report.modules) body.push(moduleSection(m, target));
  if (report.unmatchedUids.count > 0) {
    body.push(`<p>${report.unmatchedUids.count} uid(s) of the labels file were not found in the logs (e.g. ${escape(report.unmatchedUids.examples.join(', '))}).</p>`);
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<title>AutoZeekWatch evaluation</title>',
    `<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:0 1em 1em 0}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export async function writeHtmlReport(file: string, report: EvalReport): Promise<void> {
  await writeFile(file, formatHtmlReport(report), 'utf8');
}

function summaryTable(report: EvalReport): string {
  const head = ['module', 'attacks', 'benign', 'ROC AUC', 'PR AUC', 'recall', 'FPR', 'alerts/10k benign', 'threshold'];
  const rows = report.modules.map((m) => (m.metrics ? metricCells(m.module, m.metrics, m.threshold) : [m.module, '-', '-', m.error ?? 'not evaluated', '', '', '', '', '']));
  if (report.modules.length > 1) rows.push(metricCells('overall', report.overall, null));
  return `<table><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function metricCells(name: string, m: DetectionMetrics, threshold: number | null): string[] {
  return [
    name,
    String(m.attacks),
    String(m.benign),
    m.rocAuc === null ? '-' : m.rocAuc.toFixed(4),
    m.prAuc === null ? '-' : m.prAuc.toFixed(4),
    m.recall === null ? '-' : percent(m.recall),
    m.falsePositiveRate === null ? '-' : percent(m.falsePositiveRate),
    m.alertsPer10kBenign === null ? '-' : fmt(m.alertsPer10kBenign),
    threshold === null ? '-' : fmt(threshold),
  ];
}

function moduleSection(m: ModuleEvaluation, target: number): string {
  const parts = [`<h2>${escape(m.module)}</h2>`];
  if (m.error) parts.push(`<p>${escape(m.error)}</p>`);
  if (m.metrics) {
    parts.push(
      `<p>Alerts per 10,000 benign records: ${m.metrics.alertsPer10kBenign === null ? '-' : fmt(m.metrics.alertsPer10kBenign)} (target ${fmt(target)}).</p>`,
    );
    if (m.alertRate !== null) parts.push(`<p>Benign alert rate: ${escape(describeAlertRate(m.alertRate))}.</p>`);
    if (m.calibration !== null) parts.push(`<p>Calibration: ${escape(m.calibration.summary)}.</p>`);
    const labels = Object.entries(m.metrics.recallByLabel);
    if (labels.length > 0) {
      parts.push(
        `<table><thead><tr><th>attack label</th><th>records</th><th>detected</th><th>recall</th></tr></thead><tbody>${labels
          .map(([label, r]) => `<tr><td>${escape(label)}</td><td>${r.records}</td><td>${r.detected}</td><td>${percent(r.recall)}</td></tr>`)
          .join('')}</tbody></table>`,
      );
    }
    parts.push(`<figure>${rocSvg(m.metrics.roc)}<figcaption>ROC curve (AUC ${m.metrics.rocAuc === null ? '-' : m.metrics.rocAuc.toFixed(4)})</figcaption></figure>`);
  }
  if (m.histogram && m.histogram.log10Edges.length > 0) {
    parts.push(`<figure>${histogramSvg(m.histogram, m.threshold)}<figcaption>scores (log scale): benign in blue, attacks in red, threshold dashed</figcaption></figure>`);
  }
  if (m.topFalsePositives.length > 0) {
    parts.push('<p>Highest-scoring benign records that alerted:</p><ul>');
    for (const fp of m.topFalsePositives) {
      parts.push(`<li>uid ${escape(fp.uid ?? '-')} ${escape(fp.origH ?? '-')} → ${escape(fp.respH ?? '-')}:${fp.respP ?? '-'}, score ${fmt(fp.score)}: ${escape(fp.because.join('; '))}</li>`);
    }
    parts.push('</ul>');
  }
  for (const note of m.notes) parts.push(`<p>Note: ${escape(note)}</p>`);
  return parts.join('\n');
}

const SIZE = 280;
const PAD = 36;

function rocSvg(points: readonly RocPoint[]): string {
  const inner = SIZE - 2 * PAD;
  const x = (fpr: number) => PAD + fpr * inner;
  const y = (tpr: number) => SIZE - PAD - tpr * inner;
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.fpr).toFixed(1)},${y(p.tpr).toFixed(1)}`).join(' ');
  return [
    `<svg width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" role="img">`,
    `<rect x="${PAD}" y="${PAD}" width="${inner}" height="${inner}" fill="none" stroke="#999"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#ccc" stroke-dasharray="4 3"/>`,
    points.length > 0 ? `<path d="${path}" fill="none" stroke="${ATTACK_COLOUR}" stroke-width="2"/>` : '',
    `<text x="${SIZE / 2}" y="${SIZE - 8}" font-size="11" text-anchor="middle">false-positive rate</text>`,
    `<text x="12" y="${SIZE / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${SIZE / 2})">recall</text>`,
    `<text x="${PAD}" y="${SIZE - PAD + 14}" font-size="10">0</text>`,
    `<text x="${SIZE - PAD}" y="${SIZE - PAD + 14}" font-size="10" text-anchor="end">1</text>`,
    '</svg>',
  ].join('');
}

function histogramSvg(h: ScoreHistogram, threshold: number | null): string {
  const width = 2 * SIZE;
  const inner = width - 2 * PAD;
  const height = SIZE - 2 * PAD;
  const bins = h.benign.length;
  const lo = h.log10Edges[0]!;
  const hi = h.log10Edges[bins]!;
  // separate vertical scales: attacks are often far fewer than benign records, and vice versa
  const maxBenign = Math.max(1, ...h.benign);
  const maxAttack = Math.max(1, ...h.attack);
  const barWidth = inner / bins;
  const bars: string[] = [];
  for (let i = 0; i < bins; i++) {
    const bx = PAD + i * barWidth;
    const bh = (h.benign[i]! / maxBenign) * height;
    const ah = (h.attack[i]! / maxAttack) * height;
    if (bh > 0) bars.push(`<rect x="${bx.toFixed(1)}" y="${(SIZE - PAD - bh).toFixed(1)}" width="${(barWidth / 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${BENIGN_COLOUR}"/>`);
    if (ah > 0) bars.push(`<rect x="${(bx + barWidth / 2).toFixed(1)}" y="${(SIZE - PAD - ah).toFixed(1)}" width="${(barWidth / 2).toFixed(1)}" height="${ah.toFixed(1)}" fill="${ATTACK_COLOUR}"/>`);
  }
  let thresholdLine = '';
  if (threshold !== null && threshold > 0) {
    const t = Math.log10(threshold);
    const tx = PAD + ((Math.min(hi, Math.max(lo, t)) - lo) / (hi - lo)) * inner;
    thresholdLine = `<line x1="${tx.toFixed(1)}" y1="${PAD}" x2="${tx.toFixed(1)}" y2="${SIZE - PAD}" stroke="#222" stroke-dasharray="5 3"/>`;
  }
  return [
    `<svg width="${width}" height="${SIZE}" viewBox="0 0 ${width} ${SIZE}" role="img">`,
    `<line x1="${PAD}" y1="${SIZE - PAD}" x2="${width - PAD}" y2="${SIZE - PAD}" stroke="#999"/>`,
    ...bars,
    thresholdLine,
    `<text x="${PAD}" y="${SIZE - PAD + 14}" font-size="10">${fmt(10 ** lo)}</text>`,
    `<text x="${width - PAD}" y="${SIZE - PAD + 14}" font-size="10" text-anchor="end">${fmt(10 ** hi)}</text>`,
    `<text x="${width / 2}" y="${SIZE - 8}" font-size="11" text-anchor="middle">score (RMSE, log scale)</text>`,
    '</svg>',
  ].join('');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function percent(value: number): string {
  return `${Number((value * 100).toPrecision(3))}%`;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
