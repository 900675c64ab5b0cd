// Test helpers for the featurizers: train on a handful of records, read a column by name, and read
// every record of a real log through the project's own log reader.
import { expect } from 'chai';
import { VocabularyLearner, type Featurizer, type FeaturizerOptions } from '../../src/features/index.js';
import { readLogFile } from '../../src/zeek/index.js';
import type { LogModule, ZeekRecord } from '../../src/zeek/record.js';

/** Trains a featurizer without host context on `records`, each observed `times` times (vocabularies need 3 sightings). */
export function trainOn(module: LogModule, records: readonly ZeekRecord[], options: Partial<FeaturizerOptions> = {}, times = 3): Featurizer {
  const learner = new VocabularyLearner(module, { hostContext: false, ...options });
  for (let i = 0; i < times; i++) for (const record of records) learner.observe(record);
  return learner.build();
}

/** The feature vector of `record`. */
export function vectorOf(featurizer: Featurizer, record: ZeekRecord): Float64Array {
  const out = new Float64Array(featurizer.width);
  featurizer.featurize(record, out);
  return out;
}

/** Value of the column called `name`; fails the test when the schema has no such column. */
export function column(featurizer: Featurizer, vector: Float64Array, name: string): number {
  const index = featurizer.schema.names.indexOf(name);
  expect(index, `feature ${name} in ${featurizer.module} schema`).to.be.at.least(0);
  return vector[index]!;
}

/** Names of the columns that are 1 among those starting with `prefix` (one-hot groups). */
export function hotColumns(featurizer: Featurizer, vector: Float64Array, prefix: string): string[] {
  return featurizer.schema.names.filter((name, index) => name.startsWith(prefix) && vector[index] === 1);
}

/** Every record of a Zeek log file (TSV or JSON, plain or gzip). */
export async function readRecords(file: string): Promise<ZeekRecord[]> {
  const records: ZeekRecord[] = [];
  for await (const entry of readLogFile(file)) records.push(entry.record);
  return records;
}

/** Trains on all of `records` and asserts every value of every vector is finite. Returns the featurizer. */
export function expectAllFinite(module: LogModule, records: readonly ZeekRecord[]): Featurizer {
  expect(records.length, 'records read').to.be.greaterThan(0);
  const featurizer = trainOn(module, records, { hostContext: true }, 1);
  const out = new Float64Array(featurizer.width);
  records.forEach((record, row) => {
    featurizer.featurize(record, out);
    for (let i = 0; i < featurizer.width; i++) {
      if (!Number.isFinite(out[i])) expect.fail(`record ${row}: ${featurizer.schema.names[i]} = ${out[i]}`);
    }
  });
  return featurizer;
}

/** Hot columns of one categorical field (`<field>=value`, `<field>:other`, `<field>:missing`). */
export function oneHot(featurizer: Featurizer, vector: Float64Array, field: string): string[] {
  return featurizer.schema.names.filter((name, index) => (name.startsWith(`${field}=`) || name.startsWith(`${field}:`)) && vector[index] === 1);
}
