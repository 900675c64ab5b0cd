// The NDJSON score output: one JSON object per scored record, appended, never truncated.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { ScoredRecord } from '../pipeline/record-scorer.js';

/**
 * One output line. Field names follow Zeek's JSON logs (`id.orig_h`, ...) so the file can be
 * shipped to a SIEM next to Zeek's own logs.
 */
export function formatScoreLine(s: ScoredRecord): string {
  // Built by hand: this runs once per record and JSON.stringify of a fresh object is the slow part.
  let line =
    `{"ts":${num(s.ts)},"uid":${str(s.uid)},"stream":"${s.stream}"` +
    `,"id.orig_h":${str(s.origH)},"id.orig_p":${num(s.origP)},"id.resp_h":${str(s.respH)},"id.resp_p":${num(s.respP)}` +
    `,"proto":${str(s.proto)},"score":${num(s.score)},"threshold":${thresholdText(s.threshold)},"p":${num(s.probability)}` +
    `,"anomalous":${s.anomalous},"model":"${s.model}"`;
  if (s.top.length > 0) line += `,"top":${JSON.stringify(s.top.map((t) => ({ feature: t.feature, says: t.says })))}`;
  return line + '}\n';
}

function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'null' : String(v);
}

/** The last threshold written and its text: one model's threshold repeats on every line, and String(double) is slow. */
let lastThreshold = Number.NaN;
let lastThresholdText = 'null';

function thresholdText(threshold: number): string {
  if (threshold !== lastThreshold) {
    lastThreshold = threshold;
    lastThresholdText = num(threshold);
  }
  return lastThresholdText;
}

function str(v: string | null): string {
  return v === null ? 'null' : JSON.stringify(v);
}

/** Longest a score line waits in memory before it is handed to the file. */
const FLUSH_DELAY_MS = 200;

/** Appends score lines to a file (or stdout for `-`), buffering writes; close() flushes. */
export class ScoreFileWriter {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  private readonly ownsStream: boolean;
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  lines = 0;

  constructor(target: string) {
    if (target === '-') {
      this.stream = process.stdout;
      this.ownsStream = false;
    } else {
      mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
      // 'a': a restarted sidecar continues the file; every line is complete, so it stays valid NDJSON
      this.stream = createWriteStream(target, { flags: 'a' });
      this.ownsStream = true;
    }
  }

  write(scored: ScoredRecord): void {
    this.pending += formatScoreLine(scored);
    this.lines++;
    this.schedule();
  }

  /** Append already formatted lines (from a scoring worker). */
  writeLines(text: string, count: number): void {
    if (count === 0) return;
    this.pending += text;
    this.lines += count;
    this.schedule();
  }

  /** Large batches go out at once; a trickle (live traffic) goes out within FLUSH_DELAY_MS. */
  private schedule(): void {
    if (this.pending.length >= 64 * 1024) this.flushPending();
    else if (this.timer === undefined && this.pending.length > 0) {
      this.timer = setTimeout(() => this.flushPending(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Hand buffered lines to the stream; resolves when the stream has accepted them. */
  async flush(): Promise<void> {
    this.flushPending();
    await new Promise<void>((resolve) => {
      if (this.stream.writableNeedDrain) this.stream.once('drain', () => resolve());
      else resolve();
    });
  }

  private flushPending(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    this.stream.write(this.pending);
    this.pending = '';
  }

  async close(): Promise<void> {
    this.flushPending();
    if (!this.ownsStream) return;
    await new Promise<void>((resolve, reject) => {
      (this.stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}
