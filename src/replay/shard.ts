// Which shard a record goes to: `fnv1a32(cat(id$orig_h)) % shards`, as the package computes it in Zeek
// (verified on 8.2.2: fnv1a32("x") = 4245442695; see specs/real-zeek-8.2.2/cluster.md).

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over the UTF-8 bytes of `text`: h = (h XOR byte) × 16777619 mod 2^32. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  // addresses are ASCII, where a char code is the UTF-8 byte: no Buffer per record on the routing path
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return fnv1a32Bytes(text);
    hash = Math.imul(hash ^ code, FNV_PRIME) >>> 0;
  }
  return hash;
}

function fnv1a32Bytes(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  }
  return hash;
}

/** The shard of an originator address; everything of one host lands on one shard. */
export function shardOf(originator: string, shards: number): number {
  return shards <= 1 ? 0 : fnv1a32(originator) % shards;
}
