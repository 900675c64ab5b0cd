import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function run(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

describe('autozeekwatch CLI', () => {
  it('prints help and exits 0', () => {
    const r = run('--help');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/Usage: autozeekwatch/);
  });
  it('exits 2 on an unknown option', () => {
    const r = run('--no-such-option');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/unknown option/);
  });
  it('exits 2 on an unknown command', () => {
    const r = run('no-such-command');
    expect(r.status).to.equal(2);
  });
});
