// The `demo` command end to end on the bundled fixtures, as a child process the way `npm start` runs it.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../support/shared-data.js';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

interface CliRun { status: number | null; stdout: string; stderr: string }

function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function distinctLabels(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  return [...new Set(lines.map((l) => l.split(',')[1]!.trim()))];
}

describe('autozeekwatch demo (bundled fixtures, child process)', () => {
  let keepDir: string;
  let run: CliRun;

  before(async function () {
    keepDir = await mkdtemp(path.join(os.tmpdir(), 'azw-demo-test-'));
    run = await runCli(['demo', '--no-live-view', '--rate', '50000', '--keep', keepDir]);
  });

  after(async () => {
    await rm(keepDir, { recursive: true, force: true });
  });

  it('exits 0 and walks through the three steps', () => {
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('Step 1/3').and.to.contain('Step 2/3').and.to.contain('Step 3/3');
  });

  it('prints one training line per module with records, features, autoencoders and threshold', () => {
    for (const module of ['CONN', 'HTTP', 'DNS', 'SSH', 'SSL']) {
      expect(run.stdout).to.match(new RegExp(`^  ${module}\\s+\\d+ records \\(\\d+ calibrate the threshold\\)  \\d+ features  \\d+ autoencoders  threshold \\d`, 'm'));
    }
  });

  it('names every labelled attack episode as found, with its originator blocked', () => {
    const labels = distinctLabels(path.join(repoRoot, 'fixtures', 'mixed', 'labels.csv'));
    expect(labels).to.have.members(['scan', 'ssh-guessing', 'dns-tunnel', 'beacon']);
    for (const label of labels) {
      const line = new RegExp(`^${label}\\s+(\\d+)/(\\d+) records flagged .*; originator (\\S+) blocked by NetControl`, 'm').exec(run.stdout);
      expect(line, `summary line for ${label}`).to.not.equal(null);
      expect(Number(line![1]), `${label} flagged`).to.be.greaterThan(0);
    }
    expect(run.stdout).to.match(/^scan\s+\d+\/1000 records flagged .*originator 10\.20\.10\.26 blocked/m);
  });

  it('keeps benign false alarms under 1 % of the benign records', () => {
    const m = /^benign\s+(\d+)\/(\d+) records flagged \(false alarms\)/m.exec(run.stdout);
    expect(m).to.not.equal(null);
    expect(Number(m![2])).to.equal(1788);
    expect(Number(m![1])).to.be.lessThan(1788 * 0.01);
  });

  it('shows a NetControl block and a never_block refusal of a server', () => {
    expect(run.stdout).to.match(/BLOCK {2}\d+\.\d+\.\d+\.\d+\/32 {2}drop_address_catch_release for 600 s/);
    expect(run.stdout).to.match(/REFUSED by the sidecar \(address in never_block\) {2}10\.20\.0\.\d+ as responder/);
  });

  it('lists the top anomalies with plain-words explanations', () => {
    const section = run.stdout.slice(run.stdout.indexOf('== Top'), run.stdout.indexOf('== Notices'));
    const entries = section.match(/^ ?\d+\. (conn|dns|http|ssh|ssl) +C\w+ .* score [\d.]+ vs threshold [\d.]+/gm) ?? [];
    expect(entries).to.have.length(10);
    const says = section.match(/^ {6}says: .+$/gm) ?? [];
    expect(says.length).to.be.at.least(10);
    expect(says.filter((s) => s.includes('no explanation available'))).to.have.length(0);
  });

  it('lists the Notices Zeek would have raised', () => {
    const notices = run.stdout.match(/AutoZeekWatch::Anomalous_Record {2}\S+ → \S+/g) ?? [];
    expect(notices.length).to.be.at.least(4);
    expect(run.stdout).to.match(/notice\.log\): \d+, \d+ more suppressed per host/);
    expect(run.stdout).to.match(/AutoZeekWatch::Host_Blocked {2}\S+\n {6}msg: blocked \S+ with catch-and-release/);
  });

  it('prints progress lines, not terminal control codes, without a TTY', () => {
    expect(run.stdout).to.match(/^demo: replayed 3856\/3856, scored 3856 /m);
    expect(run.stdout).to.not.contain('\u001b[');
  });

  it('keeps the five models and one score line per replayed record with --keep', async () => {
    const files = await readdir(keepDir);
    expect(files.filter((f) => f.endsWith('.azw')).sort()).to.deep.equal(['conn.azw', 'dns.azw', 'http.azw', 'ssh.azw', 'ssl.azw']);
    const lines = (await readFile(path.join(keepDir, 'scores.ndjson'), 'utf8')).trim().split('\n');
    expect(lines).to.have.length(3856);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).to.include.keys('uid', 'score', 'threshold', 'stream');
  });
});

describe('autozeekwatch demo usage errors', () => {
  it('exits 2 when the fixtures folder lacks logdir/ and mixed/', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'azw-demo-empty-'));
    try {
      const r = await runCli(['demo', '--no-live-view', '--fixtures', empty]);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain('logdir').and.to.contain('is missing');
      expect(existsSync(path.join(empty, 'conn.azw'))).to.equal(false);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('exits 2 on a rate that is not a positive whole number', async () => {
    const r = await runCli(['demo', '--no-live-view', '--rate', '0']);
    expect(r.status).to.equal(2);
  });
});
