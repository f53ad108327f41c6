// The one test for "a JSON object" that every reader of untrusted JSON (HAR files, recorded bodies) narrows with.

/** A JSON object: not an array, not null. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
