// Time split for evaluation: train on the earlier period, test on the later one, so no record from
// the test period leaks into training (and host context runs forward in time, as it does live).
import { UsageError } from '../errors.js';

/** Earlier share of the records (`--split 0.5`) or an explicit cut (`--split-ts`). */
export type TimeSplit = { kind: 'fraction'; fraction: number } | { kind: 'timestamp'; ts: number };

export interface SplitResult<T> {
  /** records with ts < cutTs, in time order */
  earlier: T[];
  /** records with ts ≥ cutTs, in time order */
  later: T[];
  /** the first instant of the later period (null when there are no records) */
  cutTs: number | null;
}

/**
 * Parses `--split-ts`: epoch seconds (`1655071200`, `1655071200.5`) or an ISO 8601 date-time
 * (`2022-06-12T22:00:00Z`; without a zone it is read as UTC). Throws UsageError otherwise.
 */
export function parseSplitTimestamp(text: string): number {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) && trimmed.length > 10;
    const iso = trimmed.replace(' ', 'T');
    const millis = Date.parse(hasZone ? iso : iso.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`);
    if (!Number.isNaN(millis)) return millis / 1000;
  }
  throw new UsageError(`--split-ts: "${text}" is neither epoch seconds nor an ISO 8601 date-time`);
}

/**
 * Stable sort by timestamp; entries whose `tsOf` is not a finite number cannot be placed in time and
 * are returned separately (the caller counts and reports them).
 */
export function sortByTime<T>(entries: readonly T[], tsOf: (entry: T) => number | undefined): { sorted: T[]; untimed: T[] } {
  const timed: { entry: T; ts: number; order: number }[] = [];
  const untimed: T[] = [];
  entries.forEach((entry, order) => {
    const ts = tsOf(entry);
    if (ts !== undefined && Number.isFinite(ts)) timed.push({ entry, ts, order });
    else untimed.push(entry);
  });
  timed.sort((a, b) => a.ts - b.ts || a.order - b.order);
  return { sorted: timed.map((t) => t.entry), untimed };
}

/**
 * Splits time-ordered entries at one instant. For a fraction f the cut is the timestamp of entry
 * ⌊n·f⌋, and entries sharing that timestamp all fall in the later period, so the two periods never
 * overlap in time.
 */
export function splitByTime<T>(sorted: readonly T[], split: TimeSplit, tsOf: (entry: T) => number): SplitResult<T> {
  if (sorted.length === 0) return { earlier: [], later: [], cutTs: null };
  let cutTs: number;
  if (split.kind === 'fraction') {
    if (!(split.fraction > 0 && split.fraction < 1)) throw new UsageError(`--split must be between 0 and 1 (got ${split.fraction})`);
    cutTs = tsOf(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * split.fraction))]!);
  } else {
    cutTs = split.ts;
  }
  let index = 0;
  while (index < sorted.length && tsOf(sorted[index]!) < cutTs) index++;
  return { earlier: sorted.slice(0, index), later: sorted.slice(index), cutTs };
}
