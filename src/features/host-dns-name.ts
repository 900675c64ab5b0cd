// Where a DNS query name's registered ("second-level") domain starts, computed without allocating (DNS volume
// can be high): a tunnel puts every query under one domain.

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
