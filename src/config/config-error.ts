// The error thrown when a serve configuration is invalid: it lists every problem, each with the
// dotted key, where the value came from (file:line, env var, flag) and what is wrong.
import { UsageError } from '../errors.js';

/** Where a configuration value came from. */
export type ValueOrigin =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'flag'; readonly name: string };

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** dotted key, e.g. `zeek.reconnect.max_ms` (the offending key as written when it is unknown) */
  readonly key: string;
  readonly origin: ValueOrigin;
  readonly message: string;
}

/** `config.yaml:12`, `env AZW_ZEEK_URL`, `flag zeek.url`, `default`. */
export function describeOrigin(origin: ValueOrigin): string {
  switch (origin.kind) {
    case 'default':
      return 'default';
    case 'file':
      return origin.line > 0 ? `${origin.file}:${origin.line}` : origin.file;
    case 'env':
      return `env ${origin.name}`;
    case 'flag':
      return `flag ${origin.name}`;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `${describeOrigin(problem.origin)}: ${problem.key}: ${problem.message}`;
}

/**
 * Invalid configuration. A UsageError, so the CLI exits with code 2. `problems` holds all of
 * them (not just the first), so an operator fixes the file in one pass.
 */
export class ConfigError extends UsageError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const noun = problems.length === 1 ? 'problem' : 'problems';
    super(`invalid configuration (${problems.length} ${noun}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.problems = problems;
  }
}
