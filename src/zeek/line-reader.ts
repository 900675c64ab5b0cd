// Turns a plain or gzip file into numbered text lines, fast: Buffer chunks split on 0x0a, UTF-8 checked per chunk.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ZeekLogParseError } from '../errors.js';
import { ReadSummary } from './read-summary.js';

/** Longest line kept (bytes). Zeek lines are a few KiB at most; a longer one is garbage or an attack on memory. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/** Complete lines from one chunk. `lines[i]` is line number `firstLine + i`; null marks a dropped line. */
export interface LineBatch {
  readonly lines: (string | null)[];
  readonly firstLine: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;
/** Bytes decoded into one string before splitting; past ~64 KiB decoding gets much slower per byte. */
const DECODE_SLICE_BYTES = 32 * 1024;

/**
 * Splits a byte stream into lines, keeping at most one partial line between chunks.
 * Invalid UTF-8 bytes are replaced by the character with the byte's code (U+0080…U+00FF), the same
 * result as Zeek's own `\xNN` escape after decoding, and the line is counted as repaired, never dropped:
 * an attacker must not be able to hide a record from scoring by putting one bad byte in it.
 */
export class LineSplitter {
  /** lines completed so far (the number of the last line returned) */
  lineNumber = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;

  constructor(
    private readonly file: string,
    private readonly summary: ReadSummary,
    private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** True while bytes of an unfinished line are held back. */
  get hasPartialLine(): boolean {
    return this.pendingBytes > 0 || this.overlong;
  }

  /** Splits one chunk; returns the lines it completed. */
  push(chunk: Buffer): LineBatch {
    const firstLine = this.lineNumber + 1;
    const lines: (string | null)[] = [];
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      this.hold(chunk);
      return { lines, firstLine };
    }
    let regionStart = 0;
    if (this.overlong || this.pendingBytes > 0) {
      const firstNewline = chunk.indexOf(NEWLINE);
      if (this.overlong || this.pendingBytes + firstNewline > this.maxLineBytes) {
        this.dropOverlongLine(lines);
      } else {
        this.pending.push(chunk.subarray(0, firstNewline));
        this.decodeLine(Buffer.concat(this.pending, this.pendingBytes + firstNewline), lines);
      }
      this.pending = [];
      this.pendingBytes = 0;
      this.overlong = false;
      regionStart = firstNewline + 1;
    }
    if (regionStart <= lastNewline) this.decodeRegion(chunk.subarray(regionStart, lastNewline), lines);
    if (lastNewline + 1 < chunk.length) this.hold(chunk.subarray(lastNewline + 1));
    return { lines, firstLine };
  }

  /** Ends the input: a last line without a newline is returned as a line. */
  finish(): LineBatch {
    const firstLine = this.lineNumber + 1;
    const lines: (string | null)[] = [];
    if (this.overlong) this.dropOverlongLine(lines);
    else if (this.pendingBytes > 0) this.decodeLine(Buffer.concat(this.pending, this.pendingBytes), lines);
    this.pending = [];
    this.pendingBytes = 0;
    this.overlong = false;
    return { lines, firstLine };
  }

  /** Forgets a held partial line (the input it belonged to is gone, e.g. a truncated gzip). */
  discardPartialLine(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.overlong = false;
  }

