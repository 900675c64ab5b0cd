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
    `{"ts":${timeText(s.ts)},"uid":${str(s.uid)},"stream":"${s.stream}"` +
    `,"id.orig_h":${str(s.origH)},"id.orig_p":${num(s.origP)},"id.resp_h":${str(s.respH)},"id.resp_p":${num(s.respP)}` +
    `,"proto":${str(s.proto)},"score":${exactText(s.score)},"threshold":${thresholdText(s.threshold)},"p":${exactText(s.probability)}` +
    `,"anomalous":${s.anomalous},"model":${str(s.model)}`;
  if (s.top.length > 0) line += `,"top":${JSON.stringify(s.top.map((t) => ({ feature: t.feature, says: t.says })))}`;
  return line + '}\n';
}

/**
 * Score lines as UTF-8 bytes in one growing buffer, each line encoded as soon as it is formatted. Appending lines to
 * a string instead builds a rope of thousands of pieces, and flattening and encoding that at every flush cost more
 * than formatting the lines (~3 µs a line in `score`'s profile).
 */
export class ScoreLineEncoder {
  /** bytes written so far */
  length = 0;
  private bytes: Buffer;
  private readonly capacity: number;
  /** buffers handed back by recycle(), ready for take() to reuse */
  private readonly spares: Buffer[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  /**
   * Appends the line of one scored record: formatScoreLine's bytes, written straight into the buffer, which costs a
   * third of building the line as a string and encoding it (~1 µs of a record's ~10 in `score`).
   */
  add(scored: ScoredRecord): void {
    let strings = textLength(scored.uid) + textLength(scored.origH) + textLength(scored.respH) + textLength(scored.proto) + textLength(scored.model);
    for (const t of scored.top) strings += TOP_ENTRY_BYTES + textLength(t.feature) + textLength(t.says);
    this.reserve(PLAIN_LINE_BYTES + strings);
    this.length = writeLine(this.bytes, this.length, scored);
  }

  /** Appends lines formatted elsewhere (a batch, perhaps from a scoring worker). */
  addText(lines: string): void {
    this.reserve(3 * lines.length);
    this.length += this.bytes.write(lines, this.length, 'utf8');
  }

  /**
   * The lines written so far as one string, emptying the encoder. A batch's lines leave as text rather than as a
   * copy of the bytes: a fresh buffer of ~15 KB cost 12–18 µs to allocate here (off-heap memory, counted by the
   * GC), decoding and re-encoding the text about 2.5 µs.
   */
  takeText(): string {
    const text = this.bytes.toString('utf8', 0, this.length);
    this.length = 0;
    // one huge batch must not keep a huge buffer
    if (this.bytes.length > 4 * this.capacity) this.bytes = Buffer.allocUnsafe(this.capacity);
    return text;
  }

  /**
   * Takes the bytes written so far, leaving a buffer of the first size: a recycled one, else a fresh one (the
   * stream keeps the old one until it is written; one huge batch must not make every later buffer huge).
   */
  take(): Buffer {
    const taken = this.bytes.subarray(0, this.length);
    this.bytes = this.spares.pop() ?? Buffer.allocUnsafe(this.capacity);
    this.length = 0;
    return taken;
  }

  /**
   * Hands back what take() returned once its bytes are written, for a later take(). A fresh buffer of ~72 KiB cost
   * ~50 µs here (memory outside the heap, mapped anew each time): about 0.25 µs of every line.
   */
  recycle(taken: Buffer): void {
    const memory = taken.buffer;
    if (taken.byteOffset !== 0 || memory.byteLength !== this.capacity || this.spares.length >= MAX_SPARE_BUFFERS) return;
    this.spares.push(Buffer.from(memory, 0, this.capacity));
  }

  /** Room for `more` bytes (UTF-8 needs at most 3 per UTF-16 unit). */
  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + more));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}

/** Written buffers kept for reuse (the stream holds at most a few at a time: its high-water mark is 1 MiB). */
const MAX_SPARE_BUFFERS = 4;

/** Bytes of a plain line beyond its strings: the names, six numbers of at most 25 characters, quotes and commas. */
const PLAIN_LINE_BYTES = 400;
/** Bytes of one explanation beyond its two strings (`{"feature":,"says":},` and the `,"top":[]` around them). */
const TOP_ENTRY_BYTES = 40;
/** Most UTF-8 bytes JSON.stringify makes of one UTF-16 unit (a control character becomes `\u00XX`). */
const MAX_JSON_BYTES_PER_UNIT = 6;

