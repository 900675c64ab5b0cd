// The batched scoring path `score` and `infer` use (batches → scoreBatchesInto) against scoring one record at a time.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { restoreModel } from '../../src/model/loaded-model.js';
import type { ModelContents } from '../../src/model/model-file.js';
import { RecordScorer } from '../../src/pipeline/record-scorer.js';
import { scoreBatchesInto } from '../../src/pipeline/score-stream.js';
import { trainModule } from '../../src/pipeline/train-module.js';
import { ScoreFileWriter } from '../../src/sinks/score-file.js';
import { findLogFiles } from '../../src/zeek/log-directory.js';
import { readLogFile, readLogFileBatches } from '../../src/zeek/log-file.js';
import { ReadSummary } from '../../src/zeek/read-summary.js';
import { repoRoot } from '../support/shared-data.js';

const fixtures = path.join(repoRoot, 'fixtures');
// several read chunks (256 KiB each), so batches and the flush rhythm both repeat
const connLog = path.join(fixtures, 'mixed', 'conn.log');

describe('pipeline/score-stream', function () {
  let dir: string;
  let contents: ModelContents;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'azw-score-stream-'));
    const files = (await findLogFiles(path.join(fixtures, 'logdir'), { streams: ['conn'] })).get('conn')!;
    contents = (await trainModule('CONN', files)).contents;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A scorer on a fresh copy of the model: host context starts empty, as in a new `score` run. */
  const freshScorer = () => new RecordScorer([restoreModel({ ...contents, id: 'm', file: 'memory' })]);

  it('writes byte for byte the lines that scoring one record at a time writes, across several batches', async () => {
    const oneByOne = path.join(dir, 'one-by-one.ndjson');
    const batched = path.join(dir, 'batched.ndjson');
    const writerA = new ScoreFileWriter(oneByOne);
    const singles = (async function* () {
      for await (const entry of readLogFile(connLog)) yield [entry];
    })();
    const writtenA = await scoreBatchesInto(singles, freshScorer(), writerA);
    await writerA.close();
    const writerB = new ScoreFileWriter(batched);
    const seen: number[] = [];
    let batches = 0;
    const counted = (async function* () {
      for await (const entries of readLogFileBatches(connLog)) {
        batches++;
        yield entries;
      }
    })();
    const writtenB = await scoreBatchesInto(counted, freshScorer(), writerB, (s) => seen.push(s.score));
    await writerB.close();
    expect(batches).to.be.greaterThan(2);
    expect(writtenB).to.equal(writtenA).and.to.be.greaterThan(1000);
    expect(seen).to.have.length(writtenB);
    const text = readFileSync(batched, 'utf8');
    expect(text).to.equal(readFileSync(oneByOne, 'utf8'));
    expect(text.split('\n').filter((l) => l !== '')).to.have.length(writtenB);
  });

  it('skips records of streams without a model and counts them', async () => {
    const scorer = freshScorer();
    const writer = new ScoreFileWriter(path.join(dir, 'dns.ndjson'));
    const written = await scoreBatchesInto(readLogFileBatches(path.join(fixtures, 'mixed', 'dns.log')), scorer, writer);
    await writer.close();
    expect(written).to.equal(0);
    expect(scorer.stats.noModel).to.be.greaterThan(0);
  });

  it('scoreAll gives each entry the verdict score() gives it, across runs of several streams, some without a model', async () => {
    const conn = [];
    for await (const entry of readLogFile(connLog)) conn.push(entry);
    const dns = [];
    for await (const entry of readLogFile(path.join(fixtures, 'mixed', 'dns.log'))) dns.push(entry);
    // runs of 1 to 70 conn records (under, at and over the rows scored at once) between runs of dns records
    const mixed = [];
    for (let i = 0, run = 1; i < 2000; i += run, run = (run * 7) % 71) mixed.push(...conn.slice(i, i + run), ...dns.slice(i % 500, (i % 500) + (run % 3)));
    const one = freshScorer();
    const expected = mixed.map((entry) => one.score(entry)).filter((scored) => scored !== undefined);
    const all = freshScorer();
    const got: unknown[] = [];
    all.scoreAll(mixed, (scored) => got.push(scored));
    expect(got).to.have.length(expected.length).and.to.have.length.greaterThan(1500);
    expect(got).to.deep.equal(expected);
    expect(all.stats).to.deep.equal(one.stats);
    expect(all.stats.noModel).to.be.greaterThan(0);
  });

  it('readLogFileBatches yields the entries readLogFile yields, in order, in non-empty batches, with the same counts', async () => {
    const summaryA = new ReadSummary();
    const single = [];
    for await (const entry of readLogFile(connLog, { summary: summaryA })) single.push(entry);
    const summaryB = new ReadSummary();
    const flattened = [];
    for await (const entries of readLogFileBatches(connLog, { summary: summaryB })) {
      expect(entries).to.not.be.empty;
      flattened.push(...entries);
    }
    expect(flattened).to.deep.equal(single);
    expect(summaryB.records).to.equal(summaryA.records).and.to.equal(single.length);
  });
});
