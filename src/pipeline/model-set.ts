// Loads the models of a model directory: the requested modules, or every module that has a file.
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { loadScoringModel, type LoadedModel } from '../model/loaded-model.js';
import { modelPath } from '../model/model-file.js';
import { LOG_MODULES, type LogModule } from '../zeek/record.js';

export async function loadModelSet(modelDir: string, modules?: readonly LogModule[]): Promise<LoadedModel[]> {
  const wanted = modules ?? LOG_MODULES.filter((m) => existsSync(modelPath(modelDir, m)));
  if (wanted.length === 0) {
    throw new UsageError(`no model files in ${modelDir}; run \`autozeekwatch train --log-dir DIR --model-dir ${modelDir}\` first`);
  }
  const models: LoadedModel[] = [];
  for (const module of wanted) {
    const file = modelPath(modelDir, module);
    if (!existsSync(file)) throw new UsageError(`no model for ${module}: ${file} does not exist (train it first)`);
    models.push(await loadScoringModel(file));
  }
  return models;
}
