// The NDJSON score output: one JSON object per scored record, appended, never truncated.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { ScoredRecord } from '../pipeline/record-scorer.js';

/** Where a score line goes, piece by piece: a string, or bytes ready for the file. */
interface LineSink {
  /** text known to be ASCII (field names, numbers, JSON punctuation) */
  ascii(text: string): void;
  /** any text, written as UTF-8 */
  text(text: string): void;
}

/**
 * One output line. Field names follow Zeek's JSON logs (`id.orig_h`, ...) so the file can be
 * shipped to a SIEM next to Zeek's own logs.
 */
export function formatScoreLine(s: ScoredRecord): string {
  const line = new StringLine();
  emitScoreLine(s, line);
  return line.value;
}

/** Built by hand: this runs once per record, and JSON.stringify of a fresh object is the slow part. */
function emitScoreLine(s: ScoredRecord, out: LineSink): void {
  out.ascii('{"ts":');
  out.ascii(timeText(s.ts));
  out.ascii(',"uid":');
  jsonString(s.uid, out);
  out.ascii(',"stream":"');
  out.ascii(s.stream);
  out.ascii('","id.orig_h":');
  jsonString(s.origH, out);
  out.ascii(',"id.orig_p":');
  out.ascii(num(s.origP));
  out.ascii(',"id.resp_h":');
  jsonString(s.respH, out);
  out.ascii(',"id.resp_p":');
  out.ascii(num(s.respP));
  out.ascii(',"proto":');
  jsonString(s.proto, out);
  out.ascii(',"score":');
  out.ascii(num(s.score));
  out.ascii(',"threshold":');
  out.ascii(thresholdText(s.threshold));
  out.ascii(',"p":');
  out.ascii(num(s.probability));
  out.ascii(s.anomalous ? ',"anomalous":true,"model":"' : ',"anomalous":false,"model":"');
  out.text(s.model);
  out.ascii('"');
  if (s.top.length > 0) {
    out.ascii(',"top":');
    out.text(JSON.stringify(s.top.map((t) => ({ feature: t.feature, says: t.says }))));
  }
  out.ascii('}\n');
}

class StringLine implements LineSink {
  value = '';
  ascii(text: string): void {
    this.value += text;
  }
  text(text: string): void {
    this.value += text;
  }
}

/**
 * Score lines as UTF-8 bytes, written straight into a buffer. A line built as one string is a rope of ~25 pieces,
 * and flattening and encoding the ropes cost more than formatting them did (~3 µs a line in `score`'s profile).
 */
export class ScoreLineEncoder implements LineSink {
  bytes: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  ascii(text: string): void {
    this.reserve(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  text(text: string): void {
    this.reserve(3 * text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        // the rest through Node's encoder, which writes UTF-8 as Buffer.from(string) does
        this.length = at + bytes.write(text.slice(i), at, 'utf8');
        return;
      }
      bytes[at++] = c;
    }
    this.length = at;
  }

  /** Appends the line of one scored record. */
  add(scored: ScoredRecord): void {
    emitScoreLine(scored, this);
  }

  /** Appends lines encoded elsewhere (by a scoring worker). */
  addBytes(lines: Uint8Array): void {
    this.reserve(lines.length);
    this.bytes.set(lines, this.length);
    this.length += lines.length;
  }

  /** A copy of the bytes written so far, sized to them (to post to another thread). */
  copy(): Uint8Array {
    return Uint8Array.prototype.slice.call(this.bytes, 0, this.length);
  }

  /** Takes the bytes written so far, leaving a fresh buffer (the stream keeps the old one until it is written). */
  take(): Buffer {
    const taken = this.bytes.subarray(0, this.length);
    this.bytes = Buffer.allocUnsafe(this.bytes.length);
    this.length = 0;
    return taken;
  }

  /** Room for `more` bytes (UTF-8 needs at most 3 per UTF-16 unit). */
  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + more));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
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

/** The last whole second written and its text: consecutive records mostly share it. */
let lastSecond = Number.NaN;
let lastSecondText = '';

/**
 * Same text as String(ts) for Zeek's microsecond timestamps, several times faster. Below 2^32 the spacing of doubles is
 * under 1 µs, so when the whole microsecond count round-trips (µs / 1e6 is correctly rounded, as parsing the
 * decimal is) that decimal, trailing zeros dropped, is the shortest text that reads back as ts: what String prints.
 */
function timeText(ts: number | null): string {
  if (ts === null || !(ts >= 1 && ts < 4294967296)) return num(ts);
  const micros = Math.round(ts * 1e6);
  if (micros / 1e6 !== ts) return num(ts);
  const second = Math.floor(micros / 1e6);
  let fraction = micros - second * 1e6;
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = String(second);
  }
  if (fraction === 0) return lastSecondText;
  let digits = 6;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  const text = String(fraction);
  return `${lastSecondText}.${'00000'.slice(0, digits - text.length)}${text}`;
}

function jsonString(v: string | null, out: LineSink): void {
  if (v === null) out.ascii('null');
  else if (needsJsonEscape(v)) out.text(JSON.stringify(v));
  else {
    out.ascii('"');
    out.text(v);
    out.ascii('"');
  }
}

/** True when JSON.stringify would escape something: a quote, a backslash, a control character or a surrogate. */
function needsJsonEscape(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** Longest a score line waits in memory before it is handed to the file. */
const FLUSH_DELAY_MS = 200;
/** Buffered bytes that make a write to the file. */
const FLUSH_BYTES = 64 * 1024;

/** Appends score lines to a file (or stdout for `-`), buffering writes; close() flushes. */
export class ScoreFileWriter {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  private readonly ownsStream: boolean;
  private readonly pending = new ScoreLineEncoder(FLUSH_BYTES + 8 * 1024);
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
    this.pending.add(scored);
    this.lines++;
    this.schedule();
  }

  /** Append lines already encoded (by a ScoreLineEncoder, perhaps in a scoring worker). */
  writeLines(lines: Uint8Array, count: number): void {
    if (count === 0) return;
    this.pending.addBytes(lines);
    this.lines += count;
    this.schedule();
  }

  /** Large batches go out at once; a trickle (live traffic) goes out within FLUSH_DELAY_MS. */
  private schedule(): void {
    if (this.pending.length >= FLUSH_BYTES) this.flushPending();
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
    this.stream.write(this.pending.take());
  }

  async close(): Promise<void> {
    this.flushPending();
    if (!this.ownsStream) return;
    await new Promise<void>((resolve, reject) => {
      (this.stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}
