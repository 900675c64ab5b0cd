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

describe('score', () => {
  it('refuses a path that does not exist before doing any work (exit 2)', () => {
    const r = run('score', '/nonexistent/conn.log', '--model-dir', '/nonexistent/models');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/no such file or directory: \/nonexistent\/conn\.log/);
  });
});

describe('--since', () => {
  it('turns a duration into the first day of the window, in UTC', async () => {
    const { parseSince } = await import('../../src/cli/options.js');
    const now = new Date('2026-11-26T03:00:00Z');
    expect(parseSince('7d', now)).to.equal('2026-11-19');
    expect(parseSince('36h', now)).to.equal('2026-11-24');
    expect(parseSince('2w', now)).to.equal('2026-11-12');
    expect(() => parseSince('7 days', now)).to.throw(/36h, 7d or 2w/);
  });
  it('limits training to the recent days: the 2024 fixtures are all older than 2 weeks', () => {
    const logDir = fileURLToPath(new URL('../../../fixtures/logdir', import.meta.url));
    const r = run('train', '--log-dir', logDir, '--since', '2w', '--model-dir', '/nonexistent-never-written');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/no logs for CONN/);
  });
  it('is refused together with --start-date (exit 2)', () => {
    const r = run('train', '--log-dir', '.', '--since', '7d', '--start-date', '2024-01-01');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/--since or --start-date/);
  });
});
