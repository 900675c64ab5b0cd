// Learned vocabularies for categorical fields: count values in the first training pass, keep the
// top K with a minimum count, and map any value to a one-hot slot (known values, "other", "missing",
// and for fields that ask for it "unseen": a value training never had at all).

/** A categorical value as read from a record: strings, and numbers for ports and codes. */
export type CategoryValue = string | number;

/** Values seen fewer times than this in training are not learned: they land in "other". */
export const MIN_VOCABULARY_COUNT = 3;

/**
 * Distinct values a counter tracks before it drops those seen once. Bounds memory on
 * high-cardinality fields (user agents, SSH banners) without losing frequent values.
 */
const MAX_TRACKED_VALUES = 50_000;

/**
 * Most distinct training values a field remembers to tell a value never seen from a rare one. A field with more
 * is too varied for a new value to mean anything, and gets no "unseen" verdicts.
 */
export const MAX_SEEN_VALUES = 4096;

/** Counts values of one field during training, and the record at which each was first seen. */
export class VocabularyCounter {
  private readonly counts = new Map<CategoryValue, number>();
  private readonly firstRows = new Map<CategoryValue, number>();
  /** values seen once were dropped at some point: the set of values seen is no longer complete */
  private pruned = false;

  /** `row`: the record's position in the training data (0, 1, …), for seenBefore. */
  observe(value: CategoryValue | undefined, row: number): void {
    if (value === undefined) return;
    const count = this.counts.get(value);
    if (count === undefined) {
      this.counts.set(value, 1);
      this.firstRows.set(value, row);
      if (this.counts.size > MAX_TRACKED_VALUES) this.pruneRare();
    } else {
      this.counts.set(value, count + 1);
    }
  }

  /**
   * Every value first seen before record `row`, sorted; undefined when they are more than MAX_SEEN_VALUES or
   * no longer all known (rare values were dropped to bound memory).
   */
  seenBefore(row: number): CategoryValue[] | undefined {
    if (this.pruned) return undefined;
    const seen: CategoryValue[] = [];
    for (const [value, first] of this.firstRows) {
      if (first >= row) continue;
      if (seen.length === MAX_SEEN_VALUES) return undefined;
      seen.push(value);
    }
    return seen.sort(compareValues);
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
    for (const [value, count] of this.counts) {
      if (count > 1) continue;
      this.counts.delete(value);
      this.firstRows.delete(value);
    }
    this.pruned = true;
  }
}

function compareValues(a: CategoryValue, b: CategoryValue): number {
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * What a vocabulary knows of values outside its list: `seen` holds every other value training had (null: too many
 * to tell, so none is called unseen).
 */
export interface Novelty {
  readonly seen: readonly CategoryValue[] | null;
}

/**
 * A fixed list of known values. Slot i < size is values[i]; slot `otherSlot` (= size) is any other value
 * training had (with `novelty`) or any value not in the list (without); slot `missingSlot` (= size + 1) is an
 * unset field; with `novelty`, slot `unseenSlot` (= size + 2) is a value training never had. Width = size + 2,
 * or size + 3 with novelty.
 */
export class Vocabulary {
  readonly values: readonly CategoryValue[];
  readonly otherSlot: number;
  readonly missingSlot: number;
  /** −1 without novelty */
  readonly unseenSlot: number;
  readonly width: number;
  /** values outside the list that training had; null: every value outside the list is "other" */
  readonly seen: ReadonlySet<CategoryValue> | null;
  private readonly slots: Map<CategoryValue, number>;

  constructor(values: readonly CategoryValue[], novelty?: Novelty) {
    this.values = Object.freeze([...values]);
    this.slots = new Map(values.map((value, index) => [value, index]));
    if (this.slots.size !== values.length) throw new RangeError(`vocabulary has duplicate values: ${values.join(', ')}`);
    this.otherSlot = values.length;
    this.missingSlot = values.length + 1;
    this.unseenSlot = novelty === undefined ? -1 : values.length + 2;
    this.width = novelty === undefined ? values.length + 2 : values.length + 3;
    this.seen = novelty?.seen == null ? null : new Set(novelty.seen.filter((value) => !this.slots.has(value)));
  }

  /** The one-hot slot of `value` (undefined = unset). */
  slotOf(value: CategoryValue | undefined): number {
    if (value === undefined) return this.missingSlot;
    const slot = this.slots.get(value);
    if (slot !== undefined) return slot;
    return this.seen === null || this.seen.has(value) ? this.otherSlot : this.unseenSlot;
  }
}
