// `autozeekwatch replay` and `autozeekwatch serve` as two real child processes on loopback: replay
// stands in for Zeek, serve scores, and replay prints what Zeek would have logged.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixedLabels, readScoreLines, tempDir, trainFixtureModels, fixtures } from '../serve/serve-helpers.js';
import { until } from '../zeek-emulator/emulator.js';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

interface Child { proc: ChildProcess; stdout: string; stderr: string; exit: Promise<number | null> }

function start(args: string[]): Child {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AZW_')));
  const proc = spawn(process.execPath, [bin, ...args], { env });
  const child: Child = { proc, stdout: '', stderr: '', exit: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
  proc.stdout!.on('data', (d: Buffer) => { child.stdout += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { child.stderr += d.toString(); });
  return child;
}

describe('autozeekwatch replay → autozeekwatch serve (two processes)', function () {
  let dir: string;
  let modelDir: string;
  before(async () => {
    dir = tempDir('azw-replay-cli-');
    modelDir = path.join(dir, 'models');
    await trainFixtureModels(modelDir, ['CONN', 'DNS', 'SSH']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays fixtures/mixed; serve scores every record and answers; replay prints the Zeek logs and a summary', async () => {
    const files = ['conn', 'dns', 'ssh'].map((s) => path.join(fixtures, 'mixed', `${s}.log`));
    const replay = start(['replay', ...files, '--listen', '127.0.0.1:0', '--wait-for-sidecar', '--done-timeout', '60']);
    let serve: Child | undefined;
    try {
      await until(() => /replay: serving (ws:\S+)/.test(replay.stderr), 'replay to listen', 30_000);
      const url = /replay: serving (ws:\S+)/.exec(replay.stderr)![1]!;
      const out = path.join(dir, 'scores.ndjson');
      serve = start(['serve', '--zeek', url, '--model-dir', modelDir, '--out', out, '--threads', '1', '--exit-on-end', '--metrics-listen', '127.0.0.1:0']);
      const [replayCode, serveCode] = await Promise.all([replay.exit, serve.exit]);
      expect(serveCode, serve.stderr).to.equal(0);
      expect(replayCode, replay.stderr).to.equal(0);
      const published = Number(/published (\d+) records/.exec(replay.stderr)![1]);
      expect(published).to.be.greaterThan(3000);
      expect(readScoreLines(out)).to.have.length(published);
      const logLines = replay.stdout.split('\n').filter((l) => l.startsWith('autozeekwatch.log: '));
      const labels = mixedLabels();
      const uids = logLines.map((l) => (JSON.parse(l.slice('autozeekwatch.log: '.length)) as { uid: string }).uid);
      expect(uids.filter((u) => labels.has(u)).length).to.be.greaterThan(uids.length / 2);
      expect(replay.stdout).to.match(/reporter: sidecar done: scored \d+ records/);
      expect(replay.stdout).to.match(new RegExp(`summary: ${logLines.length} autozeekwatch.log lines, \\d+ notices`));
      expect(serve.stderr).to.contain('"msg":"zeek subscription acknowledged"');
      expect(serve.stderr).to.contain('"msg":"metrics endpoint listening"');
    } finally {
      replay.proc.kill();
      serve?.proc.kill();
    }
  });
});
