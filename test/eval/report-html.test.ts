// Pins the HTML report: self-contained (no external src/href, no scripts), inline SVG for the ROC
// curve and histograms, balanced tags, and escaped label text.
import { expect } from 'chai';
import { formatHtmlReport } from '../../src/eval/report-html.js';
import type { EvalReport, ModuleEvaluation } from '../../src/eval/evaluate.js';
import { detectionMetrics, scoreHistogram, type LabelledScore } from '../../src/eval/metrics.js';
import { checkAlertRate } from '../../src/eval/alert-rate.js';

function sampleReport(): EvalReport {
  const scores: LabelledScore[] = [];
  for (let i = 0; i < 200; i++) scores.push({ score: 0.01 + (i % 17) / 1000, attack: false, alerted: i === 3 });
  for (let i = 0; i < 40; i++) scores.push({ score: 0.2 + i / 100, attack: true, alerted: i > 5, attackLabel: i % 2 ? 'scan' : '<script>alert(1)</script>' });
  const metrics = detectionMetrics(scores);
  const module: ModuleEvaluation = {
    module: 'CONN',
    files: ['conn.log'],
    trainFiles: ['conn.log'],
    cutTs: 1_700_000_000,
    counts: { read: 480, untimed: 0, training: 240, withheldAttacks: 0, testing: 240, testAttacks: 40, testBenign: 200, testUnknown: 0, rejected: 0 },
    threshold: 0.25,
    calibration: { mu: -4, sigma: 0.5, method: 'tail-fit', samples: 300, tailSamples: 18, maxScore: 0.2, expectedFpr: 1e-4, summary: 'threshold 0.25 from a power-law tail fitted to the top 18 of 300 calibration scores (largest 0.2), target false-positive rate 0.0001' },
    alertRate: checkAlertRate(metrics.falsePositives, metrics.benign, 1e-4),
    targetFpr: 1e-4,
    metrics,
    histogram: scoreHistogram(scores),
    topFalsePositives: [{ uid: 'Cabc', ts: 1, origH: '10.0.0.1', respH: '10.0.0.2', respP: 80, score: 0.3, because: ['bytes: 5 & more'] }],
    notes: [],
  };
  return {
    format: 'autozeekwatch.eval',
    version: 1,
    createdAt: '2024-01-01T00:00:00.000Z',
    featureSet: 'default',
    inputs: ['conn.log'],
    trainFrom: null,
    split: { kind: 'fraction', fraction: 0.5 },
    trainOn: 'non-attack',
    labelSources: ['uid,label CSV https://example.com/labels.csv'],
    targetFpr: 1e-4,
    modules: [module, { ...module, module: 'DNS' }],
    overall: metrics,
    overallAlertRate: checkAlertRate(metrics.falsePositives, metrics.benign, 1e-4),
    labelProblems: [],
    unmatchedUids: { count: 0, examples: [] },
    read: { records: 480, skipped: 0, byReason: {} },
  };
}

/** Open/close balance of every non-void element, in order; throws on a mismatch. */
function checkTagBalance(html: string): void {
  const voidElements = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const [, closing, rawName, rest] = match;
    const name = rawName!.toLowerCase();
    if (voidElements.has(name) || rest!.endsWith('/')) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      stack.push(name);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
}

describe('eval HTML report', () => {
  const html = formatHtmlReport(sampleReport());

  it('is self-contained: no external src or href, no scripts, no stylesheet links', () => {
    expect(html).not.to.match(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.to.match(/<script/i);
    expect(html).not.to.match(/<link/i);
  });

  it('draws the ROC curve and the histograms as inline SVG', () => {
    expect(html.match(/<svg /g)).to.have.length(4); // ROC + histogram per module
    expect(html).to.match(/<path d="M[\d.]+,[\d.]+ L/);
    expect(html).to.include('stroke-dasharray="5 3"'); // threshold line
  });

  it('has balanced tags and escapes label text', () => {
    expect(() => checkTagBalance(html)).not.to.throw();
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.include('bytes: 5 &amp; more');
    expect(html.startsWith('<!DOCTYPE html>')).to.equal(true);
  });

  it('says how the threshold was calibrated and what the benign alert rate can and cannot show', () => {
    const html = formatHtmlReport(sampleReport());
    expect(html).to.include('Calibration: threshold 0.25 from a power-law tail fitted to the top 18 of 300 calibration scores');
    expect(html).to.match(/Benign alert rate: 1 of 200 \(50 per 10k, 95% CI [\d.]+–[\d.]+\); 0\.02 expected at the calibrated rate; above 2× the target/);
  });

  it('the tag check itself catches an unbalanced page', () => {
    expect(() => checkTagBalance('<div><p></div>')).to.throw();
  });
});
