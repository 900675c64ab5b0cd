// Building blocks the per-module featurizers are assembled from: numeric columns, learned one-hot
// categoricals, letter flags, traffic direction and port class, and their concatenation.
import type { ZeekRecord } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';
import type { LocalNetworks } from './local-networks.js';
import { expm1Count, readFlag, readNumber, readString, secondsFromLog } from './transforms.js';
import { Vocabulary, type CategoryValue } from './vocabulary.js';

/**
 * How a column's value reads to an analyst: `count`/`bytes` are log1p-scaled, `seconds` is
 * logSeconds-scaled, `flag` is 0/1, `share` is 0..1, `bits` is entropy per character,
 * `ratio` is ln((1 + a) / (1 + b)), `plain` is shown as is.
 */
export type FeatureUnit = 'count' | 'bytes' | 'seconds' | 'flag' | 'share' | 'bits' | 'ratio' | 'plain';

export function displayValue(unit: FeatureUnit, value: number): string {
  switch (unit) {
    case 'count':
      return String(Math.round(expm1Count(value)));
    case 'bytes':
      return `${Math.round(expm1Count(value))} bytes`;
    case 'seconds':
      return `${formatNumber(secondsFromLog(value))} s`;
    case 'flag':
      return value >= 0.5 ? 'yes' : 'no';
    case 'share':
      return `${formatNumber(value * 100)} %`;
    case 'bits':
      return `${formatNumber(value)} bits/char`;
    case 'ratio':
      return `${formatNumber(Math.exp(value))}×`;
    case 'plain':
      return formatNumber(value);
  }
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** One numeric column: its name (without the module prefix), words for it, unit, and value. */
export interface NumericColumn {
  readonly name: string;
  readonly description: string;
  readonly unit: FeatureUnit;
  /** the column's value for `record`; must be finite (use the documented default when unset) */
  readonly value: (record: ZeekRecord) => number;
}

/** A block of independent numeric columns. */
export function numericBlock(prefix: string, columns: readonly NumericColumn[]): FeatureBlock {
  const values = columns.map((column) => column.value);
  const units = columns.map((column) => column.unit);
  return {
    names: columns.map((column) => `${prefix}.${column.name}`),
    descriptions: columns.map((column) => column.description),
    write(record, out, offset) {
      for (let i = 0; i < values.length; i++) out[offset + i] = values[i]!(record);
    },
    display: (index, value) => displayValue(units[index]!, value),
    reset() {},
  };
}

/** One column of a groupBlock. */
export interface GroupColumn {
  readonly name: string;
  readonly description: string;
  readonly unit: FeatureUnit;
}

/** A block whose columns are computed together (e.g. several measures of one string). */
export function groupBlock(
  prefix: string,
  columns: readonly GroupColumn[],
  write: (record: ZeekRecord, out: Float64Array, offset: number) => void,
): FeatureBlock {
  const units = columns.map((column) => column.unit);
  return {
    names: columns.map((column) => `${prefix}.${column.name}`),
    descriptions: columns.map((column) => column.description),
    write,
    display: (index, value) => displayValue(units[index]!, value),
    reset() {},
  };
}

/**
 * Measures of one string field (a DNS query, a URI): `measure` writes `columns` for a present, non-empty value;
 * the last column, `missing`, is 1 with every measure 0 when the field is unset or empty.
 */
export function stringShapeBlock(
  prefix: string,
  field: string,
  columns: readonly GroupColumn[],
  missing: GroupColumn,
  measure: (text: string, out: Float64Array, offset: number) => void,
): FeatureBlock {
  const width = columns.length;
  return groupBlock(prefix, [...columns, missing], (record, out, offset) => {
    const text = readString(record, field);
    if (text === undefined || text.length === 0) {
      for (let i = 0; i < width; i++) out[offset + i] = 0;
      out[offset + width] = 1;
      return;
    }
    measure(text, out, offset);
    out[offset + width] = 0;
  });
}

/**
 * A categorical field whose vocabulary is learned in training. `cap` is the most values it keeps
 * (the option vocabularySize can only lower it); `key` reads the value, undefined when unset.
 */
export interface CategoricalField {
  readonly name: string;
  readonly label: string;
  readonly cap: number;
  readonly key: (record: ZeekRecord) => CategoryValue | undefined;
  /**
   * Whether a value training never had gets its own column (`:unseen`) instead of sharing `:other` with values
   * that were merely rare. For fields of a protocol's small vocabulary (a port, a connection state, a cipher), where
   * the first appearance of a value is itself worth a look; not for free text (user agents, software banners),
   * where new values are everyday.
   */
  readonly novelty: boolean;
}

/**
 * One-hot over a learned vocabulary: `<prefix>.<field>=<value>` per known value, then `:other` and `:missing`, and
 * `:unseen` for a vocabulary with novelty.
 */
export function categoricalBlock(prefix: string, field: CategoricalField, vocabulary: Vocabulary): FeatureBlock {
  const width = vocabulary.width;
  const novelty = vocabulary.unseenSlot >= 0;
  const names = [
    ...vocabulary.values.map((value) => `${prefix}.${field.name}=${value}`),
    `${prefix}.${field.name}:other`,
    `${prefix}.${field.name}:missing`,
    ...(novelty ? [`${prefix}.${field.name}:unseen`] : []),
  ];
  const descriptions = [
    ...vocabulary.values.map((value) => `${field.label} is ${JSON.stringify(value)}`),
    `${field.label} is a value not common in training`,
    `${field.label} is unset`,
    ...(novelty ? [`${field.label} is a value never seen in training`] : []),
  ];
  const key = field.key;
  return {
    names,
    descriptions,
    write(record, out, offset) {
      for (let i = 0; i < width; i++) out[offset + i] = 0;
      out[offset + vocabulary.slotOf(key(record))] = 1;
    },
    display: (_index, value) => displayValue('flag', value),
    valueText(index, record) {
      if (index !== vocabulary.otherSlot && index !== vocabulary.unseenSlot) return undefined;
      const value = key(record);
      // only for the column the value is in: a cold `:other` says nothing about the record's value
      if (value === undefined || vocabulary.slotOf(value) !== index) return undefined;
      return typeof value === 'number' ? String(value) : JSON.stringify(shortened(value));
    },
    reset() {},
  };
}

/** Longest value an explanation quotes: a method or algorithm name comes from the wire, and may be any length. */
const MAX_QUOTED_CHARACTERS = 64;

function shortened(text: string): string {
  if (text.length <= MAX_QUOTED_CHARACTERS) return text;
  let end = MAX_QUOTED_CHARACTERS - 1;
  // never cut a surrogate pair in two
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** Presence flags for letters of a history string (Zeek: upper case = originator, lower = responder). */
export function letterFlagsBlock(
  prefix: string,
  field: string,
  letters: readonly { letter: string; name: string; description: string }[],
): FeatureBlock {
  const columnOfCode = new Int8Array(128).fill(-1);
  letters.forEach(({ letter }, column) => {
    columnOfCode[letter.charCodeAt(0)] = column;
  });
  const width = letters.length;
  return {
    names: letters.map(({ name }) => `${prefix}.${field}_${name}`),
    descriptions: letters.map(({ description }) => description),
    write(record, out, offset) {
      for (let i = 0; i < width; i++) out[offset + i] = 0;
      const history = readString(record, field);
      if (history === undefined) return;
      for (let i = 0; i < history.length; i++) {
        const code = history.charCodeAt(i);
        const column = code < 128 ? columnOfCode[code]! : -1;
        if (column >= 0) out[offset + column] = 1;
      }
    },
    display: (_index, value) => displayValue('flag', value),
    reset() {},
  };
}

/**
 * Traffic direction as one-hot: outbound (local → remote), inbound (remote → local), internal
 * (local → local), external (remote → remote). `local_orig`/`local_resp` are used when the log
 * has them (conn.log with Zeek's Site::local_nets set), else the addresses are tested against
 * `--local-nets`. An unparsable address counts as remote.
 */
export function directionBlock(prefix: string, localNetworks: LocalNetworks): FeatureBlock {
  return {
    names: ['outbound', 'inbound', 'internal', 'external'].map((direction) => `${prefix}.direction_${direction}`),
    descriptions: [
      'local originator talking to a remote responder',
      'remote originator talking to a local responder',
      'local originator talking to a local responder',
      'remote originator talking to a remote responder',
    ],
    write(record, out, offset) {
      const originatorLocal = isLocal(record, 'local_orig', 'id.orig_h', localNetworks);
      const responderLocal = isLocal(record, 'local_resp', 'id.resp_h', localNetworks);
      out[offset] = originatorLocal && !responderLocal ? 1 : 0;
      out[offset + 1] = !originatorLocal && responderLocal ? 1 : 0;
      out[offset + 2] = originatorLocal && responderLocal ? 1 : 0;
      out[offset + 3] = !originatorLocal && !responderLocal ? 1 : 0;
    },
    display: (_index, value) => displayValue('flag', value),
    reset() {},
  };
}

function isLocal(record: ZeekRecord, logField: string, addressField: string, localNetworks: LocalNetworks): boolean {
  const logged = readFlag(record, logField);
  if (logged >= 0) return logged === 1;
  const address = readString(record, addressField);
  return address !== undefined && localNetworks.contains(address);
}

/** IANA port ranges of the responder port: well-known 0–1023, registered 1024–49151, dynamic 49152–65535. */
export function responderPortClassBlock(prefix: string): FeatureBlock {
  return {
    names: [`${prefix}.resp_port_well_known`, `${prefix}.resp_port_registered`, `${prefix}.resp_port_ephemeral`],
    descriptions: [
      'responder port is well-known (0–1023)',
      'responder port is registered (1024–49151)',
      'responder port is ephemeral (49152–65535)',
    ],
    write(record, out, offset) {
      const port = readNumber(record, 'id.resp_p');
      out[offset] = port >= 0 && port <= 1023 ? 1 : 0;
      out[offset + 1] = port >= 1024 && port <= 49151 ? 1 : 0;
      out[offset + 2] = port >= 49152 && port <= 65535 ? 1 : 0;
    },
    display: (_index, value) => displayValue('flag', value),
    reset() {},
  };
}

/** A numeric field as a categorical value (status codes, versions, ports); undefined when unset. */
export function numberKey(record: ZeekRecord, field: string): CategoryValue | undefined {
  const value = readNumber(record, field);
  return Number.isNaN(value) ? undefined : value;
}

/** The responder port as a categorical value (a number), for a per-module port vocabulary. */
export function responderPortKey(record: ZeekRecord): CategoryValue | undefined {
  return numberKey(record, 'id.resp_p');
}

/** The concatenation of blocks, in order; describe/display/valueText/reset route to the owning block. */
export class ComposedBlock implements FeatureBlock {
  readonly names: readonly string[];
  readonly descriptions: readonly string[];
  private readonly blocks: readonly FeatureBlock[];
  private readonly offsets: Int32Array;
  private readonly blockOfColumn: Int32Array;

  constructor(blocks: readonly FeatureBlock[]) {
    this.blocks = blocks;
    this.names = Object.freeze(blocks.flatMap((block) => block.names));
    this.descriptions = Object.freeze(blocks.flatMap((block) => block.descriptions));
    this.offsets = new Int32Array(blocks.length);
    this.blockOfColumn = new Int32Array(this.names.length);
    let offset = 0;
    blocks.forEach((block, index) => {
      if (block.descriptions.length !== block.names.length) {
        throw new RangeError(`feature block ${block.names[0] ?? '(empty)'}: ${block.names.length} names but ${block.descriptions.length} descriptions`);
      }
      this.offsets[index] = offset;
      this.blockOfColumn.fill(index, offset, offset + block.names.length);
      offset += block.names.length;
    });
  }

  write(record: ZeekRecord, out: Float64Array, offset: number): void {
    const blocks = this.blocks;
    for (let i = 0; i < blocks.length; i++) blocks[i]!.write(record, out, offset + this.offsets[i]!);
  }

  display(index: number, value: number): string {
    const block = this.blockOfColumn[index]!;
    return this.blocks[block]!.display(index - this.offsets[block]!, value);
  }

  valueText(index: number, record: ZeekRecord): string | undefined {
    const block = this.blockOfColumn[index]!;
    return this.blocks[block]!.valueText?.(index - this.offsets[block]!, record);
  }

  reset(): void {
    for (const block of this.blocks) block.reset();
  }
}

/** What a module's per-record block is built from: learned vocabularies and the local networks. */
export interface RecordFeatureContext {
  /** by categorical field name; a field without an entry gets an empty vocabulary (only other/missing) */
  readonly vocabularies: ReadonlyMap<string, Vocabulary>;
  readonly localNetworks: LocalNetworks;
}

/** A module's per-record features: its learnable categoricals and how to assemble its block. */
export interface RecordFeatureModule {
  readonly categoricals: readonly CategoricalField[];
  build(context: RecordFeatureContext): FeatureBlock;
}

/** The one-hot block of `field` with its learned vocabulary from `context`. */
export function learnedCategorical(prefix: string, field: CategoricalField, context: RecordFeatureContext): FeatureBlock {
  return categoricalBlock(prefix, field, context.vocabularies.get(field.name) ?? new Vocabulary([], field.novelty ? { seen: null } : undefined));
}
