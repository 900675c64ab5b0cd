// A module's featurizer: its per-record block (with learned vocabularies) followed by the optional
// host-context block, the first-pass VocabularyLearner that builds it, and its stored state.
import { InvalidInputError, ModelFormatError, UsageError } from '../errors.js';
import { isLogModule, type LogModule, type ZeekRecord } from '../zeek/record.js';
import { CONN_FEATURES } from './conn-features.js';
import { DNS_FEATURES } from './dns-features.js';
import type { FeatureBlock } from './feature-block.js';
import type { RecordFeatureModule } from './feature-parts.js';
import { createHostContextBlock } from './host-context.js';
import { HTTP_FEATURES } from './http-features.js';
import { DEFAULT_LOCAL_NETS, parseLocalNets } from './local-networks.js';
import { FEATURE_SCHEMA_VERSION, FeatureSchemaMismatchError, makeSchema, type FeatureSchema } from './schema.js';
import { SSH_FEATURES } from './ssh-features.js';
import { SSL_FEATURES } from './ssl-features.js';
import { Vocabulary, VocabularyCounter, type CategoryValue, type Novelty } from './vocabulary.js';

export interface FeaturizerOptions {
  /** CIDRs counted as local for direction features (`--local-nets`) */
  localNets: string[];
  /** include the host-context block when the module has one (default true) */
  hostContext: boolean;
  /** top-K per categorical field; each field also has its own documented cap, and the smaller wins (default 10) */
  vocabularySize?: number;
}

export const DEFAULT_VOCABULARY_SIZE = 10;

export const DEFAULT_FEATURIZER_OPTIONS: Readonly<FeaturizerOptions> = Object.freeze({
  localNets: [...DEFAULT_LOCAL_NETS],
  hostContext: true,
  vocabularySize: DEFAULT_VOCABULARY_SIZE,
});

/** What a model file stores for a featurizer: plain data only (msgpack/JSON-encodable). */
export interface FeaturizerState {
  readonly format: 'autozeekwatch.featurizer';
  readonly module: LogModule;
  readonly version: number;
  /** FeatureSchema.hash when the state was written */
  readonly hash: string;
  readonly localNets: string[];
  readonly hostContext: boolean;
  readonly vocabularySize: number;
  /** learned values per categorical field, in slot order */
  readonly vocabularies: Record<string, CategoryValue[]>;
  /**
   * Per categorical field with novelty: the other values training had (a value outside both is "unseen"), or null
   * when the field had too many to tell.
   */
  readonly seenValues: Record<string, CategoryValue[] | null>;
}

export interface Featurizer {
  readonly module: LogModule;
  readonly schema: FeatureSchema;
  /** schema.names.length */
  readonly width: number;
  /** Writes the feature vector of `record` into out[0 .. width); out.length must be >= width. */
  featurize(record: ZeekRecord, out: Float64Array): void;
  /** Plain words for feature `index`. */
  describe(index: number): string;
  /** `value` of feature `index` in the analyst's unit (log scaling undone). */
  display(index: number, value: number): string;
  /** The record's own value behind feature `index` if the column stands for many (see FeatureBlock.valueText). */
  valueText(index: number, record: ZeekRecord): string | undefined;
  /** Clears per-host state (host-context block). */
  reset(): void;
  toState(): FeaturizerState;
}

const RECORD_FEATURES: Readonly<Record<LogModule, RecordFeatureModule>> = {
  CONN: CONN_FEATURES,
  HTTP: HTTP_FEATURES,
  DNS: DNS_FEATURES,
  SSH: SSH_FEATURES,
  SSL: SSL_FEATURES,
};

interface ResolvedOptions {
  readonly localNets: string[];
  readonly hostContext: boolean;
  readonly vocabularySize: number;
}

function resolveOptions(options: Partial<FeaturizerOptions> = {}): ResolvedOptions {
  const vocabularySize = options.vocabularySize ?? DEFAULT_VOCABULARY_SIZE;
  if (!Number.isInteger(vocabularySize) || vocabularySize < 0) {
    throw new UsageError(`vocabulary size must be a whole number >= 0, got ${vocabularySize}`);
  }
  return {
    localNets: [...(options.localNets ?? DEFAULT_LOCAL_NETS)],
    hostContext: options.hostContext ?? true,
    vocabularySize,
  };
}

