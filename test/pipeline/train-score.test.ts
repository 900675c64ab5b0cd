// Train on the bundled benign archive, then score the bundled attack mix through the CLI: the
// model files, the score file format, the equality of score/infer, and that attacks stand out.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalUpperQuantile } from '../../src/kitnet/index.js';
import { loadScoringModel, restoreModel } from '../../src/model/loaded-model.js';
import { decodeModel, encodeModel, modelPath } from '../../src/model/model-file.js';
import { RecordScorer } from '../../src/pipeline/record-scorer.js';
import { chooseGracePeriods, trainFromSource, trainModule, type TrainingSource } from '../../src/pipeline/train-module.js';
import { MAX_SEEN_VALUES } from '../../src/features/index.js';
import type { LogEntry } from '../../src/zeek/index.js';
import { findLogFiles, readLogFile } from '../../src/zeek/index.js';
import { repoRoot } from '../support/shared-data.js';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const fixtures = path.join(repoRoot, 'fixtures');

interface ScoreLine {
  ts: number; uid: string; stream: string; 'id.orig_h': string; 'id.orig_p': number; 'id.resp_h': string; 'id.resp_p': number;
  proto: string; score: number; threshold: number; p: number; anomalous: boolean; model: string; top?: { feature: string; says: string }[];
}

function readLines(file: string): ScoreLine[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ScoreLine);
}

