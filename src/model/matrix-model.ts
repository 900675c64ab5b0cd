// Model files for `autozeekwatch kitnet`: a KitNET trained on a plain numeric matrix, with no
// featurizer. Same file format as the per-module models; the module is `MATRIX`.
import { calibrateThreshold, type KitNET } from '../kitnet/index.js';
import { packageVersion } from '../cli/version.js';
import { MATRIX_MODULE, saveModel } from './model-file.js';
import { createHash } from 'node:crypto';

/**
 * Save a matrix KitNET. `scores` are the scores of the rows after the training prefix; the
 * stored calibration is fitted on them, so it is only meaningful if those rows were benign.
 */
export async function saveKitnetModel(file: string, kitnet: KitNET, info: { input: string; scores: ArrayLike<number>; trainRows: number }): Promise<string> {
  const names = Array.from({ length: kitnet.n }, (_, i) => `x${i}`);
  const calibration = info.scores.length > 1
    ? calibrateThreshold(info.scores)
    : { mu: 0, sigma: 0, threshold: Number.MAX_VALUE, targetFpr: 1e-4, samples: 0 };
  return saveModel(file, {
    header: {
      module: MATRIX_MODULE,
      schema: { module: MATRIX_MODULE, version: 1, names, hash: createHash('sha256').update(JSON.stringify([1, MATRIX_MODULE, names])).digest('hex') },
      kitnetOptions: { ...kitnet.options },
      calibration,
      training: { trainRows: info.trainRows, calibrationRows: info.scores.length, skipped: 0, firstTs: null, lastTs: null, inputs: [info.input], seconds: 0 },
      createdAt: new Date().toISOString(),
      packageVersion: packageVersion(),
    },
    featurizer: { format: 'none' },
    kitnet: kitnet.toState(),
  } as unknown as Parameters<typeof saveModel>[1]);
}
