// `gws-vcr record`: a reverse proxy in front of a GWS server that records one session per run until SIGINT/SIGTERM.
import { Command } from 'commander';
import { createLogger } from '../common/logger.js';
import { RECORDER_DEFAULTS, type Recorder, startRecorder } from '../proxy/index.js';
import { openStore } from '../store/index.js';
import { startLiveDashboard } from './live-dashboard.js';
import {
  collect,
  collectOrigin,
  DEFAULT_DB,
  parseOrigin,
  parsePort,
  parsePositiveInteger,
  parseUrlPath,
} from './options.js';
import { runServer, startInTurn } from './run.js';

export interface RecordOptions {
  upstream: URL;
  port: number;
  host: string;
  db: string;
  name?: string;
  notificationsPath: string;
  rewriteOrigin: string[];
  redactHeader: string[];
  redactJson: string[];
  keepSecrets: boolean;
  verifyUpstream: boolean;
  maxBody: number;
  dashboard?: number;
}

/** The one line printed to stderr when the recorder stops. */
export const summaryLine = (recorder: Recorder): string => {
  const s = recorder.stats;
  const failed = s.rowsFailed === 0 ? '0 failed' : `${s.rowsFailed} FAILED (last error: ${s.lastError})`;
  return (
    `gws-vcr: session ${recorder.sessionId} closed: ${s.exchanges} exchanges, ${s.messages} Bayeux messages, ` +
    `${s.frames} frames; ${s.rowsWritten} rows written, ${failed}\n`
  );
};

export const recordCommand = (): Command =>
  new Command('record')
    .description(
      'Run a reverse proxy in front of a GWS server (or `gws-vcr simulate`) and record everything that passes: ' +
        'REST exchanges, CometD messages over long-polling and WebSocket, with their timing, into one session.',
    )
    .requiredOption(
      '--upstream <url>',
      'origin of the GWS server to forward to, e.g. http://127.0.0.1:8080',
      parseOrigin,
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, RECORDER_DEFAULTS.port)
    .option('--host <host>', 'interface to listen on', RECORDER_DEFAULTS.host)
    .option('--db <file>', 'SQLite file to record into (created if missing)', DEFAULT_DB)
    .option('--name <label>', 'a label for this session')
    .option(
      '--notifications-path <path>',
      'CometD endpoint: this path and every path under it are decoded as Bayeux',
      parseUrlPath,
      RECORDER_DEFAULTS.notificationsPath,
    )
    .option(
      '--rewrite-origin <url>',
      "another origin the upstream names itself by in its answers, rewritten like the upstream's own " +
        "(repeatable): GWS writes URLs from its externalApiUrlV2, e.g. a load balancer's, whatever node you record",
      collectOrigin,
      [],
    )
    .option('--redact-header <name>', 'also redact this header (repeatable)', collect, [])
    .option('--redact-json <key>', 'also redact this JSON key wherever it occurs (repeatable)', collect, [])
    .option('--keep-secrets', 'record credentials, cookies and CSRF tokens as they are (no redaction)', false)
    .option(
      '--verify-upstream',
      "check an https upstream's TLS certificate against Node's CAs and a lab CA in NODE_EXTRA_CA_CERTS; " +
        "without it any certificate is taken, such as a lab GWS's self-signed one",
      false,
    )
    .option(
      '--max-body <bytes>',
      'store at most this many bytes of a body or frame (the rest is still forwarded)',
      parsePositiveInteger,
      RECORDER_DEFAULTS.maxBodyBytes,
    )
    .option(
      '--dashboard <port>',
      'also serve the dashboard on 127.0.0.1:PORT, showing this session live (0 picks a free port)',
      parsePort,
    )
    .addHelpText(
      'after',
      [
        '',
        'Redacted by default: Authorization, Cookie, Set-Cookie, X-CSRF-TOKEN and the header X-CSRF-HEADER names,',
        'in headers, bodies and Bayeux ext fields. Upstream URLs in bodies, notifications and Location headers',
        'are rewritten to the proxy on the way out (and those of each --rewrite-origin); the recording keeps',
        'what the server sent, and replay rewrites the same origins.',
      ].join('\n'),
    )
    .action(async (options: RecordOptions) => {
      await runServer(() =>
        startInTurn(async (stack) => {
          const logger = createLogger('warn');
          const store = openStore(options.db, { logger });
          stack.push(() => store.close());
          const recorder = await startRecorder({
            upstream: options.upstream,
            port: options.port,
            host: options.host,
            store,
            name: options.name ?? null,
            notificationsPath: options.notificationsPath,
            rewriteOrigins: options.rewriteOrigin,
            redact: {
              headers: options.redactHeader,
              jsonKeys: options.redactJson,
              keepSecrets: options.keepSecrets,
            },
            maxBodyBytes: options.maxBody,
            isUpstreamCertificateChecked: options.verifyUpstream,
            logger,
          });
          stack.push(() => recorder.close());
          const urls = [recorder.url];
          if (options.dashboard !== undefined) {
            const dashboard = await startLiveDashboard(
              store,
              recorder,
              { port: options.dashboard, option: '--dashboard' },
              logger,
            );
            stack.push(() => dashboard.close());
            urls.push(dashboard.url);
          }
          return {
            urls,
            close: async () => {
              await stack.close();
              process.stderr.write(summaryLine(recorder));
            },
          };
        }),
      );
    });
