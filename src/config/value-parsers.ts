// Parsers for configuration values. Each takes a value as read (a YAML/JSON value, or the text of an
// environment variable or flag when `fromText` is set) and returns the typed value, or throws a
// ConfigValueError whose message says what was expected.
import { isIP } from 'node:net';
import { isLogModule, LOG_MODULES, type LogModule } from '../zeek/record.js';

export class ConfigValueError extends Error {}

/** Turns a raw value into a typed one; `fromText` marks env vars and flags, which are always strings. */
export type ValueParser<T> = (raw: unknown, fromText: boolean) => T;

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a mapping';
  return `${typeof raw} ${JSON.stringify(raw)}`;
}

export function stringValue(options: { allowEmpty?: boolean } = {}): ValueParser<string> {
  return (raw) => {
    if (typeof raw !== 'string') throw new ConfigValueError(`expected a string, got ${describe(raw)}`);
    if (!options.allowEmpty && raw.trim() === '') throw new ConfigValueError('must not be empty');
    return raw;
  };
}

export function integerValue(min: number, max = Number.MAX_SAFE_INTEGER): ValueParser<number> {
  return (raw, fromText) => {
    const n = fromText && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new ConfigValueError(`expected a whole number, got ${describe(raw)}`);
    if (n < min || n > max) throw new ConfigValueError(`must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

export function numberValue(range: { above?: number; min?: number; below?: number }): ValueParser<number> {
  return (raw, fromText) => {
    const n = fromText && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new ConfigValueError(`expected a number, got ${describe(raw)}`);
    if (range.above !== undefined && !(n > range.above)) throw new ConfigValueError(`must be greater than ${range.above}, got ${n}`);
    if (range.min !== undefined && n < range.min) throw new ConfigValueError(`must be at least ${range.min}, got ${n}`);
    if (range.below !== undefined && !(n < range.below)) throw new ConfigValueError(`must be less than ${range.below}, got ${n}`);
    return n;
  };
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

export const booleanValue: ValueParser<boolean> = (raw, fromText) => {
  if (typeof raw === 'boolean') return raw;
  if (fromText && typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new ConfigValueError(`expected true or false, got ${describe(raw)}`);
};

export function choiceValue<T extends string>(choices: readonly T[]): ValueParser<T> {
  return (raw) => {
    if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
    throw new ConfigValueError(`expected one of ${choices.join(', ')}, got ${describe(raw)}`);
  };
}

/** `null` (or an empty env var / flag) means "not set". */
export function optionalValue<T>(inner: ValueParser<T>): ValueParser<T | null> {
  return (raw, fromText) => {
    if (raw === null || (fromText && raw === '')) return null;
    return inner(raw, fromText);
  };
}

/** A list; env vars and flags give it comma-separated. */
export function listValue<T>(item: ValueParser<T>): ValueParser<T[]> {
  return (raw, fromText) => {
    const items = fromText && typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
    if (!Array.isArray(items)) throw new ConfigValueError(`expected a list, got ${describe(raw)}`);
    return items.map((value, index) => {
      try {
        return item(value, fromText);
      } catch (err) {
        throw new ConfigValueError(`item ${index + 1}: ${(err as Error).message}`);
      }
    });
  };
}

/** WebSocket URL of Zeek's API: ws:// or wss://. */
export const webSocketUrlValue: ValueParser<string> = (raw) => {
  const text = stringValue()(raw, false);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigValueError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new ConfigValueError(`expected a ws:// or wss:// URL, got ${JSON.stringify(text)}`);
  return text;
};

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** "0s", "90s", "10m", "1h", "1h30m", "1.5h", or a number of seconds → seconds. */
export const durationValue: ValueParser<number> = (raw, fromText) => {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return raw;
  if (typeof raw !== 'string') throw new ConfigValueError(`expected a duration such as "0s", "10m" or "1h", got ${describe(raw)}`);
  const text = raw.trim();
  if (fromText && /^\d+(\.\d+)?$/.test(text)) return Number(text);
  const parts = text.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g);
  if (parts === null || parts.join('') !== text) throw new ConfigValueError(`expected a duration such as "0s", "10m" or "1h", got ${JSON.stringify(raw)}`);
  let seconds = 0;
  for (const part of parts) {
    const [, amount, unit] = part.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/)!;
    seconds += Number(amount) * DURATION_UNITS[unit!]!;
  }
  return seconds;
};

