// Builds the serve configuration from defaults, a file, AZW_* environment variables and flags
// (later wins: flags > env > file > defaults), checking every value and collecting every problem.
import { ConfigError, type ConfigProblem, type ValueOrigin } from './config-error.js';
import { readConfigFile } from './config-file.js';
import { CONFIG_KEYS, CONFIG_SECTIONS, configKey, ENV_PREFIX, type ConfigKey, type ServeConfig } from './config-keys.js';
import { didYouMean } from './did-you-mean.js';
import { ConfigValueError } from './value-parsers.js';

export interface ConfigSources {
  /** path of a YAML or JSON file */
  file?: string;
  /** usually process.env; only AZW_* variables are read */
  env?: NodeJS.ProcessEnv;
  /** dotted key → value (text as typed, or an already typed value); undefined entries are ignored */
  flags?: Record<string, unknown>;
}

/** The configuration together with where each value came from. */
export interface ResolvedServeConfig {
  readonly config: ServeConfig;
  /** dotted key → origin of the value in effect */
  readonly origins: ReadonlyMap<string, ValueOrigin>;
}

interface Candidate {
  readonly raw: unknown;
  readonly origin: ValueOrigin;
  readonly fromText: boolean;
}

const TOP_SECTIONS = [...CONFIG_SECTIONS].filter((s) => !s.includes('.'));
const ENV_NAMES = CONFIG_KEYS.map((k) => k.env);

/** Like resolveServeConfig, and also says where every value came from (for `config print`). */
export function resolveServeConfigWithOrigins(sources: ConfigSources): ResolvedServeConfig {
  const problems: ConfigProblem[] = [];
  // candidates in ascending precedence; each one is checked, even when a later one overrides it,
  // so `config check` reports a bad file line although an env var happens to mask it
  const candidates = new Map<string, Candidate[]>();
  const add = (key: string, candidate: Candidate): void => {
    const list = candidates.get(key) ?? [];
    list.push(candidate);
    candidates.set(key, list);
  };

  if (sources.file !== undefined) {
    const content = readConfigFile(sources.file);
    problems.push(...content.problems);
    for (const v of content.values) add(v.key, { raw: v.value, origin: { kind: 'file', file: sources.file, line: v.line }, fromText: false });
  }

  for (const [name, value] of Object.entries(sources.env ?? {})) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const key = CONFIG_KEYS.find((k) => k.env === name);
    if (key !== undefined) {
      add(key.key, { raw: value, origin: { kind: 'env', name }, fromText: true });
    } else if (TOP_SECTIONS.some((s) => name.startsWith(`${ENV_PREFIX}${s.toUpperCase()}_`))) {
      // other AZW_* variables (AZW_CONFIG, test helpers) are not settings; only section-like names are checked
      const suggestion = didYouMean(name, ENV_NAMES);
      problems.push({ key: name, origin: { kind: 'env', name }, message: `unknown setting${suggestion ? ` (did you mean ${suggestion}?)` : ''}` });
    }
  }

  for (const [name, value] of Object.entries(sources.flags ?? {})) {
    if (value === undefined) continue;
    if (configKey(name) === undefined) {
      const suggestion = didYouMean(name, CONFIG_KEYS.map((k) => k.key));
      problems.push({ key: name, origin: { kind: 'flag', name }, message: `unknown key${suggestion ? ` (did you mean ${suggestion}?)` : ''}` });
      continue;
    }
    add(name, { raw: value, origin: { kind: 'flag', name }, fromText: true });
  }

  const config: Record<string, unknown> = {};
  const origins = new Map<string, ValueOrigin>();
  for (const key of CONFIG_KEYS) {
    let value = key.defaultValue();
    let origin: ValueOrigin = { kind: 'default' };
    for (const candidate of candidates.get(key.key) ?? []) {
      try {
        value = key.parse(candidate.raw, candidate.fromText);
        origin = candidate.origin;
      } catch (err) {
        if (!(err instanceof ConfigValueError)) throw err;
        problems.push({ key: key.key, origin: candidate.origin, message: err.message });
      }
    }
    setPath(config, key, value);
    origins.set(key.key, origin);
  }

  const typed = config as unknown as ServeConfig;
  problems.push(...crossChecks(typed, origins));
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: typed, origins };
}

/**
 * The validated serve configuration. Precedence: flags > env (AZW_*) > file > defaults.
 * Throws ConfigError listing every problem.
 */
export function resolveServeConfig(sources: ConfigSources): ServeConfig {
  return resolveServeConfigWithOrigins(sources).config;
}

function setPath(target: Record<string, unknown>, key: ConfigKey, value: unknown): void {
  let node = target;
  for (const part of key.property.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[key.property[key.property.length - 1]!] = value;
}

/** Rules that involve two keys; the problem is reported against the later-precedence one. */
function crossChecks(config: ServeConfig, origins: ReadonlyMap<string, ValueOrigin>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const blame = (a: string, b: string): { key: string; origin: ValueOrigin } => {
    const rank = (o: ValueOrigin): number => ['default', 'file', 'env', 'flag'].indexOf(o.kind);
    const oa = origins.get(a)!;
    const ob = origins.get(b)!;
    return rank(ob) > rank(oa) ? { key: b, origin: ob } : { key: a, origin: oa };
  };
  if (config.mitigation.releaseLevel >= config.mitigation.level) {
    problems.push({
      ...blame('mitigation.release_level', 'mitigation.level'),
      message: `mitigation.release_level (${config.mitigation.releaseLevel}) must be below mitigation.level (${config.mitigation.level})`,
    });
  }
  if (config.zeek.reconnect.initialMs > config.zeek.reconnect.maxMs) {
    problems.push({
      ...blame('zeek.reconnect.initial_ms', 'zeek.reconnect.max_ms'),
      message: `zeek.reconnect.initial_ms (${config.zeek.reconnect.initialMs}) must not exceed zeek.reconnect.max_ms (${config.zeek.reconnect.maxMs})`,
    });
  }
  if (config.zeek.caFile !== null && config.zeek.url.startsWith('ws:')) {
    problems.push({ ...blame('zeek.url', 'zeek.ca_file'), message: 'zeek.ca_file is set but zeek.url is plain ws:// (use wss:// for TLS)' });
  }
  return problems;
}