class ModuleFeaturizer implements Featurizer {
  readonly module: LogModule;
  readonly schema: FeatureSchema;
  readonly width: number;
  private readonly options: ResolvedOptions;
  private readonly vocabularies: ReadonlyMap<string, Vocabulary>;
  private readonly recordBlock: FeatureBlock;
  private readonly recordWidth: number;
  private readonly hostBlock: FeatureBlock | undefined;
  private readonly descriptions: readonly string[];

  constructor(module: LogModule, options: ResolvedOptions, vocabularies: ReadonlyMap<string, Vocabulary>) {
    this.module = module;
    this.options = options;
    this.vocabularies = vocabularies;
    this.recordBlock = RECORD_FEATURES[module].build({ vocabularies, localNetworks: parseLocalNets(options.localNets) });
    this.recordWidth = this.recordBlock.names.length;
    this.hostBlock = options.hostContext ? createHostContextBlock(module) : undefined;
    const names = [...this.recordBlock.names, ...(this.hostBlock?.names ?? [])];
    this.descriptions = Object.freeze([...this.recordBlock.descriptions, ...(this.hostBlock?.descriptions ?? [])]);
    this.schema = makeSchema(module, FEATURE_SCHEMA_VERSION[module], names);
    this.width = names.length;
  }

  featurize(record: ZeekRecord, out: Float64Array): void {
    if (out.length < this.width) {
      throw new InvalidInputError(`${this.module} feature vector needs ${this.width} slots, got an array of ${out.length}`);
    }
    this.recordBlock.write(record, out, 0);
    if (this.hostBlock !== undefined) this.hostBlock.write(record, out, this.recordWidth);
  }

  describe(index: number): string {
    this.checkIndex(index);
    return this.descriptions[index]!;
  }

  display(index: number, value: number): string {
    this.checkIndex(index);
    return index < this.recordWidth ? this.recordBlock.display(index, value) : this.hostBlock!.display(index - this.recordWidth, value);
  }

  valueText(index: number, record: ZeekRecord): string | undefined {
    this.checkIndex(index);
    return index < this.recordWidth ? this.recordBlock.valueText?.(index, record) : undefined;
  }

  reset(): void {
    this.recordBlock.reset();
    this.hostBlock?.reset();
  }

  toState(): FeaturizerState {
    const vocabularies: Record<string, CategoryValue[]> = {};
    const seenValues: Record<string, CategoryValue[] | null> = {};
    for (const [field, vocabulary] of this.vocabularies) {
      vocabularies[field] = [...vocabulary.values];
      if (vocabulary.unseenSlot >= 0) seenValues[field] = vocabulary.seen === null ? null : [...vocabulary.seen];
    }
    return {
      format: 'autozeekwatch.featurizer',
      module: this.module,
      version: this.schema.version,
      hash: this.schema.hash,
      localNets: [...this.options.localNets],
      hostContext: this.options.hostContext,
      vocabularySize: this.options.vocabularySize,
      vocabularies,
      seenValues,
    };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.width) {
      throw new RangeError(`${this.module} feature index ${index} is outside 0..${this.width - 1}`);
    }
  }
}

/** First training pass: observe records, then build a featurizer with learned vocabularies. */
export class VocabularyLearner {
  readonly module: LogModule;
  private readonly options: ResolvedOptions;
  private readonly counters: {
    readonly name: string;
    readonly limit: number;
    readonly novelty: boolean;
    readonly key: (record: ZeekRecord) => CategoryValue | undefined;
    readonly counter: VocabularyCounter;
  }[];
  private observedRecords = 0;

  /** Throws UsageError on a bad CIDR in `options.localNets` or a bad vocabulary size. */
  constructor(module: LogModule, options: Partial<FeaturizerOptions> = {}) {
    if (!isLogModule(module)) throw new UsageError(`unknown module ${String(module)} (expected one of CONN, HTTP, DNS, SSH, SSL)`);
    this.module = module;
    this.options = resolveOptions(options);
    parseLocalNets(this.options.localNets);
    this.counters = RECORD_FEATURES[module].categoricals.map((field) => ({
      name: field.name,
      limit: Math.min(field.cap, this.options.vocabularySize),
      novelty: field.novelty,
      key: field.key,
      counter: new VocabularyCounter(),
    }));
  }

  observe(record: ZeekRecord): void {
    const row = this.observedRecords++;
    for (const { key, counter } of this.counters) counter.observe(key(record), row);
  }

  /** Records observed so far. */
  get observed(): number {
    return this.observedRecords;
  }

