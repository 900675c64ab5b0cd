// Hot model reload while serving: a corrupt model file is refused and the old model keeps scoring;
// a good new one is swapped in between batches; no record is lost across either.
import { expect } from 'chai';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LogRecordPublisher } from '../../src/replay/publisher.js';
import { modelPath } from '../../src/model/model-file.js';
import type { ReloadResult } from '../../src/pipeline/model-reload.js';
import { SidecarMetrics } from '../../src/sinks/metrics.js';
import type { LogEntry } from '../../src/zeek/record.js';
import { startEmulator, until } from '../zeek-emulator/emulator.js';
import { mixedEntries, readScoreLines, startServe, tempDir, trainFixtureModels } from './serve-helpers.js';

describe('serve hot model reload (emulator, fixtures)', function () {
  let dir: string;
  let entries: LogEntry[];

  before(async () => {
    dir = tempDir('azw-serve-reload-');
    entries = (await mixedEntries(['CONN'])).slice(0, 900);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const threads of [0, 2]) {
    it(`threads=${threads}: watched directory: corrupt file refused (old id scores on), new model swapped in, no record lost`, async () => {
      const modelDir = path.join(dir, `models-${threads}`);
      const firstIds = await trainFixtureModels(modelDir, ['CONN']);
      const conn = modelPath(modelDir, 'CONN');
      const goodBytes = readFileSync(conn);
      const server = await startEmulator();
      const out = path.join(dir, `reload-${threads}.ndjson`);
      const reloads: ReloadResult[] = [];
      const metrics = new SidecarMetrics({ defaultMetrics: false });
      const run = startServe({ zeekUrl: server.url, modelDir, out, threads, watchModels: true }, { metrics, onReload: (r) => reloads.push(r) });
      try {
        const publisher = new LogRecordPublisher(server, { batchSize: 25 });
        await server.waitForSubscriber('autozeekwatch/logs/0/conn');
        await publisher.publishAll(entries.slice(0, 300));
        await publisher.finish();
        await until(() => readScoreLines(out).length === 300, 'batch A scored');

        // a broken file (e.g. a truncated copy) must not replace the working model
        writeFileSync(conn, goodBytes.subarray(0, Math.floor(goodBytes.length / 2)));
        await until(() => reloads.some((r) => r.refused.length > 0), 'the refusal');
        await publisher.publishAll(entries.slice(300, 600));
        await publisher.finish();
        await until(() => readScoreLines(out).length === 600, 'batch B scored');
        expect(new Set(readScoreLines(out).map((l) => l.model))).to.deep.equal(new Set([firstIds.CONN]));
        expect(run.logged('model reload failed').length).to.be.greaterThan(0);
        expect(run.logged('model reload failed')[0]).to.include({ keeping: firstIds.CONN });
        expect(await metrics.text()).to.match(/autozeekwatch_model_reloads_total\{result="failed"\} [1-9]/);

        // a retrained model, saved atomically as `train` does (its .tmp file must not trigger a load)
        const newIds = await trainFixtureModels(modelDir, ['CONN']);
        expect(newIds.CONN).to.not.equal(firstIds.CONN);
        await until(() => reloads.some((r) => r.swapped.some((m) => m.id === newIds.CONN)), 'the swap');
        await publisher.publishAll(entries.slice(600));
        await publisher.finish();
        await until(() => readScoreLines(out).length === entries.length, 'batch C scored');
        const lines = readScoreLines(out);
        expect(lines).to.have.length(entries.length);
        expect(new Set(lines.slice(0, 600).map((l) => l.model))).to.deep.equal(new Set([firstIds.CONN]));
        expect(new Set(lines.slice(600).map((l) => l.model))).to.deep.equal(new Set([newIds.CONN]));
        expect(new Set(lines.map((l) => l.uid)).size).to.equal(entries.length);
        expect(await metrics.text()).to.contain(`autozeekwatch_model_info{module="CONN",model_id="${newIds.CONN}"} 1`);
      } finally {
        run.stop();
        await run.done;
        await server.close();
      }
    });
  }

  it('SIGHUP reloads (watching off); an unchanged file is not reloaded', async () => {
    const modelDir = path.join(dir, 'models-hup');
    const firstIds = await trainFixtureModels(modelDir, ['CONN']);
    const server = await startEmulator();
    const reloads: ReloadResult[] = [];
    const run = startServe({ zeekUrl: server.url, modelDir, out: path.join(dir, 'hup.ndjson'), threads: 1 }, { onReload: (r) => reloads.push(r) });
    try {
      await server.waitForSubscriber('autozeekwatch/logs/0/conn');
      process.emit('SIGHUP', 'SIGHUP');
      await until(() => reloads.length === 1, 'the first reload');
      expect(reloads[0]!.swapped).to.have.length(0);
      expect(run.logged('models unchanged')).to.have.length(1);
      const newIds = await trainFixtureModels(modelDir, ['CONN']);
      process.emit('SIGHUP', 'SIGHUP');
      await until(() => reloads.length === 2, 'the second reload');
      expect(reloads[1]!.trigger).to.equal('SIGHUP');
      expect(reloads[1]!.swapped.map((m) => m.id)).to.deep.equal([newIds.CONN]);
      expect(newIds.CONN).to.not.equal(firstIds.CONN);
    } finally {
      run.stop();
      const result = await run.done;
      expect(result.models.CONN).to.not.equal(firstIds.CONN);
      await server.close();
    }
  });
});