/** Renders seconds the way a user would write them ("0s", "10m", "1h30m"). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (!Number.isInteger(seconds)) return `${seconds}s`;
  let rest = seconds;
  let text = '';
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}

/** Which share of the records this sidecar scores: every shard, or shard k of N. */
export type ShardSelection = 'all' | { readonly index: number; readonly count: number };

export const shardValue: ValueParser<ShardSelection> = (raw) => {
  if (raw === 'all') return 'all';
  const match = typeof raw === 'string' ? raw.trim().match(/^(\d+)\/(\d+)$/) : null;
  if (match === null) throw new ConfigValueError(`expected "all" or "k/N" (shard k of N, k from 0), got ${describe(raw)}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new ConfigValueError(`shard count N must be at least 1, got ${count}`);
  if (index >= count) throw new ConfigValueError(`shard index k must be below N (0..${count - 1}), got ${index}`);
  return { index, count };
};

export function formatShard(shard: ShardSelection): string {
  return shard === 'all' ? 'all' : `${shard.index}/${shard.count}`;
}

/** "all", or module names (CONN, http, ...) as a list or comma-separated. */
export const modulesValue: ValueParser<'all' | LogModule[]> = (raw, fromText) => {
  if (raw === 'all') return 'all';
  const names = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
  if (!Array.isArray(names) || names.length === 0) throw new ConfigValueError(`expected "all" or a list of modules (${LOG_MODULES.join(', ')}), got ${describe(raw)}`);
  const modules: LogModule[] = [];
  for (const name of names) {
    const upper = typeof name === 'string' ? name.toUpperCase() : '';
    if (!isLogModule(upper)) throw new ConfigValueError(`unknown module ${describe(name)} (known: ${LOG_MODULES.join(', ')})`);
    if (!modules.includes(upper)) modules.push(upper);
  }
  void fromText;
  return modules;
};

/** An address or CIDR block (IPv4 or IPv6); a bare address means that one host. */
export const cidrValue: ValueParser<string> = (raw) => {
  const text = stringValue()(raw, false).trim();
  const [address, prefix, extra] = text.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) throw new ConfigValueError(`expected an address or CIDR block such as 10.0.0.0/8, got ${JSON.stringify(text)}`);
  if (prefix !== undefined) {
    const bits = Number(prefix);
    const maxBits = family === 4 ? 32 : 128;
    if (!/^\d+$/.test(prefix) || bits > maxBits) throw new ConfigValueError(`prefix length must be 0..${maxBits}, got ${JSON.stringify(text)}`);
  }
  return text;
};

/** "host:port", "[v6]:port" or "" (disabled). Port 0 asks the OS for a free port (tests). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const match = text.trim().match(/^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/);
  if (match === null) throw new ConfigValueError(`expected "host:port" (e.g. 127.0.0.1:9477, [::1]:9477), got ${JSON.stringify(text)}`);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65535) throw new ConfigValueError(`port must be 0..65535, got ${port}`);
  if (match[1] !== undefined && isIP(host) !== 6) throw new ConfigValueError(`not an IPv6 address in brackets: ${JSON.stringify(text)}`);
  return { host: host === '' ? '127.0.0.1' : host, port };
}

export const listenValue: ValueParser<string> = (raw) => {
  const text = stringValue({ allowEmpty: true })(raw, false);
  if (text.trim() === '') return '';
  parseListenAddress(text);
  return text.trim();
};