  private hold(bytes: Buffer): void {
    if (this.overlong) return;
    if (this.pendingBytes + bytes.length > this.maxLineBytes) {
      this.overlong = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // copy: the caller may reuse its chunk buffer (follow mode reads into one buffer)
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }

  private dropOverlongLine(lines: (string | null)[]): void {
    this.lineNumber++;
    lines.push(null);
    this.summary.recordError(
      new ZeekLogParseError('line-too-long', `line longer than ${this.maxLineBytes} bytes`, {
        file: this.file,
        line: this.lineNumber,
      }),
    );
  }

  /** Bytes of whole lines joined by 0x0a (no trailing newline). */
  private decodeRegion(region: Buffer, lines: (string | null)[]): void {
    if (isUtf8(region)) {
      // Decoded a slice of whole lines at a time: V8 builds a string of ~64 KiB or less ~20× faster per byte
      // than one of 256 KiB (measured on node 20), and the split lines share their slice's storage.
      let start = 0;
      while (start <= region.length) {
        const cut = start + DECODE_SLICE_BYTES >= region.length ? -1 : region.indexOf(NEWLINE, start + DECODE_SLICE_BYTES);
        const end = cut === -1 ? region.length : cut;
        const parts = region.toString('utf8', start, end).split('\n');
        for (const part of parts) this.acceptLine(part, lines);
        start = end + 1;
      }
      return;
    }
    let start = 0;
    for (;;) {
      const end = region.indexOf(NEWLINE, start);
      this.decodeLine(region.subarray(start, end === -1 ? region.length : end), lines);
      if (end === -1) return;
      start = end + 1;
    }
  }

  private decodeLine(bytes: Buffer, lines: (string | null)[]): void {
    if (isUtf8(bytes)) {
      this.acceptLine(bytes.toString('utf8'), lines);
      return;
    }
    this.acceptLine(decodeWithByteCharacters(bytes), lines);
    this.summary.recordRepair(
      new ZeekLogParseError('invalid-utf8', 'invalid UTF-8 bytes replaced by U+0080..U+00FF characters', {
        file: this.file,
        line: this.lineNumber,
      }),
    );
  }

  private acceptLine(text: string, lines: (string | null)[]): void {
    this.lineNumber++;
    if (text.length > this.maxLineBytes) {
      this.lineNumber--;
      this.dropOverlongLine(lines);
      return;
    }
    lines.push(text.charCodeAt(text.length - 1) === CARRIAGE_RETURN ? text.slice(0, -1) : text);
  }
}

/** UTF-8 decoding where each byte that is not part of a valid sequence becomes the character U+00NN. */
export function decodeWithByteCharacters(bytes: Buffer): string {
  let out = '';
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length > 0 && i + length <= bytes.length && isUtf8(bytes.subarray(i, i + length))) {
      i += length;
      continue;
    }
    out += bytes.toString('utf8', runStart, i) + String.fromCharCode(lead);
    i++;
    runStart = i;
  }
  return out + bytes.toString('utf8', runStart, bytes.length);
}

/** True when the file starts with the gzip magic bytes 1f 8b (names lie; content does not). */
export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export interface LineReadOptions {
  summary: ReadSummary;
  signal?: AbortSignal;
  maxLineBytes?: number;
}

/**
 * Yields the lines of a plain or gzip file in batches. Never throws for bad input: a missing file, a read
 * error or a truncated/corrupt gzip is one counted error, and every line before it is still yielded.
 */
export async function* readLineBatches(file: string, options: LineReadOptions): AsyncGenerator<LineBatch> {
  const { summary, signal } = options;
  const splitter = new LineSplitter(file, summary, options.maxLineBytes);
  let gzip: boolean;
  try {
    gzip = await isGzipFile(file);
  } catch (err) {
    summary.recordError(fileError(file, 0, err));
    return;
  }
  try {
    for await (const chunk of gzip ? gunzippedChunks(file) : plainChunks(file)) {
      if (signal?.aborted) return;
      const batch = splitter.push(chunk);
      if (batch.lines.length > 0) yield batch;
    }
  } catch (err) {
    splitter.discardPartialLine();
    summary.recordError(fileError(file, splitter.lineNumber + 1, err));
    return;
  }
  const last = splitter.finish();
  if (last.lines.length > 0) yield last;
}

const READ_CHUNK_BYTES = 256 * 1024;

/**
 * A plain file's bytes in two buffers used in turn: while one chunk is split and decoded (used up before the next is
 * asked for), the next is read into the other. A fresh 256 KiB buffer per chunk, as a read stream allocates, is
 * memory mapped anew each time.
 */
async function* plainChunks(file: string): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r');
  const buffers = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
  let next = 0;
  let reading: Promise<{ bytesRead: number }> | undefined;
  try {
    reading = handle.read(buffers[next]!, 0, READ_CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await reading;
      reading = undefined;
      if (bytesRead === 0) return;
      const chunk = buffers[next]!.subarray(0, bytesRead);
      next ^= 1;
      reading = handle.read(buffers[next]!, 0, READ_CHUNK_BYTES, null);
      yield chunk;
    }
  } finally {
    // a read ahead still running when the reader stops early: let it end before the file is closed
    await reading?.catch(() => undefined);
    await handle.close();
  }
}

async function* gunzippedChunks(file: string): AsyncGenerator<Buffer> {
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  const source: Readable = pipeline(raw, createGunzip(), () => {});
  try {
    yield* source as AsyncIterable<Buffer>;
  } finally {
    raw.destroy();
    source.destroy();
  }
}

/** One counted error for input that could not be read at all from some point on. */
function fileError(file: string, line: number, err: unknown): ZeekLogParseError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const reason =
    code === 'ENOENT'
      ? 'file-missing'
      : code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)
        ? 'truncated-gzip'
        : code?.startsWith('Z_')
          ? 'corrupt-gzip'
          : 'read-error';
  return new ZeekLogParseError(reason, message, { file, line });
}
