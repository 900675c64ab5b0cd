// A bounded FIFO between the WebSocket read loop and a slower consumer: push never waits, a full queue
// refuses (the caller counts the drop), and the consumer awaits items with an async iterator.

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;

  /** @param capacity the most items held before push refuses */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; false (and nothing stored) when the queue is full or ended. */
  push(item: T): boolean {
    if (this.ended) return false;
    if (this.waiting !== undefined) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return true;
    }
    if (this.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** No more items will come; a waiting consumer finishes after the queued ones. */
  end(): void {
    this.ended = true;
    if (this.waiting !== undefined && this.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  /** The next item, waiting for one; done once ended and drained. One consumer at a time. */
  next(): Promise<IteratorResult<T>> {
    if (this.length > 0) {
      const value = this.items[this.head]!;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiting !== undefined) return Promise.reject(new Error('BoundedQueue supports one consumer at a time'));
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
