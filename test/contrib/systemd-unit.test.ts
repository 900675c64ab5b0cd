// contrib/autozeekwatch.service: systemd accepts it without warnings, and it has the settings operators rely on.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/shared-data.js';

const unitFile = path.join(repoRoot, 'contrib', 'autozeekwatch.service');
const INSTALLED_BINARY = '/usr/local/bin/autozeekwatch';

function systemdAnalyze(): string | undefined {
  const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0 ? 'systemd-analyze' : undefined;
}

/** [section] → key → values, in file order (systemd allows repeated keys). */
function readUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = line.match(/^\[(.+)\]$/);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const at = line.indexOf('=');
    expect(current, `key outside a section: ${line}`).to.not.equal(undefined);
    const key = line.slice(0, at);
    current!.set(key, [...(current!.get(key) ?? []), line.slice(at + 1)]);
  }
  return sections;
}

describe('contrib/autozeekwatch.service', () => {
  const text = readFileSync(unitFile, 'utf8');
  const service = readUnit(text).get('Service')!;
  const one = (key: string): string | undefined => service.get(key)?.at(-1);

  it('runs serve with the /etc config as a dedicated user, reloads with SIGHUP, restarts on failure', () => {
    expect(one('ExecStart')).to.equal(`${INSTALLED_BINARY} serve --config /etc/autozeekwatch/autozeekwatch.yaml`);
    expect(one('ExecReload')).to.equal('/bin/kill -HUP $MAINPID');
    expect(one('Restart')).to.equal('on-failure');
    expect(one('User')).to.equal('autozeekwatch');
    expect(readUnit(text).get('Install')?.get('WantedBy')).to.deep.equal(['multi-user.target']);
  });

  it('is sandboxed and may write only its state directory (where relative config paths resolve)', () => {
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['PrivateTmp', 'yes'], ['ProtectHome', 'yes'],
      ['ReadWritePaths', '/var/lib/autozeekwatch'], ['WorkingDirectory', '/var/lib/autozeekwatch'], ['StateDirectory', 'autozeekwatch'],
    ]) expect(one(key!), key).to.equal(value);
    expect(one('CapabilityBoundingSet')).to.equal('');
  });

  it('passes systemd-analyze verify with no warnings', function () {
    const tool = systemdAnalyze();
    if (tool === undefined) {
      console.log('      (skipped: systemd-analyze is not installed; apt-get install systemd to run this check)');
      this.skip();
    }
    // verify insists the ExecStart binary exists; point it at a stand-in, everything else is checked as shipped
    const dir = mkdtempSync(path.join(tmpdir(), 'azw-unit-'));
    const standIn = path.join(dir, 'autozeekwatch');
    writeFileSync(standIn, '#!/bin/sh\nexit 0\n');
    chmodSync(standIn, 0o755);
    const copy = path.join(dir, 'autozeekwatch.service');
    writeFileSync(copy, text.replaceAll(INSTALLED_BINARY, standIn));
    const result = spawnSync(tool!, ['verify', copy], { encoding: 'utf8' });
    expect(result.stderr + result.stdout, 'systemd-analyze output').to.equal('');
    expect(result.status).to.equal(0);
  });

  it('systemd-analyze verify catches a broken unit (so the check above can fail)', function () {
    const tool = systemdAnalyze();
    if (tool === undefined) {
      console.log('      (skipped: systemd-analyze is not installed)');
      this.skip();
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'azw-unit-'));
    const copy = path.join(dir, 'autozeekwatch.service');
    writeFileSync(copy, text.replace('Restart=on-failure', 'Restart=on-failure\nRestartEverySoOften=yes'));
    const result = spawnSync(tool!, ['verify', copy], { encoding: 'utf8' });
    expect(result.stderr).to.contain("Unknown key 'RestartEverySoOften'");
  });
});
