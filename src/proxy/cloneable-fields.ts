// Log fields made fit to cross to another thread: what structured cloning refuses or loses is turned into data.

/**
 * A copy of `fields` that `postMessage` accepts, so a log line from the store worker always arrives whole:
 * an Error keeps its message and code (cloning one drops its code and any other own property); a value
 * structured cloning refuses (a function, a socket, an object holding one) arrives as its string form.
 */
export const cloneableFields = (fields: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      out[key] = { message: value.message, code: (value as { code?: unknown }).code };
      continue;
    }
    try {
      structuredClone(value);
      out[key] = value;
    } catch {
      out[key] = String(value);
    }
  }
  return out;
};
