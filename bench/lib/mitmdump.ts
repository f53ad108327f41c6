// mitmdump (mitmproxy's recorder, the peer users would otherwise pick) as a reverse proxy writing flows, for comparison.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ChildServer, serverOf } from './child.js';

/** The mitmdump executable on PATH, or null when it is not installed. */
export const findMitmdump = (): string | null => {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'mitmdump');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
};

/**
 * Starts `mitmdump --mode reverse:UPSTREAM -w FLOWS` on a free port of 127.0.0.1 and resolves once it listens.
 * Every flow is written to `flowsFile` as it completes (as `gws-vcr record` writes its rows); nothing is printed
 * per flow (`flow_detail=0`), so the terminal costs nothing.
 */
export const startMitmdump = async (
  executable: string,
  upstreamUrl: string,
  flowsFile: string,
): Promise<ChildServer> => {
  const args = [
    ...['--mode', `reverse:${upstreamUrl}`, '-w', flowsFile],
    ...['--listen-host', '127.0.0.1', '--listen-port', '0', '--set', 'flow_detail=0'],
  ];
  const child = spawn(executable, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`mitmdump exited (${String(code)}) before listening:\n${output}`);
  });
  exited.catch(() => {});
  // "Proxy server listening at 127.0.0.1:PORT" (mitmproxy 8; other versions word it alike)
  const listening = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      output += `${line}\n`;
      const match = /listening at (?:http:\/\/)?([\d.]+):(\d+)/.exec(line);
      if (match) resolve(`http://${match[1]}:${match[2]}`);
    });
  });
  const url = await Promise.race([listening, exited]);
  return serverOf(child, url, () => output);
};
