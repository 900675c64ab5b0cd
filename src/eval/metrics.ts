// Detection metrics over scored, labelled records: ROC AUC, average precision, the ROC curve, and
// the counts at the calibrated threshold (recall, false-positive rate, alerts per 10,000 benign).

/** One scored record as the metrics see it. Higher `score` means more anomalous. */
export interface LabelledScore {
  score: number;
  attack: boolean;
  /** the record was flagged at the calibrated threshold */
  alerted: boolean;
  /** attack family (detailedlabel, CSV label, …); ignored for benign records */
  attackLabel?: string;
}

/** A point of the ROC curve: the rates when every record scoring ≥ `threshold` is an alert. */
export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold: number;
}

export interface LabelRecall {
  records: number;
  detected: number;
  recall: number;
}

export interface DetectionMetrics {
  attacks: number;
  benign: number;
  /** Mann–Whitney AUC, ties counted one half; null when either class is empty */
  rocAuc: number | null;
  /** average precision (area under the step precision–recall curve); null without attacks */
  prAuc: number | null;
  truePositives: number;
  falsePositives: number;
  /** attacks alerted / attacks; null without attacks */
  recall: number | null;
  /** benign alerted / benign; null without benign */
  falsePositiveRate: number | null;
  /** false positives per 10,000 benign records; null without benign */
  alertsPer10kBenign: number | null;
  /** recall of each attack label, by label */
  recallByLabel: Record<string, LabelRecall>;
  roc: RocPoint[];
}

/**
 * ROC AUC as the Mann–Whitney statistic: the probability that a random attack scores above a random
 * benign record, ties counting one half. With midranks R over all n records,
 *   AUC = (Σ_{attacks} R − n₊(n₊ + 1)/2) / (n₊ · n₋),
 * which equals the trapezoid area under the ROC curve with tied scores forming one diagonal step.
 */
