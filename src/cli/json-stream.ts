// Writes JSON.stringify(value, null, 2) in pieces, so a report of a million-message session is never one huge string.

/** What the pieces are written to: process.stdout, or anything shaped like it. */
export interface JsonSink {
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface JsonStreamOptions {
  /** members of a top-level array (or of an array one level down) stringified together */
  chunkItems?: number;
  /** pieces are gathered up to about this many characters per write */
  writeChars?: number;
}

export const JSON_STREAM_DEFAULTS = {
  chunkItems: 1000,
  writeChars: 1 << 20,
} satisfies Required<JsonStreamOptions>;

const hasToJson = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';

const isPlainArray = (value: unknown): value is unknown[] => Array.isArray(value) && !hasToJson(value);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !hasToJson(value) &&
  !(value instanceof Number || value instanceof String || value instanceof Boolean);

// JSON.stringify does all the writing; these wrappers only put each piece at the depth where it belongs.
// '{\n  "a": [\n    x,\n    y\n  ]\n}': items of an array one level down sit between these two ends.
const NESTED_HEAD = '{\n  "a": [\n'.length;
const NESTED_TAIL = '\n  ]\n}'.length;
// '[\n  x,\n  y\n]': items of a top-level array.
const TOP_HEAD = '[\n'.length;
const TOP_TAIL = '\n]'.length;

/** The items of `list` as JSON.stringify lays them out inside an array `nested` levels down, a chunk at a time. */
function* arrayItems(list: unknown[], isNested: boolean, chunkItems: number): Generator<string> {
  for (let from = 0; from < list.length; from += chunkItems) {
    const chunk = list.slice(from, from + chunkItems);
    const text = isNested ? JSON.stringify({ a: chunk }, null, 2) : JSON.stringify(chunk, null, 2);
    yield from === 0 ? '' : ',\n';
    yield isNested ? text.slice(NESTED_HEAD, -NESTED_TAIL) : text.slice(TOP_HEAD, -TOP_TAIL);
  }
}

/**
 * The text of JSON.stringify(value, null, 2), character for character, as a series of pieces: a top-level array,
 * and the arrays a top-level object holds, are written `chunkItems` members at a time; everything else whole.
 */
export function* jsonPieces(
  value: unknown,
  chunkItems: number = JSON_STREAM_DEFAULTS.chunkItems,
): Generator<string> {
  const size = Math.max(1, Math.floor(chunkItems));
  if (isPlainArray(value) && value.length > 0) {
    yield '[\n';
    yield* arrayItems(value, false, size);
    yield '\n]';
    return;
  }
  if (!isPlainObject(value)) {
    yield JSON.stringify(value, null, 2) ?? 'null';
    return;
  }
  let count = 0;
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (isPlainArray(member) && member.length > 0) {
      yield `${count++ === 0 ? '{' : ','}\n  ${JSON.stringify(key)}: [\n`;
      yield* arrayItems(member, true, size);
      yield '\n  ]';
      continue;
    }
    const text = JSON.stringify({ [key]: member }, null, 2);
    // '{}': a member JSON leaves out (undefined, a function)
    if (text === '{}') continue;
    yield `${count++ === 0 ? '{' : ','}\n${text.slice(2, -2)}`;
  }
  yield count === 0 ? '{}' : '\n}';
}

const drained = (sink: JsonSink): Promise<void> =>
  new Promise((resolve) => {
    sink.once('drain', resolve);
  });

/** Writes `value` as JSON.stringify(value, null, 2) plus a newline, a bounded piece at a time, minding backpressure. */
export const writeJson = async (
  sink: JsonSink,
  value: unknown,
  options: JsonStreamOptions = {},
): Promise<void> => {
  const { chunkItems, writeChars } = { ...JSON_STREAM_DEFAULTS, ...options };
  let buffer: string[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    const text = buffer.join('');
    buffer = [];
    size = 0;
    if (!sink.write(text)) await drained(sink);
  };
  for (const piece of jsonPieces(value, chunkItems)) {
    buffer.push(piece);
    size += piece.length;
    if (size >= writeChars) await flush();
  }
  buffer.push('\n');
  await flush();
};
