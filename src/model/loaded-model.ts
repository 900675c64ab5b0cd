// A model ready to score: the model file turned back into a live featurizer and KitNET.
import { ModelFormatError } from '../errors.js';
import { featurizerFromState, type Featurizer } from '../features/index.js';
import { KitNET, type Calibration } from '../kitnet/index.js';
import type { LogModule } from '../zeek/record.js';
import { loadModel, type ModelFile, type ModelHeader } from './model-file.js';

export interface LoadedModel {
  readonly id: string;
  readonly file: string;
  readonly module: LogModule;
  readonly header: ModelHeader;
  readonly featurizer: Featurizer;
  readonly kitnet: KitNET;
  readonly calibration: Calibration;
  /** per-feature training means, when the model file has them (explanations) */
  readonly featureMeans: Float64Array | undefined;
}

/** Rebuild the featurizer and KitNET of a decoded model file, checking they fit together. */
export function restoreModel(model: ModelFile): LoadedModel {
  let featurizer: Featurizer;
  try {
    featurizer = featurizerFromState(model.featurizer);
  } catch (err) {
    // the features' own errors name no file; say which model file is refused, keeping the code
    if (err instanceof ModelFormatError) throw new ModelFormatError(err.code, model.file, err.message.replace(/^featurizer state: /, ''));
    throw err;
  }
  if (featurizer.schema.hash !== model.header.schema.hash) {
    throw new ModelFormatError(
      'SCHEMA_MISMATCH',
      model.file,
      `feature schema ${model.header.schema.hash.slice(0, 12)} of the model does not match ${featurizer.schema.hash.slice(0, 12)} of this autozeekwatch's ${model.header.module} featurizer; retrain the model`,
    );
  }
  let kitnet: KitNET;
  try {
    kitnet = KitNET.fromState(model.kitnet);
  } catch (err) {
    throw new ModelFormatError('BAD_CONTENTS', model.file, `KitNET state does not load: ${(err as Error).message}`);
  }
  if (kitnet.n !== featurizer.width) {
    throw new ModelFormatError('SCHEMA_MISMATCH', model.file, `KitNET expects ${kitnet.n} inputs but the featurizer writes ${featurizer.width}`);
  }
  return {
    id: model.id,
    file: model.file,
    module: model.header.module,
    header: model.header,
    featurizer,
    kitnet,
    calibration: model.header.calibration,
    featureMeans: model.featureMeans instanceof Float64Array && model.featureMeans.length === featurizer.width ? model.featureMeans : undefined,
  };
}

/** Read, verify and restore a model file. */
export async function loadScoringModel(file: string): Promise<LoadedModel> {
  return restoreModel(await loadModel(file));
}
