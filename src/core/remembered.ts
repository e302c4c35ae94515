/**
 * `compute` with its results remembered per key (the input itself, or `keyOf` it). Manifests
 * repeat a handful of values (hosts, durations, patterns) thousands of times, so each is worked
 * out once; past `limit` keys all are forgotten at once, which bounds the memory of a
 * long-running process at the cost of a few recomputations.
 */
export function remembered<V, I = string>(limit: number, compute: (input: I) => V, keyOf: (input: I) => string = String): (input: I) => V {
  const results = new Map<string, V>();
  return (input) => {
    const key = keyOf(input);
    const known = results.get(key);
    // (`has` only for an undefined result: the common hit costs one lookup)
    if (known !== undefined || results.has(key)) return known as V;
    const result = compute(input);
    if (results.size >= limit) results.clear();
    results.set(key, result);
    return result;
  };
}
