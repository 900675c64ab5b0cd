import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '../../src/errors.js';
import { decodeModel, encodeModel, loadModel, MODEL_FORMAT_VERSION, saveModel, type ModelContents } from '../../src/model/model-file.js';

function sampleContents(): ModelContents {
  return {
    header: {
      module: 'CONN',
      schema: { module: 'CONN', version: 3, names: ['conn.a', 'conn.b'], hash: 'ab'.repeat(32) },
      kitnetOptions: { maxAutoencoderSize: 10, fmGrace: 10, adGrace: 100, learningRate: 0.1, hiddenRatio: 0.75 },
      calibration: { mu: -3.2, sigma: 0.4, threshold: 0.18, targetFpr: 1e-4, samples: 500 },
      training: { trainRows: 111, calibrationRows: 20, skipped: 2, firstTs: 1.5e9, lastTs: 1.5e9 + 60, inputs: ['conn.log'], seconds: 0.5 },
      createdAt: '2026-11-26T00:00:00.000Z',
      packageVersion: '0.1.0',
    },
    featurizer: { module: 'CONN', vocab: { proto: ['tcp', 'udp'] } },
    // weights with values that expose any lossy encoding: subnormals, -0, long mantissas
    kitnet: { weights: new Float64Array([0.1, -0, 5e-324, Math.PI, 1 / 3]), map: [[0, 1]] },
  } as unknown as ModelContents;
}

function expectModelError(fn: () => unknown, code: string): ModelFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ModelFormatError);
    expect((err as ModelFormatError).code).to.equal(code);
    expect((err as Error).message).to.contain('model.azw');
    return err as ModelFormatError;
  }
  throw new Error(`expected ModelFormatError ${code}`);
}

describe('model files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'azw-model-'));
  });

  it('round-trips contents bit for bit, Float64Array included', async () => {
    const file = path.join(dir, 'conn.azw');
    const id = await saveModel(file, sampleContents());
    const model = await loadModel(file);
    expect(model.id).to.equal(id).and.to.match(/^[0-9a-f]{12}$/);
    expect(model.header).to.deep.equal(sampleContents().header);
    const weights = (model.kitnet as unknown as { weights: Float64Array }).weights;
    expect(weights).to.be.instanceOf(Float64Array);
    const original = (sampleContents().kitnet as unknown as { weights: Float64Array }).weights;
    expect(Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength).equals(Buffer.from(original.buffer))).to.equal(true);
    expect(Object.is(weights[1], -0)).to.equal(true);
  });

  it('writes atomically: no temporary file is left behind and a reload sees the new model', async () => {
    const file = path.join(dir, 'conn.azw');
    const first = await saveModel(file, sampleContents());
    const changed = sampleContents();
    changed.header.calibration.threshold = 0.5;
    const second = await saveModel(file, changed);
    expect(second).to.not.equal(first);
    expect(readdirSync(dir)).to.deep.equal(['conn.azw']);
    expect((await loadModel(file)).header.calibration.threshold).to.equal(0.5);
  });

  it('refuses a file that is not a model', () => {
    expectModelError(() => decodeModel(Buffer.from('{"not":"a model"}'), 'model.azw'), 'NOT_A_MODEL');
  });

  it('refuses a truncated file, in the prefix and in the body', () => {
    const bytes = encodeModel(sampleContents());
    expectModelError(() => decodeModel(bytes.subarray(0, 20), 'model.azw'), 'TRUNCATED');
    const err = expectModelError(() => decodeModel(bytes.subarray(0, bytes.length - 7), 'model.azw'), 'TRUNCATED');
    expect(err.message).to.match(/of \d+ bytes/);
  });

  it('refuses a file whose body was altered (checksum)', () => {
    const bytes = Buffer.from(encodeModel(sampleContents()));
    bytes[bytes.length - 3] ^= 0x01;
    expectModelError(() => decodeModel(bytes, 'model.azw'), 'CHECKSUM_MISMATCH');
  });

  it('refuses a newer format version and says to upgrade', () => {
    const bytes = Buffer.from(encodeModel(sampleContents()));
    bytes.writeUInt16BE(MODEL_FORMAT_VERSION + 1, 8);
    const err = expectModelError(() => decodeModel(bytes, 'model.azw'), 'NEWER_FORMAT');
    expect(err.message).to.match(/upgrade/);
  });

  it('refuses a body without the parts a model needs', () => {
    const contents = sampleContents() as unknown as Record<string, unknown>;
    delete contents['kitnet'];
    expectModelError(() => decodeModel(encodeModel(contents as unknown as ModelContents), 'model.azw'), 'BAD_CONTENTS');
  });

  it('reports a missing file as NOT_FOUND with its path', async () => {
    try {
      await loadModel(path.join(dir, 'model.azw'));
      expect.fail('loaded a missing file');
    } catch (err) {
      expect((err as ModelFormatError).code).to.equal('NOT_FOUND');
    }
  });

  it('detects corruption of a saved file on disk', async () => {
    const file = path.join(dir, 'model.azw');
    await saveModel(file, sampleContents());
    const bytes = readFileSync(file);
    bytes[60] ^= 0xff;
    writeFileSync(file, bytes);
    try {
      await loadModel(file);
      expect.fail('loaded a corrupt file');
    } catch (err) {
      expect((err as ModelFormatError).code).to.equal('CHECKSUM_MISMATCH');
    }
  });
});
