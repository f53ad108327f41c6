// Small HTTP helpers for the simulator: read a bounded body, answer JSON or text, and parse a GWS operation body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord } from '../common/is-record.js';
import { STATUS_CODES } from '../gws/index.js';
import { fail, missing, type Param } from './params.js';

/** Largest request body the simulator reads; GWS operation bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 1_048_576;

export type BodyResult = { ok: true; text: string } | { ok: false; reason: string };

/** Reads the whole body as UTF-8, or says why not (too large, connection lost); never rejects. */
export const readBody = (req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    const finish = (result: BodyResult): void => {
      if (isDone) return;
      isDone = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish({ ok: false, reason: `body larger than ${maxBytes} bytes` });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', (err) => finish({ ok: false, reason: `request failed: ${err.message}` }));
    req.on('close', () => finish({ ok: false, reason: 'client went away before the body ended' }));
  });

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void => {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
};

export const sendText = (res: ServerResponse, status: number, text: string): void => {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'text/plain;charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
};

export interface OperationBody {
  operationName: string;
  body: Record<string, unknown>;
}

/** A POST body on a GWS resource: a JSON object with an `operationName` (GWS-NOTES §3: otherwise statusCode 1). */
export const parseOperationBody = (text: string): Param<OperationBody> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(STATUS_CODES.MISSING_PARAMETER, `Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(parsed)) {
    return fail(STATUS_CODES.MISSING_PARAMETER, 'Request body must be a JSON object with an operationName');
  }
  const { operationName } = parsed;
  if (typeof operationName !== 'string' || operationName === '') return missing('operationName');
  return { ok: true, value: { operationName, body: parsed } };
};
