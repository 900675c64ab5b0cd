// Learned vocabularies for categorical fields: count values in the first training pass, keep the
// top K with a minimum count, and map any value to a one-hot slot (known values, "other", "missing").

/** A categorical value as read from a record: strings, and numbers for ports and codes. */
export type CategoryValue = string | number;

/** Values seen fewer times than this in training are not learned: they land in "other". */
export const MIN_VOCABULARY_COUNT = 3;

/**
 * Distinct values a counter tracks before it drops those seen once. Bounds memory on
 * high-cardinality fields (user agents, SSH banners) without losing frequent values.
 */
const MAX_TRACKED_VALUES = 50_000;

/** Counts values of one field during training. */
export class VocabularyCounter {
  private readonly counts = new Map<CategoryValue, number>();

  observe(value: CategoryValue | undefined): void {
    if (value === undefined) return;
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    if (this.counts.size > MAX_TRACKED_VALUES) this.pruneRare();
  }

  /**
   * The `limit` most frequent values seen at least `minCount` times, most frequent first;
   * ties broken by value so the same data always gives the same vocabulary.
   */
  top(limit: number, minCount = MIN_VOCABULARY_COUNT): CategoryValue[] {
    return [...this.counts.entries()]
      .filter(([, count]) => count >= minCount)
      .sort((a, b) => b[1] - a[1] || compareValues(a[0], b[0]))
      .slice(0, Math.max(0, limit))
      .map(([value]) => value);
  }

  private pruneRare(): void {
    for (const [value, count] of this.counts) if (count <= 1) this.counts.delete(value);
  }
}

function compareValues(a: CategoryValue, b: CategoryValue): number {
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * A fixed list of known values. Slot i < size is values[i]; slot `otherSlot` (= size) is any
 * value not in the list; slot `missingSlot` (= size + 1) is an unset field. Width = size + 2.
 */
export class Vocabulary {
  readonly values: readonly CategoryValue[];
  readonly otherSlot: number;
  readonly missingSlot: number;
  readonly width: number;
  private readonly slots: Map<CategoryValue, number>;

  constructor(values: readonly CategoryValue[]) {
    this.values = Object.freeze([...values]);
    this.slots = new Map(values.map((value, index) => [value, index]));
    if (this.slots.size !== values.length) throw new RangeError(`vocabulary has duplicate values: ${values.join(', ')}`);
    this.otherSlot = values.length;
    this.missingSlot = values.length + 1;
    this.width = values.length + 2;
  }

  /** The one-hot slot of `value` (undefined = unset). */
  slotOf(value: CategoryValue | undefined): number {
    if (value === undefined) return this.missingSlot;
    const slot = this.slots.get(value);
    return slot === undefined ? this.otherSlot : slot;
  }
}
