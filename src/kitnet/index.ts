// The KitNET engine's public surface: the detector, its snapshot type, and threshold calibration.
export { KitNET, DEFAULT_KITNET_OPTIONS } from './kitnet.js';
export type { KitNETOptions, ScoreExplanation } from './kitnet.js';
export { KitNETNotReadyError } from './kitnet-state.js';
export type { KitNETState, FeatureMapperState, AutoencoderState } from './kitnet-state.js';
export { calibrateThreshold, tailProbability, logTailProbability, DEFAULT_TARGET_FPR } from './threshold.js';
export type { Calibration } from './threshold.js';
export { normalCdf, normalSurvival, normalLogSurvival, normalQuantile, normalUpperQuantile } from './normal-distribution.js';
