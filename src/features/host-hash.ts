// 32-bit hashes of the keys host-context statistics count (addresses, ports, names), allocation-free.

/** murmur3's fmix32 finaliser: spreads every input bit over every output bit (needed for bucket choice). */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of `text` (ASCII letters folded to lower case), then mix32. */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20; // DNS names and Host headers are case-insensitive
    h = Math.imul(h ^ c, 0x01000193);
  }
  return mix32(h);
}

/** FNV-1a over text[start .. end), same folding as hashText (for a suffix of a DNS name without slicing). */
export function hashTextRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return mix32(h);
}

/** Hash of a small non-negative integer (port, port + protocol code). */
export function hashInteger(value: number): number {
  return mix32(Math.imul(value | 0, 0x9e3779b1) ^ 0x5bd1e995);
}

/** Combines two hashes (e.g. responder address and port) into one. */
export function combineHashes(a: number, b: number): number {
  return mix32(Math.imul(a ^ 0x27d4eb2f, 0x165667b1) ^ b);
}
