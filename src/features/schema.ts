// Feature schemas: the versioned, named and hashed column list of a module's feature vector, and
// the typed error raised when a stored featurizer does not match the code that loads it.
import { createHash } from 'node:crypto';
import { ModelFormatError } from '../errors.js';
import type { LogModule } from '../zeek/record.js';

/**
 * Per-module schema version. Bump a module's number whenever its per-record features change
 * meaning (a transform, a default, a vocabulary key) even if the names stay the same.
 */
export const FEATURE_SCHEMA_VERSION: Readonly<Record<LogModule, number>> = Object.freeze({
  // 2: `:unseen` columns (a value training never had) for fields of a protocol's small vocabulary
  CONN: 2,
  HTTP: 2,
  DNS: 2,
  SSH: 2,
  SSL: 2,
});

export interface FeatureSchema {
  readonly module: LogModule;
  readonly version: number;
  readonly names: readonly string[];
  /** sha256 (hex) of version, module and names; see schemaHash */
  readonly hash: string;
}

/**
 * sha256 over the JSON text of `[version, module, names]`, as lowercase hex. JSON keeps the
 * encoding unambiguous: learned values in names may contain any character, newlines included.
 */
export function schemaHash(module: LogModule, version: number, names: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify([version, module, names])).digest('hex');
}

export function makeSchema(module: LogModule, version: number, names: readonly string[]): FeatureSchema {
  const frozenNames = Object.freeze([...names]);
  const seen = new Set<string>();
  for (const name of frozenNames) {
    if (seen.has(name)) throw new RangeError(`feature name ${name} appears twice in the ${module} schema`);
    seen.add(name);
  }
  return Object.freeze({ module, version, names: frozenNames, hash: schemaHash(module, version, frozenNames) });
}

/**
 * A stored featurizer state that this code cannot use: another module, another schema version,
 * or a hash that differs from the one the code computes (features renamed, added or removed).
 */
export class FeatureSchemaMismatchError extends ModelFormatError {
  readonly module: string;
  readonly expected: { readonly version: number; readonly hash: string } | undefined;
  readonly found: { readonly version: unknown; readonly hash: unknown };

  constructor(
    message: string,
    details: { module: string; expected?: { version: number; hash: string }; found: { version: unknown; hash: unknown }; file?: string },
  ) {
    super('SCHEMA_MISMATCH', details.file ?? 'featurizer state', message);
    this.module = details.module;
    this.expected = details.expected;
    this.found = details.found;
  }
}
