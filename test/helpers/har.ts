// HAR test helpers: the HAR 1.2 schema check (har-validator, as Polly's persister suite uses), an in-memory sink for
// writeHar, and a HAR stripped of our own fields.
import { har } from 'har-validator';
import type { HarSink } from '../../src/store/index.js';

/**
 * Schema errors of a HAR document as "path: message" lines; [] when it is valid HAR 1.2. Rethrows anything
 * that is not the validator's verdict, which must not read as "valid".
 */
export const harSchemaErrors = async (doc: unknown): Promise<string[]> => {
  try {
    await har(doc);
    return [];
  } catch (err) {
    const errors = (err as { errors?: Array<{ dataPath: string; message?: string }> }).errors;
    if (!Array.isArray(errors) || errors.length === 0) throw err;
    return errors.map((e) => `${e.dataPath}: ${e.message ?? 'invalid'}`);
  }
};

/** Collects what writeHar writes; `text()` is the whole document. */
export const memorySink = (): HarSink & { text(): string } => {
  const chunks: string[] = [];
  return {
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
    once: () => undefined,
    text: () => chunks.join(''),
  };
};

/** A HAR as a tool that keeps only the standard fields and Chrome's would save it again: no `_gwsVcr` anywhere. */
export const withoutOurFields = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutOurFields);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '_gwsVcr')
      .map(([key, v]) => [key, withoutOurFields(v)]),
  );
};
