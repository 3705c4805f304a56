/**
 * "Did you mean latencyMs?": the known name closest to a misspelled one. Names are compared
 * case-folded and without `_`/`-`, so snake_case and kebab-case spellings of a camelCase field
 * match at distance 0; beyond that, at most a third of the name's letters may differ, so an
 * unrelated field gets no suggestion rather than a wrong one.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = fold(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, fold(candidate));
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  if (best === undefined || best.distance > Math.max(1, Math.floor(wanted.length / 3))) return undefined;
  return best.name;
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Levenshtein distance (insert, delete, substitute), two rows of memory. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitute);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