function labels(): Map<string, string> {
  const rows = readFileSync(path.join(fixtures, 'mixed', 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((r) => r.split(',') as [string, string]));
}

describe('train → model files → score and infer (fixtures)', function () {
  let dir: string;
  let modelDir: string;
  let trainErr: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'azw-pipeline-'));
    modelDir = path.join(dir, 'models');
    const r = spawnSync(process.execPath, [bin, 'train', '--log-dir', path.join(fixtures, 'logdir'), '--modules', 'CONN', 'DNS', 'SSH', '--model-dir', modelDir], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^module\s+records\s+calibration/m);
    expect(r.stdout).to.match(/trained 3 of 3 modules/);
    trainErr = r.stderr;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one model file per module, each naming its schema, calibration and training span', async () => {
    for (const module of ['CONN', 'DNS', 'SSH'] as const) {
      const model = await loadScoringModel(modelPath(modelDir, module));
      expect(model.module).to.equal(module);
      expect(model.header.schema.names).to.have.length(model.featurizer.width);
      expect(model.calibration.threshold).to.be.greaterThan(0);
      expect(model.header.training.trainRows + model.header.training.calibrationRows).to.be.greaterThan(100);
      expect(model.header.training.firstTs).to.be.lessThan(model.header.training.lastTs!);
    }
  });

  it('calibrates each threshold on the tail of the held-out scores and says so, with the counts', async () => {
    for (const module of ['CONN', 'DNS', 'SSH'] as const) {
      const { calibration, header } = await loadScoringModel(modelPath(modelDir, module));
      expect(calibration.method).to.be.oneOf(['tail-fit', 'tail-fit-capped']);
      expect(calibration.samples).to.be.at.most(header.training.calibrationRows).and.greaterThan(10);
      expect(calibration.tail!.samples).to.be.lessThan(calibration.samples);
      expect(calibration.threshold).to.be.at.most(2 * calibration.maxScore!);
      expect(trainErr).to.match(new RegExp(`train: ${module}: threshold [\\d.e-]+ from a power-law tail fitted to the top ${calibration.tail!.samples} of ${calibration.samples} calibration scores`));
    }
  });

  it('calibrates with the spec §7 log-normal when asked (--threshold-method log-normal), on the same held-out scores', async () => {
    const logNormalDir = path.join(dir, 'models-log-normal');
    const r = spawnSync(process.execPath, [bin, 'train', '--log-dir', path.join(fixtures, 'logdir'), '--modules', 'SSH', '--model-dir', logNormalDir, '--threshold-method', 'log-normal'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^SSH\s.*\blog-normal\b/m);
    const tail = (await loadScoringModel(modelPath(modelDir, 'SSH'))).calibration;
    const logNormal = (await loadScoringModel(modelPath(logNormalDir, 'SSH'))).calibration;
    expect(logNormal.method).to.equal('log-normal');
    expect(logNormal.tail).to.equal(undefined);
    // same model, same held-out scores: the same fit of their logs, a different threshold from it
    expect(logNormal.mu).to.equal(tail.mu);
    expect(logNormal.threshold).to.be.closeTo(Math.exp(logNormal.mu + logNormal.sigma * normalUpperQuantile(1e-4)), 1e-12);
    expect(spawnSync(process.execPath, [bin, 'train', '--log-dir', path.join(fixtures, 'logdir'), '--modules', 'SSH', '--model-dir', logNormalDir, '--threshold-method', 'max'], { encoding: 'utf8' }).status).to.equal(2);
  });

  it('loads a calibration stored before tail fitting, and refuses a tail-fit calibration without its tail', async () => {
    const file = modelPath(modelDir, 'CONN');
    const stored = decodeModel(readFileSync(file), file);
    const { mu, sigma, threshold, targetFpr, samples } = stored.header.calibration;
    const old = { ...stored, header: { ...stored.header, calibration: { mu, sigma, threshold, targetFpr, samples } } };
    const reloaded = decodeModel(encodeModel(old), 'old.azwm');
    expect(reloaded.header.calibration).to.deep.equal({ mu, sigma, threshold, targetFpr, samples });
    const broken = { ...stored, header: { ...stored.header, calibration: { mu, sigma, threshold, targetFpr, samples, method: 'tail-fit' as const } } };
    expect(() => decodeModel(encodeModel(broken), 'broken.azwm')).to.throw(/header\.calibration\.tail/);
    const unknown = { ...stored, header: { ...stored.header, calibration: { ...stored.header.calibration, method: 'guess' as 'tail-fit' } } };
    expect(() => decodeModel(encodeModel(unknown), 'unknown.azwm')).to.throw(/header\.calibration\.tail/);
  });

  it('score: every line is JSON with the 5-tuple and proto; the attack episodes stand out', () => {
    const out = path.join(dir, 'scores.ndjson');
    const r = spawnSync(process.execPath, [bin, 'score', path.join(fixtures, 'mixed'), '--model-dir', modelDir, '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const lines = readLines(out);
    const streams = new Set(lines.map((l) => l.stream));
    expect([...streams].sort()).to.deep.equal(['conn', 'dns', 'ssh']);
    for (const l of lines) {
      expect(l.uid).to.match(/^C/);
      expect(l.proto).to.be.oneOf(['tcp', 'udp', 'icmp']);
      expect(l['id.orig_h']).to.be.a('string');
      expect(l['id.resp_p']).to.be.a('number');
      expect(Number.isFinite(l.score)).to.equal(true);
      expect(l.anomalous).to.equal(l.score >= l.threshold);
      if (l.anomalous) {
        expect(l.top!.length).to.be.greaterThan(0);
        // every explanation compares the value with what training looked like, or names a value training never had
        for (const t of l.top!) expect(t.says).to.match(/: .+, (in training|typical)|never seen in training: \S+$/);
      }
    }
    const dnsProto = lines.filter((l) => l.stream === 'dns').map((l) => l.proto);
    expect(dnsProto).to.include('udp');
    const label = labels();
    const flagged = (name: string, stream: string) => {
      const mine = lines.filter((l) => l.stream === stream && label.get(l.uid) === name);
      return mine.filter((l) => l.anomalous).length / mine.length;
    };
    expect(flagged('scan', 'conn')).to.be.greaterThan(0.9);
    const scanSays = lines.filter((l) => label.get(l.uid) === 'scan' && l.anomalous).flatMap((l) => l.top!.map((t) => t.says));
    expect(scanSays.some((s) => /distinct responder ports/.test(s)), 'a scan is explained by its distinct ports').to.equal(true);
    // a port the training day never had is named in the words (the line's own port), not just flagged
    let namedPorts = 0;
    for (const l of lines.filter((line) => label.get(line.uid) === 'scan' && line.anomalous)) {
      for (const t of l.top!) {
        const port = /^responder port is a value never seen in training: (\d+)$/.exec(t.says)?.[1];
        if (port === undefined) continue;
        expect(Number(port)).to.equal(l['id.resp_p']);
        namedPorts++;
      }
    }
    expect(namedPorts, 'scan explanations naming a new port').to.be.greaterThan(10);
    expect(flagged('dns-tunnel', 'dns')).to.be.greaterThan(0.9);
    expect(flagged('ssh-guessing', 'ssh')).to.be.greaterThan(0.9);
    const benign = lines.filter((l) => !label.has(l.uid));
    expect(benign.filter((l) => l.anomalous).length / benign.length).to.be.lessThan(0.02);
  });

  it('appends to the score file on a second run instead of truncating it', () => {
    const out = path.join(dir, 'append.ndjson');
    writeFileSync(out, '{"earlier":"line"}\n');
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(process.execPath, [bin, 'score', path.join(fixtures, 'mixed', 'ssh.log'), '--model-dir', modelDir, '--modules', 'SSH', '--out', out], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
    }
    const text = readFileSync(out, 'utf8').trim().split('\n');
    expect(text[0]).to.equal('{"earlier":"line"}');
    expect((text.length - 1) % 2).to.equal(0);
    expect(text.slice(1, 1 + (text.length - 1) / 2)).to.deep.equal(text.slice(1 + (text.length - 1) / 2));
  });

  it('infer follows current/ and gives the same scores as score for the same records', async function () {
    const logDir = path.join(dir, 'live');
    mkdirSync(path.join(logDir, 'current'), { recursive: true });
    const out = path.join(dir, 'infer.ndjson');
    const child = spawn(process.execPath, [bin, 'infer', '--log-dir', logDir, '--model-dir', modelDir, '--modules', 'SSH', '--out', out, '--poll-interval', '20', '--from-start'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let expected = 0;
    try {
    await waitFor(() => stderr.includes('following'));
    // Zeek writes the file after infer has started: lines appear in two chunks, the second one partial at first.
    const source = readFileSync(path.join(fixtures, 'mixed', 'ssh.log'), 'utf8');
    const cut = source.indexOf('\n', Math.floor(source.length / 2)) + 1;
    const live = path.join(logDir, 'current', 'ssh.log');
    writeFileSync(live, source.slice(0, cut));
    appendFileSync(live, source.slice(cut, cut + 40));
    appendFileSync(live, source.slice(cut + 40));
    expected = source.trim().split('\n').length;
    await waitFor(() => safeLineCount(out) >= expected);
    } finally {
      child.kill('SIGINT');
    }
    const code = await exited;
    expect(code, stderr).to.equal(0);
    const inferred = readLines(out);
    expect(inferred).to.have.length(expected);
    const scoredOut = path.join(dir, 'score-ssh.ndjson');
    copyFileSync(path.join(fixtures, 'mixed', 'ssh.log'), path.join(dir, 'ssh.log'));
    const r = spawnSync(process.execPath, [bin, 'score', path.join(dir, 'ssh.log'), '--model-dir', modelDir, '--modules', 'SSH', '--out', scoredOut], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(inferred.map((l) => [l.uid, l.score])).to.deep.equal(readLines(scoredOut).map((l) => [l.uid, l.score]));
  });

  it('gives bit-identical scores from the trained model and from its file after save and load', async () => {
    const files = (await findLogFiles(path.join(fixtures, 'logdir'), { streams: ['ssh'] })).get('ssh')!;
    const trained = await trainModule('SSH', files);
    const inMemory = restoreModel({ ...trained.contents, id: 'mem', file: 'memory' });
    const fromFile = restoreModel(decodeModel(encodeModel(trained.contents), 'copy.azw'));
    const a = new RecordScorer([inMemory]);
    const b = new RecordScorer([{ ...fromFile, id: 'mem' }]);
    let compared = 0;
    for await (const entry of readLogFile(path.join(fixtures, 'mixed', 'ssh.log'))) {
      expect(b.score(entry)!.score).to.equal(a.score(entry)!.score);
      compared++;
    }
    expect(compared).to.be.greaterThan(100);
  });

  it('refuses a model trained with another feature schema, naming the file', async () => {
    const file = modelPath(modelDir, 'SSH');
    const model = decodeModel(readFileSync(file), file);
    const tampered = { ...model, featurizer: { ...(model.featurizer as object), version: 999 } } as unknown as typeof model;
    const bytes = encodeModel(tampered);
    const other = path.join(dir, 'ssh-other.azw');
    writeFileSync(other, bytes);
    try {
      await loadScoringModel(other);
      expect.fail('loaded a model of another schema');
    } catch (err) {
      expect((err as { code: string }).code).to.equal('SCHEMA_MISMATCH');
      expect((err as Error).message).to.contain('ssh-other.azw');
    }
  });
});

describe('grace periods chosen from the data', () => {
  it('holds out the calibration share and maps features on min(5000, 10%) of the rest', () => {
    const plan = chooseGracePeriods(10_000, { calibrationFraction: 0.1, kitnet: {} });
    expect(plan.calibrationRows).to.equal(1000);
    expect(plan.fmGrace).to.equal(900);
    expect(plan.trainRows).to.equal(9000);
    expect(plan.notes).to.deep.equal([]);
  });
  it('shortens explicit grace periods that do not fit, and says so', () => {
    const plan = chooseGracePeriods(2000, { calibrationFraction: 0.1, kitnet: { fmGrace: 5000, adGrace: 50000 } });
    expect(plan.trainRows + plan.calibrationRows).to.equal(2000);
    expect(plan.notes[0]).to.match(/do not fit/);
  });
  it('keeps explicit grace periods that fit and calibrates on everything after them', () => {
    const plan = chooseGracePeriods(100_000, { calibrationFraction: 0.1, kitnet: { fmGrace: 5000, adGrace: 50000 } });
    expect(plan).to.include({ fmGrace: 5000, adGrace: 50000, trainRows: 55001, calibrationRows: 44999 });
  });
  it('refuses to train on a handful of records', () => {
    expect(() => chooseGracePeriods(50, { calibrationFraction: 0.1, kitnet: {} })).to.throw(/at least/);
  });
});

describe('unseen values and fields too varied for them', () => {
  /** conn records over an hour; responder ports cycle through `ports` distinct values */
  const connSource = (ports: number): TrainingSource =>
    async function* () {
      for (let i = 0; i < 6000; i++) {
        const entry: LogEntry = {
          stream: 'conn',
          source: { file: 'made-up', line: i + 1 },
          record: { ts: 1.7e9 + i * 0.6, uid: `C${i}`, 'id.orig_h': `10.0.0.${i % 50}`, 'id.orig_p': 40000 + (i % 1000), 'id.resp_h': '10.0.1.1',
            'id.resp_p': 1 + (i % ports), proto: 'tcp', conn_state: 'SF', duration: 0.1 + (i % 7) / 10, orig_bytes: 100 + (i % 13), resp_bytes: 200 },
        };
        yield entry;
      }
    };

  it('says which fields had too many distinct training values to tell a new value from a rare one', async () => {
    const varied = await trainFromSource('CONN', connSource(MAX_SEEN_VALUES + 500), ['made-up']);
    expect(varied.notes.join('\n')).to.match(new RegExp(`resp_port: more than ${MAX_SEEN_VALUES} distinct values`));
    expect(varied.contents.featurizer.seenValues['resp_port']).to.equal(null);
    const narrow = await trainFromSource('CONN', connSource(40), ['made-up']);
    expect(narrow.notes.join('\n')).to.not.match(/distinct values in training/);
    expect(narrow.contents.featurizer.seenValues['resp_port']).to.have.length.above(0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(condition(), 'condition not reached').to.equal(true);
}

function safeLineCount(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length;
  } catch {
    return 0;
  }
}
