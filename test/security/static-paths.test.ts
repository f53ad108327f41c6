// Security: no request path, however it climbs or is encoded, sent raw on the socket, makes the dashboard serve a file outside dashboard/ and its fixed vendor files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDashboard } from '../../src/dashboard/index.js';
import { seedStore } from '../helpers/dashboard-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const hash = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Hashes of every file the dashboard may serve: dashboard/ and the vendor files it names. */
const servable = (): Set<string> => {
  const files = readdirSync(join(ROOT, 'dashboard'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  const vendor = [
    ['moment', 'min/moment.min.js'],
    ['vis-data', 'standalone/umd/vis-data.min.js'],
    ['vis-timeline', 'peer/umd/vis-timeline-graph2d.min.js'],
    ['vis-timeline', 'styles/vis-timeline-graph2d.min.css'],
  ].map(([pkg, file]) => join(dirname(require.resolve(`${pkg}/package.json`)), file as string));
  return new Set([...files, ...vendor].map((f) => hash(readFileSync(f))));
};

/** One request written byte for byte on a socket, so no client library tidies the path first. */
const rawGet = (port: number, path: string): Promise<{ status: number; body: Buffer }> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      let body = all.subarray(split + 4);
      if (/transfer-encoding: chunked/i.test(head)) {
        const parts: Buffer[] = [];
        for (let at = 0; ; ) {
          const eol = body.indexOf('\r\n', at);
          const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
          if (!size) break;
          parts.push(body.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      }
      resolve({ status, body });
    });
    // write, not end: a half-closed socket may be dropped before it is answered
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });

const SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '%2e.',
  '..%2f',
  '..%5c',
  '..\\',
  '%252e%252e',
  '....',
  '..;',
  '%c0%ae%c0%ae',
  '%00',
  'js',
  'css',
  'vendor',
  'node_modules',
  'src',
  'dashboard',
  'package.json',
  'index.html',
  '.git',
  'config',
  'etc',
  'passwd',
];

describe('dashboard static paths', () => {
  it('serve only files of dashboard/ and the fixed vendor files, whatever the raw path', async () => {
    const { store } = seedStore();
    const dashboard = await createDashboard({ store, port: 0 });
    onTestFinished(() => dashboard.close());
    const port = Number(new URL(dashboard.url).port);
    const allowed = servable();

    // sanity: the page is served, and package.json would be recognised if it ever leaked
    const page = await rawGet(port, '/index.html');
    expect(page.status).toBe(200);
    expect(allowed.has(hash(page.body))).toBe(true);

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 7 }),
        fc.constantFrom('/', '\\', '%2f', '%5c', '//'),
        async (segments, separator) => {
          const path = `/${segments.join(separator)}`;
          const reply = await rawGet(port, path);
          if (reply.status === 200) expect(allowed.has(hash(reply.body)), path).toBe(true);
          expect(reply.body.includes('"name": "gws-vcr"'), path).toBe(false);
          expect(reply.body.includes('root:x:0:0'), path).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