export function rocAuc(scores: readonly LabelledScore[]): number | null {
  const { positives, negatives } = classCounts(scores);
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...scores].sort((a, b) => a.score - b.score);
  let rankSumOfAttacks = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end < sorted.length && sorted[end]!.score === sorted[start]!.score) end++;
    // ranks start+1 … end share their mean
    const midrank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) if (sorted[i]!.attack) rankSumOfAttacks += midrank;
    start = end;
  }
  return (rankSumOfAttacks - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision, AP = Σ_k (R_k − R_{k−1}) · P_k over the distinct score thresholds taken from
 * the highest down (records with equal scores enter together, so the value does not depend on the
 * order of ties). Null when there are no attacks.
 */
export function averagePrecision(scores: readonly LabelledScore[]): number | null {
  const { positives } = classCounts(scores);
  if (positives === 0) return null;
  let ap = 0;
  let truePositives = 0;
  let alerts = 0;
  let previousRecall = 0;
  for (const group of groupsByDescendingScore(scores)) {
    truePositives += group.attacks;
    alerts += group.size;
    const recall = truePositives / positives;
    ap += (recall - previousRecall) * (truePositives / alerts);
    previousRecall = recall;
  }
  return ap;
}

/** The ROC curve from (0,0) to (1,1), one point per distinct score. Empty when a class is missing. */
export function rocCurve(scores: readonly LabelledScore[]): RocPoint[] {
  const { positives, negatives } = classCounts(scores);
  if (positives === 0 || negatives === 0) return [];
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let truePositives = 0;
  let falsePositives = 0;
  for (const group of groupsByDescendingScore(scores)) {
    truePositives += group.attacks;
    falsePositives += group.size - group.attacks;
    points.push({ fpr: falsePositives / negatives, tpr: truePositives / positives, threshold: group.score });
  }
  return points;
}

/** Thins a ROC curve to at most `maxPoints` evenly spaced points (ends kept) for plots and JSON. */
export function thinRocCurve(points: readonly RocPoint[], maxPoints = 200): RocPoint[] {
  if (points.length <= maxPoints) return [...points];
  const kept: RocPoint[] = [];
  const step = (points.length - 1) / (maxPoints - 1);
  for (let i = 0; i < maxPoints; i++) kept.push(points[Math.round(i * step)]!);
  return kept;
}

/** False positives per 10,000 benign records: 10⁴ · FP / benign. Null without benign records. */
export function alertsPer10k(falsePositives: number, benign: number): number | null {
  return benign === 0 ? null : (falsePositives * 10_000) / benign;
}

/** Every metric for one set of scored records. */
export function detectionMetrics(scores: readonly LabelledScore[]): DetectionMetrics {
  const { positives, negatives } = classCounts(scores);
  let truePositives = 0;
  let falsePositives = 0;
  const byLabel = new Map<string, { records: number; detected: number }>();
  for (const s of scores) {
    if (s.attack) {
      if (s.alerted) truePositives++;
      const label = s.attackLabel ?? 'attack';
      const entry = byLabel.get(label) ?? { records: 0, detected: 0 };
      entry.records++;
      if (s.alerted) entry.detected++;
      byLabel.set(label, entry);
    } else if (s.alerted) {
      falsePositives++;
    }
  }
  const recallByLabel: Record<string, LabelRecall> = {};
  for (const [label, { records, detected }] of [...byLabel].sort((a, b) => b[1].records - a[1].records)) {
    recallByLabel[label] = { records, detected, recall: detected / records };
  }
  return {
    attacks: positives,
    benign: negatives,
    rocAuc: rocAuc(scores),
    prAuc: averagePrecision(scores),
    truePositives,
    falsePositives,
    recall: positives === 0 ? null : truePositives / positives,
    falsePositiveRate: negatives === 0 ? null : falsePositives / negatives,
    alertsPer10kBenign: alertsPer10k(falsePositives, negatives),
    recallByLabel,
    roc: thinRocCurve(rocCurve(scores)),
  };
}

function classCounts(scores: readonly LabelledScore[]): { positives: number; negatives: number } {
  let positives = 0;
  for (const s of scores) if (s.attack) positives++;
  return { positives, negatives: scores.length - positives };
}

interface ScoreGroup {
  score: number;
  size: number;
  attacks: number;
}

function groupsByDescendingScore(scores: readonly LabelledScore[]): ScoreGroup[] {
  const sorted = [...scores].sort((a, b) => b.score - a.score);
  const groups: ScoreGroup[] = [];
  for (const s of sorted) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.score === s.score) {
      last.size++;
      if (s.attack) last.attacks++;
    } else {
      groups.push({ score: s.score, size: 1, attacks: s.attack ? 1 : 0 });
    }
  }
  return groups;
}

/** Counts of benign and attack scores in equal-width bins of log10(score), for the report's histograms. */
export interface ScoreHistogram {
  /** bin edges in log10(score); bins.length + 1 entries */
  log10Edges: number[];
  benign: number[];
  attack: number[];
}

/**
 * Histogram of log10(score) per class over `bins` equal bins spanning every positive score
 * (RMSE scores span orders of magnitude, so a linear axis would put every benign record in one bin).
 * Scores ≤ 0 (nothing to reconstruct) go to the first bin.
 */
export function scoreHistogram(scores: readonly LabelledScore[], bins = 40): ScoreHistogram {
  const logs = scores.map((s) => (s.score > 0 ? Math.log10(s.score) : Number.NaN));
  const finite = logs.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { log10Edges: [], benign: [], attack: [] };
  // a loop, not Math.min(...): spreading a large array overflows the call stack
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of finite) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const log10Edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const benign = new Array<number>(bins).fill(0);
  const attack = new Array<number>(bins).fill(0);
  scores.forEach((s, i) => {
    const v = logs[i]!;
    const bin = Number.isFinite(v) ? Math.min(bins - 1, Math.floor((v - lo) / width)) : 0;
    (s.attack ? attack : benign)[bin]!++;
  });
  return { log10Edges, benign, attack };
}
