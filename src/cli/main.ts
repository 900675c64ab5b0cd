// The `autozeekwatch` command: parses arguments and hands off to one file per command.
// Exit codes: 0 ok, 1 runtime error, 2 usage error.
import { Command, CommanderError } from 'commander';
import { AutoZeekWatchError, UsageError } from '../errors.js';
import { packageVersion } from './version.js';
import { registerKitnetCommand } from './kitnet-command.js';
import { registerTrainCommand } from './train-command.js';
import { registerScoreCommand } from './score-command.js';
import { registerInferCommand } from './infer-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerConfigCommand } from './config-command.js';
import { registerDemoCommand } from './demo-command.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command('autozeekwatch')
    .description('Anomaly detection for Zeek logs with KitNET: train, score, follow, and serve live over Zeek\'s WebSocket API')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerTrainCommand(program);
  registerInferCommand(program);
  registerScoreCommand(program);
  registerServeCommand(program);
  registerReplayCommand(program);
  registerEvalCommand(program);
  registerConfigCommand(program);
  registerKitnetCommand(program);
  registerDemoCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander; they already printed
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`autozeekwatch: ${err.message}\n`);
      return EXIT_USAGE;
    }
    const message = err instanceof AutoZeekWatchError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`autozeekwatch: ${message}\n`);
    return EXIT_RUNTIME;
  }
}
