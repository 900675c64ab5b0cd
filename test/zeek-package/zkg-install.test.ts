// Installs the repository with zkg into a scratch configuration and checks the scripts land
// where Zeek loads them (`@load packages` -> packages/autozeekwatch/__load__.zeek).
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/shared-data.js';

const PACKAGE_NAME = 'autozeekwatch';

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=azw-test', '-c', 'user.email=azw-test@localhost', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A git repository named like the package (zkg names a package after its URL's last
 * component) whose last commit holds the working tree's zkg.meta and zeek-scripts/:
 * a clone of the repository, plus a commit when those files are not committed yet.
 */
function packageRepository(scratch: string): string {
  const clone = path.join(scratch, PACKAGE_NAME);
  try {
    git(scratch, 'clone', '--quiet', repoRoot, clone);
  } catch {
    git(scratch, 'init', '--quiet', clone); // not a git checkout (e.g. an unpacked tarball)
  }
  rmSync(path.join(clone, 'zeek-scripts'), { recursive: true, force: true });
  cpSync(path.join(repoRoot, 'zeek-scripts'), path.join(clone, 'zeek-scripts'), {
    recursive: true,
    filter: (source) => !/[/\\](\.tmp|\.btest\.failed\.dat)$/.test(source),
  });
  cpSync(path.join(repoRoot, 'zkg.meta'), path.join(clone, 'zkg.meta'));
  git(clone, 'add', '--all', 'zkg.meta', 'zeek-scripts');
  if (git(clone, 'status', '--porcelain').trim() !== '') git(clone, 'commit', '--quiet', '-m', 'working tree package files');
  return clone;
}

function zeekFilesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : zeekFilesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`);
    return entry.name.endsWith('.zeek') ? [`${prefix}${entry.name}`] : [];
  });
}

describe('zeek package installed with zkg', function () {
  let scratch: string;
  let scriptDir: string;
  let zkgOutput: string;

  before(function () {
    if (!commandExists('zkg')) {
      console.log('      (skipped: zkg is not installed; `apt-get install zkg` provides it)');
      this.skip();
    }
    if (!commandExists('git')) {
      console.log('      (skipped: git is not installed; zkg installs from git repositories)');
      this.skip();
    }
    scratch = mkdtempSync(path.join(os.tmpdir(), 'azw-zkg-'));
    scriptDir = path.join(scratch, 'site');
    const config = path.join(scratch, 'zkg.config');
    writeFileSync(
      config,
      [
        '[sources]',
        '[paths]',
        `state_dir = ${path.join(scratch, 'state')}`,
        `script_dir = ${scriptDir}`,
        `plugin_dir = ${path.join(scratch, 'plugins')}`,
        `bin_dir = ${path.join(scratch, 'bin')}`,
        'zeek_dist =',
        '',
      ].join('\n'),
    );
    const repository = packageRepository(scratch);
    // --skiptests: the btests need a Zeek binary; zkg itself needs none to install scripts.
    const install = spawnSync('zkg', ['--config', config, 'install', '--force', '--skiptests', repository], {
      encoding: 'utf8',
      env: { ...process.env, HOME: scratch },
    });
    zkgOutput = `${install.stdout}\n${install.stderr}`;
    expect(install.status, zkgOutput).to.equal(0);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('reports the package as installed and loaded', () => {
    expect(zkgOutput).to.match(new RegExp(`Installed ".*${PACKAGE_NAME}"`));
    expect(zkgOutput).to.match(new RegExp(`Loaded ".*${PACKAGE_NAME}"`));
  });

  it('copies every package script to <script_dir>/packages/autozeekwatch/ unchanged', () => {
    const installed = path.join(scriptDir, 'packages', PACKAGE_NAME);
    const sources = zeekFilesUnder(path.join(repoRoot, 'zeek-scripts'));
    expect(sources).to.include('__load__.zeek');
    for (const file of sources) {
      const copy = path.join(installed, file);
      expect(existsSync(copy), file).to.equal(true);
      expect(readFileSync(copy, 'utf8'), file).to.equal(readFileSync(path.join(repoRoot, 'zeek-scripts', file), 'utf8'));
    }
  });

  it('makes `@load packages` load it and `@load autozeekwatch` find it', () => {
    const packagesZeek = readFileSync(path.join(scriptDir, 'packages', 'packages.zeek'), 'utf8');
    expect(packagesZeek.split('\n')).to.include(`@load ./${PACKAGE_NAME}`);
    const link = path.join(scriptDir, PACKAGE_NAME);
    expect(lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(path.resolve(scriptDir, readlinkSync(link))).to.equal(path.join(scriptDir, 'packages', PACKAGE_NAME));
  });
});
