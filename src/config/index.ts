// The serve configuration: what the CLI and the serve loop import.
export { ConfigError, describeOrigin, formatProblem, type ConfigProblem, type ValueOrigin } from './config-error.js';
export {
  defaultScoringThreads,
  CONFIG_FILE_ENV, CONFIG_KEYS, describeConfigKeys, ENV_PREFIX, envNameOf, LOG_LEVELS,
  type ConfigKeyDescription, type LogFormat, type LogLevel, type ServeConfig,
} from './config-keys.js';
export { resolveServeConfig, resolveServeConfigWithOrigins, type ConfigSources, type ResolvedServeConfig } from './resolve.js';
export { renderEffectiveConfig } from './render.js';
export { collectSetFlag } from './set-flag.js';
export { formatDuration, parseListenAddress, type ListenAddress, type ShardSelection } from './value-parsers.js';
