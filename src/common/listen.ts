// Starts a server on host:port and names it by the address it really bound: `http://HOST:PORT`.
import type { AddressInfo, Server } from 'node:net';
import { VcrError } from './errors.js';

export interface ListenOptions {
  /** what listens, opening the error message: "the simulator", "the replay server" */
  name: string;
  host: string;
  /** 0 picks a free port */
  port: number;
  /** the command-line option that set `port`, named in hints; default `--port` */
  portOption?: string;
  /**
   * Binds `server` to host:port, for a framework that listens itself (Fastify's `app.listen` binds
   * `app.server`, and must, or its close() would not close it). Default: node's `server.listen`.
   */
  bind?: () => Promise<unknown>;
}

/**
 * Listens, and resolves with the URL of the address bound (so port 0 shows the port picked, and a host name
 * the address it resolved to); IPv6 in brackets. Rejects with VCR_LISTEN_FAILED, saying what could not
 * listen where, why, and what to do. The server is then not listening; anything else the caller started
 * is the caller's to close.
 */
export const listen = async (server: Server, options: ListenOptions): Promise<string> => {
  try {
    await (options.bind ?? (() => nodeListen(server, options.host, options.port)))();
  } catch (err) {
    throw listenFailed(err, options);
  }
  return urlOf(server.address());
};

/** `http://HOST:PORT` of a bound TCP address; an IPv6 one in brackets (RFC 3986 §3.2.2). */
export const urlOf = (address: AddressInfo | string | null): string => {
  if (address === null || typeof address === 'string') {
    throw new Error(`not a TCP address: ${String(address)}; listen on a host and port`);
  }
  return `http://${hostPort(address.address, address.port)}`;
};

const hostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

const nodeListen = (server: Server, host: string, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });

/** What to do next, by the reason the system gave; `option` is the one that set the port. */
const HINTS: Readonly<Record<string, (option: string) => string>> = {
  EADDRINUSE: (option) =>
    `Another process uses that port: stop it, or pass ${option} with a free one (0 picks any).`,
  EACCES: (option) => `Ports below 1024 need privileges: pass ${option} with a higher one (0 picks any).`,
  EADDRNOTAVAIL: () => 'That host is not an address of this machine: pass --host 127.0.0.1, ::1 or 0.0.0.0.',
  ENOTFOUND: () => 'That host name does not resolve: pass --host 127.0.0.1, ::1 or 0.0.0.0.',
};

const listenFailed = (err: unknown, { name, host, port, portOption = '--port' }: ListenOptions): VcrError => {
  const code = (err as { code?: unknown } | null)?.code;
  const reason = err instanceof Error ? err.message : String(err);
  const hint = typeof code === 'string' ? HINTS[code] : undefined;
  return new VcrError('VCR_LISTEN_FAILED', `${name} cannot listen on ${hostPort(host, port)}: ${reason}`, {
    hint: hint?.(portOption) ?? `Check --host and ${portOption} (0 picks a free port).`,
    cause: err,
  });
};
