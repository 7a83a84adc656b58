/**
 * Closest known name to a misspelt one (case-insensitive edit distance of at most 2, or
 * an exact match ignoring case), for "did you mean" hints on unknown keys and sections.
 *
 * @example
 *   suggestKey("retry_attemps", ["queue_size", "retry_attempts"]) // "retry_attempts"
 *   suggestKey("colour", ["queue_size"])                          // undefined
 */
export function suggestKey(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance && candidate !== name) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, with transpositions left as two edits (good enough for hints). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}
