// `autozeekwatch config check FILE` and `config print`: validate a serve configuration and show
// the effective one with the source of every value. Invalid configuration exits with code 2.
import type { Command } from 'commander';
import {
  CONFIG_FILE_ENV, collectSetFlag, describeConfigKeys, renderEffectiveConfig, resolveServeConfigWithOrigins,
} from '../config/index.js';

export interface ConfigCommandIo {
  /** where results go (default process.stdout) */
  readonly stdout?: { write(text: string): unknown };
  /** the environment `config print` reads AZW_* settings from (default process.env) */
  readonly env?: NodeJS.ProcessEnv;
}

/** Adds the `config` command group to the program. Problems are thrown as ConfigError (exit 2). */
export function registerConfigCommand(program: Command, io: ConfigCommandIo = {}): void {
  const out = (text: string): void => void (io.stdout ?? process.stdout).write(text);
  const env = (): NodeJS.ProcessEnv => io.env ?? process.env;
  const config = program.command('config').description('check and show the configuration of `autozeekwatch serve`');

  config
    .command('check')
    .description('validate a configuration file (YAML or JSON): exit 0 when valid, 2 with every problem listed')
    .argument('<file>', 'configuration file')
    .action((file: string) => {
      // the file alone: the check must give the same answer on the operator's shell and in CI
      resolveServeConfigWithOrigins({ file });
      out(`${file}: valid\n`);
    });

  config
    .command('print')
    .description(`print the effective configuration as YAML, each value's source as a comment (flags > env AZW_* > file > defaults)`)
    .option('--config <file>', `configuration file (default: $${CONFIG_FILE_ENV} when set)`)
    .option('--set <key=value>', 'set a key, e.g. --set log.level=debug (repeatable)', collectSetFlag)
    .action((options: { config?: string; set?: Record<string, string> }) => {
      const environment = env();
      const file = options.config ?? (environment[CONFIG_FILE_ENV] || undefined);
      out(renderEffectiveConfig(resolveServeConfigWithOrigins({ file, env: environment, flags: options.set })));
    });

  config
    .command('keys')
    .description('list every configuration key with its environment variable, type and default')
    .action(() => {
      for (const k of describeConfigKeys()) {
        out(`${k.key}  (${k.env}; ${k.type}; default ${JSON.stringify(k.default)})\n    ${k.description}\n`);
      }
    });

  for (const command of config.commands) command.exitOverride();
  config.exitOverride();
}
