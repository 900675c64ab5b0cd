// A bounded table of hosts: maps an address to a dense slot index for typed-array state, keeps slots in
// least-recently-seen order (O(1) touch and eviction), expires hosts idle too long, and counts both.

/** What the table did to stay bounded; exposed on the host-context block as `stats`. */
export interface HostTableStats {
  /** hosts currently tracked */
  hosts: number;
  /** hosts dropped because the table was at maxHosts (least recently seen first) */
  evictions: number;
  /** hosts dropped because they had been idle longer than the expiry age */
  expired: number;
}

/** Callbacks by which the table's owner keeps its per-slot state arrays in step. */
export interface HostSlotStorage {
  /** grow every per-slot array to hold `capacity` slots (existing slots keep their contents) */
  resize(capacity: number): void;
  /** reset slot `slot` to the state of a never-seen host */
  clear(slot: number): void;
}

const NONE = -1;
/** Hosts expired per lookup at most: bounds the cost of one record, and still outpaces arrivals. */
const EXPIRIES_PER_LOOKUP = 2;

export class HostTable {
  readonly maxHosts: number;
  /** idle seconds after which a host is forgotten */
  readonly expiryAgeSeconds: number;
  /** per slot: the host's clock (the latest record time seen for it, never moving backwards) */
  lastSeen: Float64Array;
  private readonly slots = new Map<string, number>();
  private keys: (string | undefined)[] = [];
  private newer: Int32Array; // towards the most recently seen
  private older: Int32Array; // towards the least recently seen
  private newest = NONE;
  private oldest = NONE;
  private freeSlots: number[] = [];
  private allocated = 0;
  private capacity: number;
  private readonly storage: HostSlotStorage;
  private evictions = 0;
  private expirations = 0;

  constructor(options: { maxHosts: number; expiryAgeSeconds: number; initialCapacity?: number }, storage: HostSlotStorage) {
    if (!(options.maxHosts >= 1)) throw new RangeError(`maxHosts must be ≥ 1, got ${options.maxHosts}`);
    this.maxHosts = Math.floor(options.maxHosts);
    this.expiryAgeSeconds = options.expiryAgeSeconds;
    this.storage = storage;
    this.capacity = Math.min(this.maxHosts, Math.max(16, options.initialCapacity ?? 1024));
    this.lastSeen = new Float64Array(this.capacity);
    this.newer = new Int32Array(this.capacity);
    this.older = new Int32Array(this.capacity);
    storage.resize(this.capacity);
  }

  get stats(): HostTableStats {
    return { hosts: this.slots.size, evictions: this.evictions, expired: this.expirations };
  }

  /**
   * The slot of `host` at record time `time`, created (cleared) if the host is new, and marked
   * most recently seen. Idle hosts are expired and, at the cap, the least recently seen host is
   * evicted to make room.
   */
  lookup(host: string, time: number): number {
    this.expireIdle(time);
    let slot = this.slots.get(host);
    if (slot !== undefined) {
      this.moveToNewest(slot);
      return slot;
    }
    slot = this.allocateSlot();
    this.slots.set(host, slot);
    this.keys[slot] = host;
    this.lastSeen[slot] = time;
    this.storage.clear(slot);
    this.linkAsNewest(slot);
    return slot;
  }

  /** Forget every host and reset the counters. */
  clear(): void {
    this.slots.clear();
    this.keys = [];
    this.freeSlots = [];
    this.allocated = 0;
    this.newest = NONE;
    this.oldest = NONE;
    this.evictions = 0;
    this.expirations = 0;
  }

  private expireIdle(time: number): void {
    for (let i = 0; i < EXPIRIES_PER_LOOKUP && this.oldest !== NONE; i++) {
      if (!(time - this.lastSeen[this.oldest]! > this.expiryAgeSeconds)) return;
      this.remove(this.oldest);
      this.expirations++;
    }
  }

  private allocateSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    if (this.allocated < this.capacity) return this.allocated++;
    if (this.capacity < this.maxHosts) {
      this.grow(Math.min(this.maxHosts, this.capacity * 2));
      return this.allocated++;
    }
    const victim = this.oldest;
    this.remove(victim);
    this.evictions++;
    return this.freeSlots.pop()!;
  }

  private remove(slot: number): void {
    this.unlink(slot);
    this.slots.delete(this.keys[slot]!);
    this.keys[slot] = undefined;
    this.freeSlots.push(slot);
  }

  private grow(capacity: number): void {
    const grown = (old: Int32Array): Int32Array => {
      const next = new Int32Array(capacity);
      next.set(old);
      return next;
    };
    const lastSeen = new Float64Array(capacity);
    lastSeen.set(this.lastSeen);
    this.lastSeen = lastSeen;
    this.newer = grown(this.newer);
    this.older = grown(this.older);
    this.capacity = capacity;
    this.storage.resize(capacity);
  }

  private moveToNewest(slot: number): void {
    if (slot === this.newest) return;
    this.unlink(slot);
    this.linkAsNewest(slot);
  }

  private linkAsNewest(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = NONE;
    if (this.newest !== NONE) this.newer[this.newest] = slot;
    this.newest = slot;
    if (this.oldest === NONE) this.oldest = slot;
  }

  private unlink(slot: number): void {
    const newer = this.newer[slot]!;
    const older = this.older[slot]!;
    if (newer !== NONE) this.older[newer] = older;
    else this.newest = older;
    if (older !== NONE) this.newer[older] = newer;
    else this.oldest = newer;
  }
}