  /**
   * The featurizer with the vocabularies learned. A value counts as seen in training (not "unseen") when one of the
   * first `seenRows` records observed had it (default: any record). Training passes the rows the autoencoders
   * learn from, so the held-out calibration records meet new values as live traffic will, and the threshold
   * allows for how often benign traffic brings them.
   */
  build(seenRows: number = this.observedRecords): Featurizer {
    const vocabularies = new Map<string, Vocabulary>();
    for (const { name, limit, novelty, counter } of this.counters) {
      const seen: Novelty | undefined = novelty ? { seen: counter.seenBefore(seenRows) ?? null } : undefined;
      vocabularies.set(name, new Vocabulary(counter.top(limit), seen));
    }
    return new ModuleFeaturizer(this.module, this.options, vocabularies);
  }
}

function isValueList(values: unknown): values is CategoryValue[] {
  return Array.isArray(values) && values.every((value) => typeof value === 'string' || typeof value === 'number');
}

function invalidState(message: string): ModelFormatError {
  return new ModelFormatError('FEATURIZER_STATE_INVALID', 'featurizer state', message);
}

/**
 * Rebuilds a featurizer from a stored state. Throws FeatureSchemaMismatchError when the state's
 * module, schema version or hash differs from what this code builds, and ModelFormatError when the
 * state is not a featurizer state at all.
 */
export function featurizerFromState(state: FeaturizerState): Featurizer {
  const raw = state as unknown as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || raw['format'] !== 'autozeekwatch.featurizer') {
    throw invalidState('not a featurizer state (format is not "autozeekwatch.featurizer")');
  }
  const module = raw['module'];
  if (typeof module !== 'string' || !isLogModule(module)) {
    throw new FeatureSchemaMismatchError(`featurizer state is for module ${JSON.stringify(module)}, which this version does not know`, {
      module: String(module),
      found: { version: raw['version'], hash: raw['hash'] },
    });
  }
  const expectedVersion = FEATURE_SCHEMA_VERSION[module];
  if (raw['version'] !== expectedVersion) {
    throw new FeatureSchemaMismatchError(
      `${module} features were stored with schema version ${String(raw['version'])}, this version computes version ${expectedVersion}: retrain the model`,
      { module, found: { version: raw['version'], hash: raw['hash'] } },
    );
  }
  const localNets = raw['localNets'];
  const vocabularySize = raw['vocabularySize'];
  const stored = raw['vocabularies'];
  if (!Array.isArray(localNets) || !localNets.every((cidr) => typeof cidr === 'string')) throw invalidState('localNets is not a list of CIDRs');
  if (typeof raw['hostContext'] !== 'boolean') throw invalidState('hostContext is not a boolean');
  if (typeof vocabularySize !== 'number') throw invalidState('vocabularySize is not a number');
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) throw invalidState('vocabularies is not an object');
  const storedSeen = raw['seenValues'];
  if (storedSeen === null || typeof storedSeen !== 'object' || Array.isArray(storedSeen)) throw invalidState('seenValues is not an object');
  const vocabularies = new Map<string, Vocabulary>();
  for (const field of RECORD_FEATURES[module].categoricals) {
    const values = (stored as Record<string, unknown>)[field.name] ?? [];
    if (!isValueList(values)) throw invalidState(`vocabulary of ${module} field ${field.name} is not a list of strings and numbers`);
    let novelty: Novelty | undefined;
    if (field.novelty) {
      const seen = (storedSeen as Record<string, unknown>)[field.name] ?? null;
      if (seen !== null && !isValueList(seen)) throw invalidState(`seen values of ${module} field ${field.name} are not a list of strings and numbers`);
      novelty = { seen };
    }
    try {
      vocabularies.set(field.name, new Vocabulary(values, novelty));
    } catch (error) {
      throw invalidState(`vocabulary of ${module} field ${field.name}: ${(error as Error).message}`);
    }
  }
  let featurizer: ModuleFeaturizer;
  try {
    featurizer = new ModuleFeaturizer(module, resolveOptions({ localNets: localNets as string[], hostContext: raw['hostContext'] as boolean, vocabularySize }), vocabularies);
  } catch (error) {
    if (error instanceof UsageError) throw invalidState(error.message);
    throw error;
  }
  if (raw['hash'] !== featurizer.schema.hash) {
    throw new FeatureSchemaMismatchError(
      `${module} feature names differ from the ones the model was trained with (stored hash ${String(raw['hash'])}, computed ${featurizer.schema.hash}): retrain the model`,
      { module, expected: { version: expectedVersion, hash: featurizer.schema.hash }, found: { version: raw['version'], hash: raw['hash'] } },
    );
  }
  return featurizer;
}