/** Most bytes a string (or null) can take in the line: JSON.stringify makes at most 6 of a UTF-16 unit (`\u00XX`). */
function textLength(v: string | null): number {
  return v === null ? 4 : MAX_JSON_BYTES_PER_UNIT * v.length + 2;
}

const asciiBytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PART = {
  ts: asciiBytes('{"ts":'),
  uid: asciiBytes(',"uid":'),
  stream: asciiBytes(',"stream":'),
  origH: asciiBytes(',"id.orig_h":'),
  origP: asciiBytes(',"id.orig_p":'),
  respH: asciiBytes(',"id.resp_h":'),
  respP: asciiBytes(',"id.resp_p":'),
  proto: asciiBytes(',"proto":'),
  score: asciiBytes(',"score":'),
  threshold: asciiBytes(',"threshold":'),
  p: asciiBytes(',"p":'),
  anomalous: asciiBytes(',"anomalous":'),
  model: asciiBytes(',"model":'),
  top: asciiBytes(',"top":['),
  feature: asciiBytes('{"feature":'),
  says: asciiBytes(',"says":'),
  null: asciiBytes('null'),
  true: asciiBytes('true'),
  false: asciiBytes('false'),
  end: asciiBytes('}\n'),
};

/** formatScoreLine(s) written at `at` (the caller reserved room); the end offset. */
function writeLine(b: Buffer, at: number, s: ScoredRecord): number {
  at = putTime(b, putBytes(b, at, PART.ts), s.ts);
  at = putJsonString(b, putBytes(b, at, PART.uid), s.uid);
  at = putJsonString(b, putBytes(b, at, PART.stream), s.stream);
  at = putJsonString(b, putBytes(b, at, PART.origH), s.origH);
  at = putNumber(b, putBytes(b, at, PART.origP), s.origP);
  at = putJsonString(b, putBytes(b, at, PART.respH), s.respH);
  at = putNumber(b, putBytes(b, at, PART.respP), s.respP);
  at = putJsonString(b, putBytes(b, at, PART.proto), s.proto);
  at = putExact(b, putBytes(b, at, PART.score), s.score);
  at = putAscii(b, putBytes(b, at, PART.threshold), thresholdText(s.threshold));
  at = putExact(b, putBytes(b, at, PART.p), s.probability);
  at = putBytes(b, putBytes(b, at, PART.anomalous), s.anomalous ? PART.true : PART.false);
  at = putJsonString(b, putBytes(b, at, PART.model), s.model);
  const top = s.top;
  if (top.length > 0) {
    at = putBytes(b, at, PART.top);
    for (let i = 0; i < top.length; i++) {
      if (i > 0) b[at++] = 0x2c; // ,
      at = putJsonString(b, putBytes(b, at, PART.feature), top[i]!.feature);
      at = putJsonString(b, putBytes(b, at, PART.says), top[i]!.says);
      b[at++] = 0x7d; // }
    }
    b[at++] = 0x5d; // ]
  }
  return putBytes(b, at, PART.end);
}

/**
 * JSON.stringify(v)'s UTF-8 bytes (null for null): ASCII without escapes byte by byte, anything else (escapes,
 * non-ASCII, lone surrogates) as JSON.stringify's text encoded by Buffer.write.
 */
function putJsonString(b: Buffer, at: number, v: string | null): number {
  const plain = putPlainString(b, at, v);
  return plain >= 0 ? plain : at + b.write(JSON.stringify(v), at, 'utf8');
}

function putBytes(b: Buffer, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) b[at + i] = bytes[i]!;
  return at + bytes.length;
}

/** text known to be ASCII without anything to escape (numbers' text) */
function putAscii(b: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) b[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** a JSON string (or null) when its characters need no escape and are ASCII, else −1 */
function putPlainString(b: Buffer, at: number, v: string | null): number {
  if (v === null) return putBytes(b, at, PART.null);
  b[at++] = 0x22;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) return -1;
    b[at++] = c;
  }
  b[at++] = 0x22;
  return at;
}

