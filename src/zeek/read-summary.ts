// Counts what a read produced and what it had to skip or repair, so bad input is reported instead of crashing a run.
import { ZeekLogParseError } from '../errors.js';

/** How many parse problems are kept verbatim for the human summary. */
const MAX_EXAMPLES = 20;

/**
 * Tally of one or more reads: records yielded, records skipped (by reason), and records kept after a repair
 * (invalid UTF-8 bytes replaced). Readers call `recordError` for every skipped record or lost piece of input.
 */
export class ReadSummary {
  /** records yielded to the caller */
  records = 0;
  /** records (or unreadable pieces of input) dropped; one per `recordError` call */
  skipped = 0;
  /** records kept after a repair, e.g. invalid UTF-8 bytes turned into `\xNN` characters */
  repaired = 0;
  readonly byReason = new Map<string, number>();
  readonly repairedByReason = new Map<string, number>();
  /** the first few problems (skips and repairs), for the human summary */
  readonly examples: ZeekLogParseError[] = [];

  /** Counts a skipped record or lost input. */
  recordError(err: ZeekLogParseError): void {
    this.skipped++;
    this.byReason.set(err.reason, (this.byReason.get(err.reason) ?? 0) + 1);
    this.keepExample(err);
  }

  /** Counts a record that was kept after its input had to be repaired. */
  recordRepair(err: ZeekLogParseError): void {
    this.repaired++;
    this.repairedByReason.set(err.reason, (this.repairedByReason.get(err.reason) ?? 0) + 1);
    this.keepExample(err);
  }

  /** Adds another summary's counts (e.g. one per file) into this one. */
  merge(other: ReadSummary): void {
    this.records += other.records;
    this.skipped += other.skipped;
    this.repaired += other.repaired;
    for (const [reason, n] of other.byReason) this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + n);
    for (const [reason, n] of other.repairedByReason) {
      this.repairedByReason.set(reason, (this.repairedByReason.get(reason) ?? 0) + n);
    }
    for (const err of other.examples) this.keepExample(err);
  }

  /** A multi-line human summary: totals, counts per reason, then the first examples. */
  format(): string {
    const lines = [`records read: ${this.records}`, `records skipped: ${this.skipped}`];
    for (const [reason, n] of [...this.byReason].sort((a, b) => b[1] - a[1])) lines.push(`  ${reason}: ${n}`);
    if (this.repaired > 0) {
      lines.push(`records repaired and kept: ${this.repaired}`);
      for (const [reason, n] of [...this.repairedByReason].sort((a, b) => b[1] - a[1])) lines.push(`  ${reason}: ${n}`);
    }
    if (this.examples.length > 0) {
      lines.push(`first ${this.examples.length} problem(s):`);
      for (const err of this.examples) lines.push(`  ${err.message}`);
    }
    return lines.join('\n');
  }

  private keepExample(err: ZeekLogParseError): void {
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(err);
  }
}
