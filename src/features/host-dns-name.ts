// What a DNS query name says about tunnelling: its character entropy, and where its registered
// ("second-level") domain starts, computed without allocating (DNS volume can be high).

const characterCounts = new Int32Array(128);
const touchedCharacters = new Int32Array(256);

/**
 * Shannon entropy of the characters of `name`, in bits per character: H = −Σ p_c·log2 p_c.
 * Letters are case-folded (resolvers randomise case, DNS 0x20). Non-ASCII code units share one
 * bucket. Random base32/hex labels of tunnels score ≈ 4–5; ordinary names ≈ 2.5–3.5.
 */
export function characterEntropy(name: string): number {
  const length = name.length;
  if (length === 0) return 0;
  let distinct = 0;
  for (let i = 0; i < length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 128) c = 127;
    else if (c >= 65 && c <= 90) c |= 0x20;
    if (characterCounts[c]++ === 0 && distinct < touchedCharacters.length) touchedCharacters[distinct++] = c;
  }
  let entropy = 0;
  for (let i = 0; i < distinct; i++) {
    const c = touchedCharacters[i]!;
    const p = characterCounts[c]! / length;
    entropy -= p * Math.log2(p);
    characterCounts[c] = 0;
  }
  return entropy;
}

/** Second-level labels under two-letter country codes that act as public suffixes (`co.uk`, `com.au`). */
const COUNTRY_SECOND_LEVELS = ['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go'];

/**
 * Index in `name` where its registered domain starts: the last two labels (`example.com` of
 * `a.b.example.com`), or three under a country second level (`example.co.uk`). A heuristic, not the
 * Public Suffix List: good enough to see that a tunnel puts every query under one domain.
 * `end` excludes a trailing dot. Returns 0 when the name has at most two labels.
 */
export function registeredDomainStart(name: string, end: number): number {
  const lastDot = name.lastIndexOf('.', end - 1);
  if (lastDot <= 0) return 0;
  const secondDot = name.lastIndexOf('.', lastDot - 1);
  if (secondDot < 0) return 0;
  const topLevelLength = end - lastDot - 1;
  if (topLevelLength === 2 && isCountrySecondLevel(name, secondDot + 1, lastDot)) {
    const thirdDot = name.lastIndexOf('.', secondDot - 1);
    return thirdDot < 0 ? 0 : thirdDot + 1;
  }
  return secondDot + 1;
}

/** `end` of `name` without a trailing root dot. */
export function nameEnd(name: string): number {
  return name.endsWith('.') ? name.length - 1 : name.length;
}

function isCountrySecondLevel(name: string, start: number, end: number): boolean {
  const length = end - start;
  outer: for (const label of COUNTRY_SECOND_LEVELS) {
    if (label.length !== length) continue;
    for (let i = 0; i < length; i++) {
      if ((name.charCodeAt(start + i) | 0x20) !== label.charCodeAt(i)) continue outer;
    }
    return true;
  }
  return false;
}
