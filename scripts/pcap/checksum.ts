// The Internet checksum (RFC 1071) that IPv4 headers, TCP segments and UDP datagrams carry.

/**
 * Ones' complement of the ones' complement sum of the 16-bit big-endian words of the
 * concatenated parts (an odd final byte is padded with zero), as RFC 1071 defines it.
 * A buffer whose checksum field already holds the right value sums to 0 here.
 */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let pendingHighByte: number | undefined;
  for (const part of parts) {
    for (const byte of part) {
      if (pendingHighByte === undefined) {
        pendingHighByte = byte;
      } else {
        sum += (pendingHighByte << 8) | byte;
        pendingHighByte = undefined;
      }
    }
  }
  if (pendingHighByte !== undefined) sum += pendingHighByte << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
