// Which addresses are "local": a CIDR list parsed once into 128-bit prefixes (IPv4 held as
// IPv4-mapped IPv6, so ::ffff:10.1.2.3 and 10.1.2.3 match the same networks), tested without allocating.
import { UsageError } from '../errors.js';

/** RFC 1918, RFC 4193 unique-local, loopback and link-local: what `--local-nets` defaults to. */
export const DEFAULT_LOCAL_NETS: readonly string[] = Object.freeze([
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
  '127.0.0.0/8',
  '::1/128',
  '169.254.0.0/16',
  'fe80::/10',
]);

/**
 * Parses an IPv4 or IPv6 address into `words` (four big-endian 32-bit words of the 128-bit
 * address; IPv4 as ::ffff:a.b.c.d). Returns 4 for IPv4 text, 6 for IPv6 text, 0 if invalid.
 * A zone index (`fe80::1%eth0`) is ignored.
 */
export function parseAddressInto(text: string, words: Uint32Array): 0 | 4 | 6 {
  let end = text.indexOf('%');
  if (end < 0) end = text.length;
  if (end === 0) return 0;
  if (text.indexOf(':') < 0) {
    const v4 = parseIPv4(text, 0, end);
    if (v4 < 0) return 0;
    words[0] = 0;
    words[1] = 0;
    words[2] = 0xffff;
    words[3] = v4;
    return 4;
  }
  return parseIPv6(text, end, words) ? 6 : 0;
}

/** Dotted-quad text[start, end) as an unsigned 32-bit number, or -1 when invalid. */
function parseIPv4(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      octet = octet * 10 + (code - 48);
      digits++;
      if (digits > 3 || octet > 255) return -1;
    } else if (code === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

/** Up to eight 16-bit groups, before and after a "::" gap; an IPv4 tail counts as two groups. */
const groups = new Uint16Array(8);

function parseIPv6(text: string, end: number, words: Uint32Array): boolean {
  let count = 0;
  let gapAt = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gapAt = 0;
    i = 2;
    if (i === end) {
      words.fill(0);
      return true;
    }
  }
  while (i < end) {
    let groupEnd = i;
    let value = 0;
    let hasDot = false;
    while (groupEnd < end) {
      const code = text.charCodeAt(groupEnd);
      if (code === 58) break;
      if (code === 46) hasDot = true;
      groupEnd++;
    }
    if (hasDot) {
      // Embedded IPv4 (::ffff:1.2.3.4): only as the last part, and it fills two groups.
      if (groupEnd !== end || count > 6) return false;
      const v4 = parseIPv4(text, i, end);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = end;
      break;
    }
    const digits = groupEnd - i;
    if (digits < 1 || digits > 4 || count === 8) return false;
    for (let j = i; j < groupEnd; j++) {
      const nibble = hexValue(text.charCodeAt(j));
      if (nibble < 0) return false;
      value = (value << 4) | nibble;
    }
    groups[count++] = value;
    i = groupEnd;
    if (i < end) {
      // at a ':'; a second ':' right after opens the one allowed gap
      i++;
      if (text.charCodeAt(i) === 58) {
        if (gapAt >= 0) return false;
        gapAt = count;
        i++;
      } else if (i === end) {
        return false; // trailing single ':'
      }
    }
  }
  if (gapAt < 0 ? count !== 8 : count > 7) return false;
  const missing = 8 - count;
  for (let w = 0; w < 4; w++) words[w] = 0;
  for (let g = 0; g < count; g++) {
    const position = gapAt >= 0 && g >= gapAt ? g + missing : g;
    const word = position >> 1;
    words[word] = (position & 1) === 0 ? (words[word]! | (groups[g]! << 16)) >>> 0 : (words[word]! | groups[g]!) >>> 0;
  }
  return true;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

interface Prefix {
  readonly words: Uint32Array;
  readonly masks: Uint32Array;
}

/** A set of local networks; `contains` answers for IPv4 and IPv6 address text alike. */
export class LocalNetworks {
  /** The CIDRs as given, for the model file and for messages. */
  readonly cidrs: readonly string[];
  private readonly prefixes: readonly Prefix[];
  private readonly scratch = new Uint32Array(4);

  /** Use parseLocalNets, which validates the list and reports a bad entry by name. */
  constructor(cidrs: readonly string[], prefixes: readonly Prefix[]) {
    this.cidrs = Object.freeze([...cidrs]);
    this.prefixes = prefixes;
  }

  /** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6 text) is inside one of the networks; false for unparsable text. */
  contains(address: string): boolean {
    const words = this.scratch;
    if (parseAddressInto(address, words) === 0) return false;
    for (const prefix of this.prefixes) {
      if (
        ((words[0]! & prefix.masks[0]!) >>> 0) === prefix.words[0] &&
        ((words[1]! & prefix.masks[1]!) >>> 0) === prefix.words[1] &&
        ((words[2]! & prefix.masks[2]!) >>> 0) === prefix.words[2] &&
        ((words[3]! & prefix.masks[3]!) >>> 0) === prefix.words[3]
      ) {
        return true;
      }
    }
    return false;
  }
}

/**
 * Parses a `--local-nets` list (`10.0.0.0/8`, `fd00::/8`, a bare address = one host).
 * Host bits below the prefix are ignored, as Zeek does for subnets. Throws UsageError naming
 * the bad entry.
 */
export function parseLocalNets(cidrs: readonly string[]): LocalNetworks {
  const prefixes: Prefix[] = [];
  for (const raw of cidrs) {
    const cidr = raw.trim();
    const slash = cidr.indexOf('/');
    const addressText = slash < 0 ? cidr : cidr.slice(0, slash);
    const words = new Uint32Array(4);
    const family = parseAddressInto(addressText, words);
    if (family === 0 || addressText.includes('%')) {
      throw new UsageError(`--local-nets: "${raw}" is not an IPv4 or IPv6 network (expected e.g. 10.0.0.0/8 or fd00::/8)`);
    }
    const maxBits = family === 4 ? 32 : 128;
    let bits = maxBits;
    if (slash >= 0) {
      const bitsText = cidr.slice(slash + 1);
      if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > maxBits) {
        throw new UsageError(`--local-nets: "${raw}" has a bad prefix length (0..${maxBits} for IPv${family})`);
      }
      bits = Number(bitsText);
    }
    // IPv4 prefixes live in the ::ffff:0:0/96 block.
    const totalBits = family === 4 ? 96 + bits : bits;
    const masks = new Uint32Array(4);
    for (let w = 0; w < 4; w++) {
      const inWord = Math.min(32, Math.max(0, totalBits - w * 32));
      masks[w] = inWord === 0 ? 0 : inWord === 32 ? 0xffffffff : (0xffffffff << (32 - inWord)) >>> 0;
      words[w] = (words[w]! & masks[w]!) >>> 0;
    }
    prefixes.push({ words, masks });
  }
  return new LocalNetworks(cidrs, prefixes);
}
