// One recording session's redaction policy: which headers and JSON keys are secret, and the secret values seen so far.
import type { FrameOpcode, HeaderList } from '../store/index.js';
import {
  DEFAULT_REDACTED_HEADERS,
  DEFAULT_REDACTED_JSON_KEYS,
  jsonKeyTest,
  MIN_SCRUBBED_SECRET_LENGTH,
  redactHeaders,
  redactJson,
  redactJsonText,
  scrubCutSecret,
  scrubSecrets,
  scrubSecretsInText,
  secretsOf,
} from './redact.js';

export interface RedactOptions {
  /** more header names to redact (any case), besides DEFAULT_REDACTED_HEADERS */
  headers?: string[];
  /** more JSON keys to redact wherever they occur (any case), besides DEFAULT_REDACTED_JSON_KEYS */
  jsonKeys?: string[];
  /** record secrets as they came (--keep-secrets); default false */
  keepSecrets?: boolean;
}

/** How many distinct secret values a session remembers for scrubbing; the oldest are forgotten first. */
const MAX_REMEMBERED_SECRETS = 256;

const isJsonContent = (headers: HeaderList | null): boolean => {
  for (const [name, value] of headers ?? [])
    if (name.toLowerCase() === 'content-type') return value.toLowerCase().includes('json');
  return false;
};

/**
 * Redacts what a session records. Header names and JSON keys are redacted where they stand; the values
 * they held are remembered and scrubbed from every later body, frame, path and query, so a token the
 * client also puts in a URL or a Bayeux `ext` does not survive there either.
 * GWS-NOTES §2: the header that `X-CSRF-HEADER` names is learned from responses and redacted from then on.
 */
export class Redactor {
  readonly isOff: boolean;
  readonly #headerNames: Set<string>;
  readonly #jsonKeys: Set<string>;
  /** built from #jsonKeys, again whenever a key is learned */
  #mayHoldJsonKey: (text: string) => boolean;
  readonly #secrets = new Set<string>();

  constructor(options: RedactOptions = {}) {
    this.isOff = options.keepSecrets === true;
    this.#headerNames = new Set([...DEFAULT_REDACTED_HEADERS, ...(options.headers ?? [])].map(lower));
    // A secret header's name used as a JSON key (a Bayeux `ext: { authorization }`) is just as secret.
    this.#jsonKeys = new Set(
      [...DEFAULT_REDACTED_JSON_KEYS, ...(options.jsonKeys ?? []), ...this.#headerNames].map(lower),
    );
    this.#mayHoldJsonKey = jsonKeyTest(this.#jsonKeys);
  }

  /** Learns from a response which header carries the CSRF token (`X-CSRF-HEADER: <name>`). */
  learnFromResponse(headers: HeaderList | null): void {
    if (this.isOff || !headers) return;
    for (const [name, value] of headers) {
      if (name.toLowerCase() !== 'x-csrf-header') continue;
      const named = value.trim().toLowerCase();
      if (named.length === 0 || this.#headerNames.has(named)) continue;
      this.#headerNames.add(named);
      this.#jsonKeys.add(named);
      this.#mayHoldJsonKey = jsonKeyTest(this.#jsonKeys);
    }
  }

  headers(list: HeaderList): { headers: HeaderList; isRedacted: boolean };
  headers(list: HeaderList | null): { headers: HeaderList | null; isRedacted: boolean };
  headers(list: HeaderList | null): { headers: HeaderList | null; isRedacted: boolean } {
    if (this.isOff || !list) return { headers: list, isRedacted: false };
    let hasSecret = false;
    for (const [name, value] of list) {
      if (!this.#headerNames.has(name.toLowerCase())) continue;
      hasSecret = true;
      for (const secret of secretsOf(name, value)) this.#remember(secret);
    }
    // Most responses carry nothing secret: then the list is not walked a second time.
    return hasSecret ? redactHeaders(list, this.#headerNames) : { headers: list, isRedacted: false };
  }

  /**
   * Scrubs remembered secrets from bytes (`isCut`: the bytes were cut at the size limit, maybe inside a
   * secret); for JSON, also redacts secret keys (re-serializing only if one was found).
   */
  bytes(data: Buffer | null, isJson: boolean, isCut = false): { data: Buffer | null; isRedacted: boolean } {
    if (this.isOff || !data) return { data, isRedacted: false };
    let scrubbed = scrubSecrets(data, this.#secrets);
    if (isCut) scrubbed = scrubCutSecret(scrubbed, this.#secrets);
    let isRedacted = scrubbed !== data;
    if (!isJson) return { data: scrubbed, isRedacted };
    const text = scrubbed.toString('utf8');
    if (!this.#mayHoldJsonKey(text)) return { data: scrubbed, isRedacted };
    try {
      const result = redactJson(JSON.parse(text), this.#jsonKeys);
      if (!result.isRedacted) return { data: scrubbed, isRedacted };
      isRedacted = true;
      return { data: Buffer.from(JSON.stringify(result.value)), isRedacted };
    } catch {
      // Cut at --max-body, or malformed: redact the `"key": value` pairs in the text itself.
      const redacted = redactJsonText(text, this.#jsonKeys);
      if (redacted === text) return { data: scrubbed, isRedacted };
      return { data: Buffer.from(redacted), isRedacted: true };
    }
  }

  /** `bytes` for an HTTP body: JSON when the first Content-Type of its headers says so. */
  body(
    data: Buffer | null,
    headers: HeaderList | null,
    isCut = false,
  ): { data: Buffer | null; isRedacted: boolean } {
    return this.bytes(data, isJsonContent(headers), isCut);
  }

  /** `bytes` for a WebSocket payload: JSON when it is a text frame that opens an object or an array. */
  frame(payload: Buffer, opcode: FrameOpcode, isCut = false): { data: Buffer | null; isRedacted: boolean } {
    const first = payload[0];
    return this.bytes(payload, opcode === 'text' && (first === 0x7b || first === 0x5b), isCut);
  }

  /** Scrubs remembered secrets from a text (a path, a query string). */
  text(value: string): { text: string; isRedacted: boolean } {
    if (this.isOff || this.#secrets.size === 0) return { text: value, isRedacted: false };
    const text = scrubSecretsInText(value, this.#secrets);
    return { text, isRedacted: text !== value };
  }

  /**
   * Redacts secret keys in parsed JSON (Bayeux messages). Given the `text` it was parsed from, it walks
   * nothing when the text names no secret key, as almost every notification's does.
   */
  json<T>(value: T, text?: string): { value: T; isRedacted: boolean } {
    if (this.isOff || (text !== undefined && !this.#mayHoldJsonKey(text)))
      return { value, isRedacted: false };
    const result = redactJson(value, this.#jsonKeys);
    return { value: result.value as T, isRedacted: result.isRedacted };
  }

  #remember(secret: string): void {
    if (secret.length < MIN_SCRUBBED_SECRET_LENGTH || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    if (this.#secrets.size > MAX_REMEMBERED_SECRETS) {
      const oldest = this.#secrets.values().next().value;
      if (oldest !== undefined) this.#secrets.delete(oldest);
    }
  }
}

const lower = (name: string): string => name.toLowerCase();
