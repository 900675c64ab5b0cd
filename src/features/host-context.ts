// Host-context features: decaying per-originator statistics (placeholder until the block lands).
import type { LogModule } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';

export interface HostContextOptions {
  /** cap on tracked originators; the least recently seen are evicted first */
  maxHosts: number;
}

export const DEFAULT_HOST_CONTEXT_OPTIONS: Readonly<HostContextOptions> = { maxHosts: 100_000 };

/** The host-context block for `module`, or undefined when the module has none. */
export function createHostContextBlock(_module: LogModule, _options: HostContextOptions = DEFAULT_HOST_CONTEXT_OPTIONS): FeatureBlock | undefined {
  return undefined;
}
