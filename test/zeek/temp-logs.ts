// Test helpers for the readers: temp folders, Zeek TSV text built from columns, and collecting a read.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLogFile, type ReadOptions } from '../../src/zeek/log-file.js';
import { ReadSummary } from '../../src/zeek/read-summary.js';
import type { LogEntry } from '../../src/zeek/record.js';

/** A fresh temp folder, removed after the current mocha suite. */
export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'azw-zeek-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A Zeek TSV header block as Zeek writes it. */
export function tsvHeader(pathName: string, fields: string[], types: string[]): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    `#path\t${pathName}`,
    '#open\t2024-01-01-00-00-00',
    `#fields\t${fields.join('\t')}`,
    `#types\t${types.join('\t')}`,
  ].join('\n') + '\n';
}

export const CONN_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'duration', 'orig_bytes', 'local_orig', 'tunnel_parents'];
export const CONN_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'interval', 'count', 'bool', 'set[string]'];

/** A conn TSV data line numbered `n` (uid `C<n>`, orig_p 1000+n). */
export function connTsvLine(n: number): string {
  return `${1700000000 + n}.000001\tC${n}\t10.0.0.1\t${1000 + n}\t10.0.0.2\t80\ttcp\t0.5\t${n}\tT\t-`;
}

/** Reads a whole file and returns the entries and the summary. */
export async function readAll(file: string, options: ReadOptions = {}): Promise<{ entries: LogEntry[]; summary: ReadSummary }> {
  const summary = options.summary ?? new ReadSummary();
  const entries: LogEntry[] = [];
  for await (const entry of readLogFile(file, { ...options, summary })) entries.push(entry);
  return { entries, summary };
}
