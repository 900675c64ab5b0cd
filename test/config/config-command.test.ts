// `autozeekwatch config check|print|keys`, driven through commander as the CLI runs it.
import { expect } from 'chai';
import { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerConfigCommand } from '../../src/cli/config-command.js';
import { ConfigError } from '../../src/config/index.js';
import { UsageError } from '../../src/errors.js';

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  let out = '';
  const program = new Command('autozeekwatch').exitOverride();
  registerConfigCommand(program, { stdout: { write: (t: string) => (out += t) }, env });
  await program.parseAsync(args, { from: 'user' });
  return out;
}

describe('config command', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'azw-config-cmd-'));
  const good = path.join(dir, 'good.yaml');
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(good, 'zeek:\n  shard: 0/2\n');
  writeFileSync(bad, 'zeek:\n  shard: 2/2\n  urll: ws://x\nlog:\n  level: loud\n');

  it('check says valid for a valid file', async () => {
    expect(await run(['config', 'check', good])).to.equal(`${good}: valid\n`);
  });

  it('check throws a usage error (exit 2) listing every problem', async () => {
    const err = await run(['config', 'check', bad]).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ConfigError).and.instanceOf(UsageError);
    const message = (err as ConfigError).message;
    expect(message).to.contain(`${bad}:2: zeek.shard:`);
    expect(message).to.contain(`${bad}:3: zeek.urll: unknown key (did you mean zeek.url?)`);
    expect(message).to.contain(`${bad}:5: log.level: expected one of debug, info, warn, error`);
    expect((err as ConfigError).problems).to.have.length(3);
  });

  it('check ignores the environment, so it answers the same everywhere', async () => {
    expect(await run(['config', 'check', good], { AZW_LOG_LEVEL: 'loud' })).to.equal(`${good}: valid\n`);
  });

  it('print shows file, env and --set values with their sources, taking the file from AZW_CONFIG', async () => {
    const text = await run(['config', 'print', '--set', 'log.level=debug', '--set', 'output.file=-'], { AZW_CONFIG: good, AZW_QUEUE_MAX_BATCHES: '64' });
    expect(text).to.match(/shard: 0\/2 {2}# .*good\.yaml:2/);
    expect(text).to.contain('max_batches: 64  # env AZW_QUEUE_MAX_BATCHES');
    expect(text).to.contain('level: debug  # flag log.level');
    expect(text).to.contain('file: "-"  # flag output.file');
  });

  it('print refuses an invalid environment with the variable named', async () => {
    const err = await run(['config', 'print'], { AZW_METRICS_LISTEN: 'localhost' }).then(() => undefined, (e: unknown) => e);
    expect((err as ConfigError).message).to.contain('env AZW_METRICS_LISTEN: metrics.listen: expected "host:port"');
  });

  it('keys lists every key with its env var', async () => {
    const text = await run(['config', 'keys']);
    expect(text).to.contain('zeek.reconnect.initial_ms  (AZW_ZEEK_RECONNECT_INITIAL_MS; integer ≥ 1; default 250)');
    expect(text).to.contain('scoring.threads  (AZW_SCORING_THREADS; integer ≥ 0; default "(0 up to 2 cores, else cores − 1)")');
  });
});
