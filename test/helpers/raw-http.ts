// HTTP/1.1 spoken by hand on one connection: for requests no client library sends as they are (an h2c upgrade).
import { connect } from 'node:net';

/** Writes `text` on a new connection to `url`'s port; resolves with all that came back once the server closed. */
export const sendRaw = (url: string, text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/** The responses one after another in `text`, each framed by its Content-Length (none: no body). */
export const splitResponses = (text: string): RawResponse[] => {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < text.length) {
    const headEnd = text.indexOf('\r\n\r\n', at);
    if (headEnd === -1) throw new Error(`a response head without its end: ${text.slice(at, at + 80)}`);
    const head = text.slice(at, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    out.push({
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
      head,
      body: text.slice(headEnd + 4, headEnd + 4 + length),
    });
    at = headEnd + 4 + length;
  }
  return out;
};

/** The head of a request asking to upgrade to h2c, as `curl --http2` sends it to an http:// URL. */
export const h2cHead = (method: string, path: string, host: string, headers = ''): string =>
  `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n` +
  `HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n${headers}\r\n`;
