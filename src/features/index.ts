// The features stage: what the pipeline and the model file need to turn records into vectors.
export {
  DEFAULT_FEATURIZER_OPTIONS,
  DEFAULT_VOCABULARY_SIZE,
  VocabularyLearner,
  featurizerFromState,
  type Featurizer,
  type FeaturizerOptions,
  type FeaturizerState,
} from './featurizer.js';
export { DEFAULT_LOCAL_NETS, LocalNetworks, parseLocalNets } from './local-networks.js';
export { FEATURE_SCHEMA_VERSION, FeatureSchemaMismatchError, type FeatureSchema } from './schema.js';
export { MAX_SEEN_VALUES } from './vocabulary.js';
