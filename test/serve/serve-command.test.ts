// `autozeekwatch serve` configuration as a real CLI: every problem listed with exit 2, and the
// precedence flags > env > file > defaults (a flag's absence never overrides the file).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './serve-helpers.js';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function runServe(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AZW_')));
  const r = spawnSync(process.execPath, [bin, 'serve', ...args], { encoding: 'utf8', env: { ...clean, ...env }, timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('autozeekwatch serve: configuration', function () {
  let dir: string;
  before(() => { dir = tempDir('azw-serve-cli-'); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a bad configuration exits 2 listing every problem with where it came from', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'zeek:\n  url: http://nope\nscoring:\n  thread: 2\nmitigation:\n  level: -1\n');
    const r = runServe(['--config', file, '--threads', 'many'], { AZW_QUEUE_MAX_BATCHES: 'lots' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('invalid configuration (5 problems)');
    expect(r.stderr).to.contain(`${file}:2: zeek.url: expected a ws:// or wss:// URL`);
    expect(r.stderr).to.match(/bad\.yaml:4: scoring\.thread: unknown key \(did you mean scoring\.threads\?\)/);
    expect(r.stderr).to.contain(`${file}:6: mitigation.level: must be greater than 0`);
    expect(r.stderr).to.contain('flag scoring.threads: scoring.threads: expected a whole number');
    expect(r.stderr).to.contain('env AZW_QUEUE_MAX_BATCHES: queue.max_batches: expected a whole number');
  });

  it('flags > env > file > defaults, and a flag not given does not override the file', () => {
    const file = path.join(dir, 'good.yaml');
    writeFileSync(file, `models:\n  dir: ${path.join(dir, 'from-file')}\nmetrics:\n  listen: ""\n`);
    // models.dir from the file (the --model-dir flag has no default that could win)
    let r = runServe(['--config', file]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain(`no model files in ${path.join(dir, 'from-file')}`);
    // AZW_CONFIG names the file when --config is absent
    r = runServe([], { AZW_CONFIG: file });
    expect(r.stderr).to.contain(`no model files in ${path.join(dir, 'from-file')}`);
    // env beats the file
    r = runServe(['--config', file], { AZW_MODELS_DIR: path.join(dir, 'from-env') });
    expect(r.stderr).to.contain(`no model files in ${path.join(dir, 'from-env')}`);
    // a flag beats both; --set is a flag too
    r = runServe(['--config', file, '--model-dir', path.join(dir, 'from-flag')], { AZW_MODELS_DIR: path.join(dir, 'from-env') });
    expect(r.stderr).to.contain(`no model files in ${path.join(dir, 'from-flag')}`);
    r = runServe(['--config', file, '--set', `models.dir=${path.join(dir, 'from-set')}`]);
    expect(r.stderr).to.contain(`no model files in ${path.join(dir, 'from-set')}`);
    // the config line says where the effective values came from
    expect(r.stderr).to.match(/"msg":"config loaded".*"models\.dir":"flag models\.dir"/);
    expect(r.stderr).to.match(/"metrics\.listen":"[^"]*good\.yaml:4"/);
  });
});