/** num(v)'s text; ports and other small counts digit by digit (String of a fresh integer allocates) */
function putNumber(b: Buffer, at: number, v: number | null): number {
  if (v === null || !Number.isFinite(v)) return putBytes(b, at, PART.null);
  if (!(v >= 0 && v < 1e9 && Math.floor(v) === v)) return putAscii(b, at, String(v));
  const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : 9;
  for (let i = digits - 1; i >= 0; i--) {
    b[at + i] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  return at + digits;
}

/**
 * A score or probability as text that reads back as exactly the same double: 17 significant digits, trailing zeros
 * of the fraction dropped. Not always the shortest such text, which String() gives (on computed scores about half
 * the values print one digit longer; a short decimal such as 0.1 prints as 0.10000000000000001), but String() of a
 * fresh double cost ~0.3 µs here against ~0.1 µs, twice a line.
 */
export function exactText(v: number | null): string {
  return v === null ? 'null' : SCRATCH.toString('latin1', 0, putExact(SCRATCH, 0, v));
}

/** Room for one number's text (at most 25 characters), for the text forms of putExact and putTime. */
const SCRATCH = Buffer.alloc(64);

/** exactText(v) written at `at` (the line is written without making the trimmed copy of toPrecision's text). */
function putExact(b: Buffer, at: number, v: number): number {
  if (!Number.isFinite(v)) return putBytes(b, at, PART.null);
  const text = v.toPrecision(17);
  const exponent = text.indexOf('e');
  const mantissaEnd = exponent === -1 ? text.length : exponent;
  let end = mantissaEnd;
  if (text.lastIndexOf('.', mantissaEnd) !== -1) {
    while (text.charCodeAt(end - 1) === 48 /* 0 */) end--;
    if (text.charCodeAt(end - 1) === 46 /* . */) end--;
  }
  for (let i = 0; i < end; i++) b[at++] = text.charCodeAt(i);
  for (let i = mantissaEnd; i < text.length; i++) b[at++] = text.charCodeAt(i);
  return at;
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
    lastThresholdText = exactText(threshold);
  }
  return lastThresholdText;
}

/** The last whole second written and its text: consecutive records mostly share it. */
let lastSecond = Number.NaN;
let lastSecondText = '';


/**
 * String(ts) written at `at`: the same text for Zeek's microsecond timestamps, several times faster, and no string
 * made but for a new second. Below 2^32 the spacing of doubles is under 1 µs, so when the whole microsecond count
 * round-trips (µs / 1e6 is correctly rounded, as parsing the decimal is) that decimal, trailing zeros dropped, is
 * the shortest text that reads back as ts: what String prints.
 */
function putTime(b: Buffer, at: number, ts: number | null): number {
  if (ts === null || !(ts >= 1 && ts < 4294967296)) return putAscii(b, at, num(ts));
  const micros = Math.round(ts * 1e6);
  if (micros / 1e6 !== ts) return putAscii(b, at, num(ts));
  const second = Math.floor(micros / 1e6);
  let fraction = micros - second * 1e6;
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = String(second);
  }
  at = putAscii(b, at, lastSecondText);
  if (fraction === 0) return at;
  let digits = 6;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  b[at] = 0x2e; // .
  for (let i = digits; i >= 1; i--) {
    b[at + i] = 0x30 + (fraction % 10);
    fraction = Math.floor(fraction / 10);
  }
  return at + digits + 1;
}

function timeText(ts: number | null): string {
  return SCRATCH.toString('latin1', 0, putTime(SCRATCH, 0, ts));
}

function str(v: string | null): string {
  if (v === null) return 'null';
  return needsJsonEscape(v) ? JSON.stringify(v) : `"${v}"`;
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
      // a 1 MiB high-water mark: with the default 16 KiB every 64 KiB write made flush() wait for the disk,
      // which then never overlapped with scoring
      this.stream = createWriteStream(target, { flags: 'a', highWaterMark: 1 << 20 });
      this.ownsStream = true;
    }
  }

  write(scored: ScoredRecord): void {
    this.pending.add(scored);
    this.lines++;
    this.schedule();
  }

  /** Append `count` lines already formatted (by a ScoreLineEncoder, perhaps in a scoring worker). */
  writeLines(lines: string, count: number): void {
    if (count === 0) return;
    this.pending.addText(lines);
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
    const bytes = this.pending.take();
    // once written, the stream is done with the buffer
    this.stream.write(bytes, (err) => {
      if (!err) this.pending.recycle(bytes);
    });
  }

  async close(): Promise<void> {
    this.flushPending();
    if (!this.ownsStream) return;
    await new Promise<void>((resolve, reject) => {
      (this.stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}
