// Warming the scoring code up: the made-up records are valid live records of their stream, and a warm-up
// leaves no trace in what the real models score afterwards.
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { WARM_UP_ANSWER_BATCHES, warmUpAnswering, warmUpRecord, warmUpScoring, WARM_UP_RECORDS } from '../../src/pipeline/warm-up.js';
import { ScoringPool } from '../../src/pipeline/scoring-pool.js';
import { modelPath } from '../../src/model/model-file.js';
import { parseLiveRecord } from '../../src/zeek/index.js';
import { toLiveJson } from '../../src/replay/live-json.js';
import { LOG_MODULES, LOG_STREAMS } from '../../src/zeek/record.js';
import { mixedEntries, tempDir, trainFixtureModels } from '../serve/serve-helpers.js';

describe('warm-up', function () {
  let dir: string;
  let files: string[];

  before(async () => {
    dir = tempDir('azw-warm-up-');
    await trainFixtureModels(dir, ['CONN', 'DNS']);
    files = [modelPath(dir, 'CONN'), modelPath(dir, 'DNS')];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes records every stream\'s live reader accepts, with the fields of that stream', () => {
    for (const stream of LOG_STREAMS) {
      for (let i = 0; i < 40; i++) {
        const record = parseLiveRecord(warmUpRecord(stream, i), { file: 'warm-up', line: i + 1 }, stream);
        expect(record.uid, stream).to.equal(`Cwarm${i}`);
        expect(record['id.orig_h'], stream).to.be.a('string');
        expect(record['id.resp_p'], stream).to.be.a('number');
      }
    }
  });

  it('decodes every made-up frame of every stream and answers each of its records, mitigation requests included', async () => {
    const answers = LOG_MODULES.length * WARM_UP_ANSWER_BATCHES * 50;
    expect(await warmUpAnswering('autozeekwatch')).to.equal(answers);
    // an enabled, non-dry-run policy also asks to block the made-up hosts: those requests are encoded and dropped too
    expect(await warmUpAnswering('autozeekwatch', { enabled: true, dryRun: false, level: 1, maxBlocksPerMinute: 1000 })).to.be.greaterThan(answers);
  });

  it('scores every made-up record of each model', async () => {
    expect(await warmUpScoring(files, { topFeatures: 3 })).to.equal(2 * WARM_UP_RECORDS);
  });

  it('leaves the models a pool scores with untouched: the same batches score the same with and without it', async () => {
    const entries = (await mixedEntries(['CONN', 'DNS'])).filter((e) => e.stream === 'conn').slice(0, 300);
    const records = entries.map((e) => toLiveJson(e.record, 'conn'));
    const linesOf = async (warmUp: boolean): Promise<string[]> => {
      const pool = await ScoringPool.start(files, 1, { topFeatures: 3 }, { warmUp });
      try {
        const out: string[] = [];
        for (let i = 0; i < records.length; i += 50) {
          out.push((await pool.submit({ stream: 'conn', records: records.slice(i, i + 50), source: 'test' })).lines);
        }
        return out;
      } finally {
        await pool.close();
      }
    };
    const cold = await linesOf(false);
    const warm = await linesOf(true);
    expect(cold.join('').split('\n').length).to.equal(301);
    expect(warm).to.deep.equal(cold);
  });
});
