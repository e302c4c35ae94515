/**
 * Helpers for the plain objects our renderers build (wire-format specs). Both avoid
 * `Object.keys`, which allocates an array per call: they run several times for every object of
 * 10,000-service apps, and our objects are plain, with nothing inherited to enumerate.
 */

/** Drops undefined fields so the YAML shows only what was asked for. */
export function prune<T extends Record<string, any>>(obj: T): T {
  const out: Record<string, any> = {};
  for (const key in obj) {
    const value = obj[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/** True when a plain object has no fields (without allocating the keys array Object.keys would). */
export function isEmpty(obj: Record<string, unknown>): boolean {
  for (const key in obj) {
    void key;
    return false;
  }
  return true;
}
