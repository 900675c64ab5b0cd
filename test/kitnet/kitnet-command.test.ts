// End to end: `autozeekwatch kitnet` spawned on small generated matrices; exit codes 0 / 1 / 2.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KitNET } from '../../src/kitnet/index.js';
import { loadModel } from '../../src/model/model-file.js';
import { correlatedGroupsMatrix } from './synthetic-data.js';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const rows = correlatedGroupsMatrix(260, [[0, 1, 2], [3, 4]], 6, 31, 0.05);
const FM = 40;
const AD = 150;

function run(...args: string[]) {
  return spawnSync(process.execPath, [bin, 'kitnet', ...args], { encoding: 'utf8' });
}

function readScores(file: string): string[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(lines[0]).to.equal('row,score');
  return lines.slice(1).map((line, i) => {
    const [index, score] = line.split(',');
    expect(Number(index)).to.equal(i);
    return score!;
  });
}

describe('autozeekwatch kitnet', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'azw-kitnet-'));
    const csv = rows.map((r) => Array.from(r).join(',')).join('\n');
    writeFileSync(file('with-header.csv'), 'a,b,c,d,e,f\n' + csv + '\n');
    writeFileSync(file('no-header.csv'), csv + '\n');
    writeFileSync(file('rows.ndjson'), rows.map((r) => JSON.stringify(Array.from(r))).join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scores every row like process(): zeros for the FM+AD+1 training rows, then scores; writes the map', () => {
    const r = run('--in', file('with-header.csv'), '--out', file('scores.csv'), '--fm-grace', `${FM}`, '--ad-grace', `${AD}`, '--max-ae', '2', '--map-out', file('map.json'));
    expect(r.status, r.stderr).to.equal(0);
    const scores = readScores(file('scores.csv')).map(Number);
    expect(scores).to.have.length(rows.length);
    expect(scores.findIndex((s) => s !== 0)).to.equal(FM + AD + 1);
    expect(scores.slice(FM + AD + 1).every((s) => s > 0)).to.equal(true);
    const map = JSON.parse(readFileSync(file('map.json'), 'utf8')) as number[][];
    expect(map.flat().sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    for (const group of map) expect(group.length).to.be.at.most(2);
    expect(r.stderr).to.match(/260 rows × 6 features/);
  });

  it('saves a model file whose KitNET gives the same scores as the run', async () => {
    const r = run('--in', file('no-header.csv'), '--out', file('saved.csv'), '--fm-grace', `${FM}`, '--ad-grace', `${AD}`, '--model-out', file('matrix.azw'));
    expect(r.status, r.stderr).to.equal(0);
    const model = await loadModel(file('matrix.azw'));
    expect(model.header.module).to.equal('MATRIX');
    expect(model.header.training.calibrationRows).to.equal(rows.length - (FM + AD + 1));
    const restored = KitNET.fromState(model.kitnet);
    const written = readScores(file('saved.csv')).map(Number);
    for (let i = FM + AD + 1; i < rows.length; i++) expect(restored.score(rows[i]!)).to.equal(written[i]);
  });

  it('reads CSV without a header and NDJSON arrays to the same scores, and matches the library exactly', () => {
    const outputs = ['with-header.csv', 'no-header.csv', 'rows.ndjson'].map((input, i) => {
      const r = run('--in', file(input), '--out', file(`ref-${i}.csv`), '--fm-grace', `${FM}`, '--ad-grace', `${AD}`, '--reference', 'kitnet-py');
      expect(r.status, r.stderr).to.equal(0);
      return readScores(file(`ref-${i}.csv`));
    });
    expect(outputs[1]).to.deep.equal(outputs[0]);
    expect(outputs[2]).to.deep.equal(outputs[0]);
    const kitnet = new KitNET(6, { fmGrace: FM, adGrace: AD, reference: 'kitnet-py' });
    expect(outputs[0]).to.deep.equal(rows.map((row) => String(kitnet.process(row))));
  });

  it('exits 1 naming the line of a malformed CSV cell', () => {
    const lines = readFileSync(file('with-header.csv'), 'utf8').split('\n');
    lines[5] = '0.1,0.2,oops,0.4,0.5,0.6';
    writeFileSync(file('bad-cell.csv'), lines.join('\n'));
    const r = run('--in', file('bad-cell.csv'), '--out', file('bad.csv'));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/bad-cell\.csv:6: column 3 is not a number: "oops"/);
  });

  it('exits 1 naming the line of a row with the wrong number of values, or non-finite in default mode', () => {
    const lines = readFileSync(file('rows.ndjson'), 'utf8').split('\n');
    lines[9] = '[1, 2, 3]';
    writeFileSync(file('short.ndjson'), lines.join('\n'));
    const short = run('--in', file('short.ndjson'), '--out', file('bad.csv'));
    expect(short.status).to.equal(1);
    expect(short.stderr).to.match(/short\.ndjson:10: row has 3 values, the first row had 6/);
    writeFileSync(file('inf.csv'), '1,2\n3,Infinity\n');
    const infinite = run('--in', file('inf.csv'), '--out', file('bad.csv'));
    expect(infinite.status).to.equal(1);
    expect(infinite.stderr).to.match(/inf\.csv:2: .*feature 1 is Infinity/);
  });

  it('exits 1 when the input does not exist', () => {
    const r = run('--in', file('missing.csv'), '--out', file('bad.csv'));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/missing\.csv: no such file/);
  });

  it('exits 2 on bad options', () => {
    expect(run('--in', file('no-header.csv'), '--out', file('x.csv'), '--max-ae', '0').status).to.equal(2);
    expect(run('--in', file('no-header.csv'), '--out', file('x.csv'), '--learning-rate', 'fast').status).to.equal(2);
    expect(run('--in', file('no-header.csv'), '--out', file('x.csv'), '--reference', 'pysad').status).to.equal(2);
    expect(run('--in', file('no-header.csv')).status).to.equal(2);
  });
});
