// A block of features: a contiguous run of columns in a module's feature vector. A module's
// featurizer is the concatenation of its per-record block and (optionally) its host-context block.
import type { ZeekRecord } from '../zeek/record.js';

export interface FeatureBlock {
  /** stable machine names, unique within the module, e.g. `conn.duration_log1p` */
  readonly names: readonly string[];
  /** plain words per feature for explanations, e.g. `distinct responder ports in the last minute` */
  readonly descriptions: readonly string[];
  /** write this block's values for `record` into out[offset .. offset + names.length); allocates nothing */
  write(record: ZeekRecord, out: Float64Array, offset: number): void;
  /** a feature value in the analyst's unit (undoing log scaling), e.g. `412` or `1.5 s` */
  display(index: number, value: number): string;
  /**
   * The record's own value behind feature `index` where the column stands for many values and the record's value
   * is in it (a categorical's `:other` or `:unseen`), as text: `1337`, `"gopher"`. Undefined otherwise.
   */
  valueText?(index: number, record: ZeekRecord): string | undefined;
  /** forget all per-host state (between training passes, or for a fresh live run) */
  reset(): void;
}
