// The one record shape every source produces: TSV lines, JSON lines and live to_json strings
// all end up as a flat object keyed by the dotted column names of Zeek's log files.

/** The log streams AutoZeekWatch scores, by their Zeek `_path` name. */
export const LOG_STREAMS = ['conn', 'http', 'dns', 'ssh', 'ssl'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** The original tool's module names (`--modules CONN SSH`), one per stream. */
export const LOG_MODULES = ['CONN', 'HTTP', 'DNS', 'SSH', 'SSL'] as const;
export type LogModule = (typeof LOG_MODULES)[number];

export function streamOfModule(module: LogModule): LogStream {
  return module.toLowerCase() as LogStream;
}

export function moduleOfStream(stream: LogStream): LogModule {
  return stream.toUpperCase() as LogModule;
}

export function isLogStream(name: string): name is LogStream {
  return (LOG_STREAMS as readonly string[]).includes(name);
}

export function isLogModule(name: string): name is LogModule {
  return (LOG_MODULES as readonly string[]).includes(name);
}

/** A field value after normalisation (see ZeekRecord). */
export type ZeekValue = string | number | boolean | null | ZeekValue[];

/**
 * A Zeek log record, flat, keyed by the dotted column names of the log file
 * (`ts`, `uid`, `id.orig_h`, `id.orig_p`, `id.resp_h`, `id.resp_p`, `proto`, ...).
 *
 * - time: epoch seconds (number), whatever the source wrote (epoch, ISO 8601, millis)
 * - interval, double: seconds / number; count, int: number; port: number
 * - bool: boolean; addr, subnet, enum, string: string (TSV `\xNN` escapes decoded)
 * - set, vector: array (of the element type's normal form); table: array of keys
 * - unset fields (`-` in TSV, omitted in JSON) are absent; an empty set is `[]`
 * - the protocol of a live `to_json` port object (`{"port":80,"proto":"tcp"}`) is kept
 *   as `id.proto`, so streams without a `proto` column (http, ssh, ssl) still know it
 * - columns we do not know (labels, other Zeek versions' fields) are kept as read
 */
export type ZeekRecord = Record<string, ZeekValue>;

/** Where a record came from, for error messages and output. */
export interface RecordSource {
  /** file path, or `websocket:<topic>` for live records */
  readonly file: string;
  /** 1-based line number in the (decompressed) file; 0 when not line-based */
  readonly line: number;
}

/** A record together with the stream it belongs to and where it was read. */
export interface LogEntry {
  readonly stream: LogStream;
  readonly record: ZeekRecord;
  readonly source: RecordSource;
}
