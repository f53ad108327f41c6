// The logger every part receives as an option: pino's shape, silent unless the cli asks for output.
import { pino } from 'pino';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};

/** Default for every `logger` option: says nothing. */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A pino logger writing to stderr, so stdout keeps only the cli contract. */
export const createLogger = (level: LogLevel = 'info'): Logger =>
  pino({ level }, pino.destination(2)) as Logger;
