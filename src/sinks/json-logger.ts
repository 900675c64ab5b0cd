// Structured operational logs for `serve`: one JSON line per event on stderr (ts, level, msg,
// fields), a level threshold, and a rate guard so a flood of one warning cannot fill a disk.
//
// serve logs events, never records: zeek connected / disconnected / reconnecting, subscription
// acknowledged, models loaded / reloaded / reload failed, mitigation sent / refused (dry-run,
// never-block, rate limit), sequence gaps and queue drops (rate-guarded), config loaded, shutdown.
// Per-record facts go to the scores file and to the metrics.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Message keys serve uses, so operators can grep and alert on stable strings. */
export const SERVE_LOG_EVENTS = {
  configLoaded: 'config loaded',
  zeekConnected: 'zeek connected',
  zeekSubscribed: 'zeek subscription acknowledged',
  zeekDisconnected: 'zeek disconnected',
  zeekReconnecting: 'zeek reconnecting',
  modelsLoaded: 'models loaded',
  modelReloadFailed: 'model reload failed',
  mitigationSent: 'mitigation sent',
  mitigationRefused: 'mitigation refused',
  sequenceGap: 'sequence gap',
  queueDropped: 'queue full, batches dropped',
  metricsListening: 'metrics endpoint listening',
  shutdown: 'shutting down',
} as const;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** a logger that adds `fields` to every line (shares the parent's threshold and rate guard) */
  child(fields: LogFields): Logger;
  /** writes a "suppressed" line for every message key still holding suppressed lines (call at shutdown) */
  flushSuppressed(): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** default process.stderr */
  stream?: { write(chunk: string): unknown };
  /** json (default) or text (`<ts> WARN msg key=value`) */
  format?: 'json' | 'text';
  /** lines per message key per window before the rest are suppressed and counted (default 10) */
  maxLinesPerKey?: number;
  /** length of the rate-guard window (default 60 000 ms) */
  windowMs?: number;
  /** clock in ms since the epoch (default Date.now); tests pass their own */
  now?: () => number;
}

interface KeyWindow {
  start: number;
  written: number;
  suppressed: number;
  level: LogLevel;
}

// bounded so that messages built from untrusted input cannot grow the guard without limit
const MAX_TRACKED_KEYS = 1000;
const RESERVED = new Set(['ts', 'level', 'msg']);

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

class RateGuardedWriter {
  private readonly windows = new Map<string, KeyWindow>();
  constructor(
    readonly threshold: number,
    private readonly write: (level: LogLevel, msg: string, fields: LogFields) => void,
    private readonly maxLines: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  log(level: LogLevel, msg: string, fields: LogFields): void {
    if (SEVERITY[level] < this.threshold) return;
    const time = this.now();
    this.reportExpired(time);
    const key = `${level}\u0000${msg}`;
    let window = this.windows.get(key);
    if (window === undefined) {
      if (this.windows.size >= MAX_TRACKED_KEYS) this.windows.clear();
      window = { start: time, written: 0, suppressed: 0, level };
      this.windows.set(key, window);
    }
    if (window.written >= this.maxLines) {
      window.suppressed++;
      return;
    }
    window.written++;
    this.write(level, msg, fields);
  }

  flush(): void {
    for (const [key, window] of this.windows) this.report(key, window);
    this.windows.clear();
  }

  private reportExpired(time: number): void {
    for (const [key, window] of this.windows) {
      if (time - window.start < this.windowMs) continue;
      this.report(key, window);
      this.windows.delete(key);
    }
  }

  private report(key: string, window: KeyWindow): void {
    if (window.suppressed === 0) return;
    const msg = key.slice(key.indexOf('\u0000') + 1);
    this.write(window.level, 'suppressed similar log lines', { suppressed: window.suppressed, similar_to: msg, window_s: this.windowMs / 1000 });
  }
}

/** A logger writing JSON lines (or text) to stderr. */
export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const format = options.format ?? 'json';
  const emit = (level: LogLevel, msg: string, fields: LogFields): void => {
    const ts = new Date(now()).toISOString();
    if (format === 'json') {
      const line: LogFields = { ts, level, msg };
      for (const [k, v] of Object.entries(fields)) if (!RESERVED.has(k) && v !== undefined) line[k] = v;
      stream.write(JSON.stringify(line, replacer) + '\n');
    } else {
      const rest = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? (/[\s"=]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v, replacer)}`);
      stream.write(`${ts} ${level.toUpperCase().padEnd(5)} ${msg}${rest.length > 0 ? ' ' + rest.join(' ') : ''}\n`);
    }
  };
  const guard = new RateGuardedWriter(SEVERITY[options.level], emit, options.maxLinesPerKey ?? 10, options.windowMs ?? 60_000, now);
  return makeLogger(guard, {});
}

function makeLogger(guard: RateGuardedWriter, bound: LogFields): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: LogFields): void => guard.log(level, msg, fields === undefined ? bound : { ...bound, ...fields });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => makeLogger(guard, { ...bound, ...fields }),
    flushSuppressed: () => guard.flush(),
  };
}
