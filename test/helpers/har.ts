// HAR test helpers: the HAR 1.2 schema check (har-validator, as Polly's persister suite uses) and an in-memory sink for writeHar.
import { har } from 'har-validator';
import type { HarSink } from '../../src/store/index.js';

/** Schema errors of a HAR document as "path: message" lines; [] when it is valid HAR 1.2. */
export const harSchemaErrors = async (doc: unknown): Promise<string[]> => {
  try {
    await har(doc);
    return [];
  } catch (err) {
    const errors = (err as { errors?: Array<{ dataPath: string; message?: string }> }).errors ?? [];
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
