// Suggests the known key closest to a misspelt one ("zeek.topicprefix" → "zeek.topic_prefix").

/** Edit distance (insert, delete, substitute, each 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate most like `written`, or undefined when none is close. The last segment is compared
 * on its own too, so a key put in the wrong section (`url` at the top) still finds `zeek.url`.
 */
export function didYouMean(written: string, candidates: Iterable<string>): string | undefined {
  const normalise = (s: string): string => s.toLowerCase().replace(/-/g, '_');
  const target = normalise(written);
  const targetLast = target.split('.').pop()!;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const name = normalise(candidate);
    const whole = editDistance(target, name);
    const last = editDistance(targetLast, name.split('.').pop()!) + 1;
    const distance = Math.min(whole, last);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const allowed = Math.max(2, Math.floor(targetLast.length / 3));
  return bestDistance <= allowed ? best : undefined;
}
