// A logger for tests: keeps every line it is told, to check what was reported, at which level and how often.
import type { Logger } from '../../src/common/logger.js';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg: string | undefined;
}

/** A Logger whose lines (its children's too), at every level, are kept in `lines`. */
export const recordingLogger = (): Logger & { lines: LoggedLine[] } => {
  const lines: LoggedLine[] = [];
  const at =
    (level: LoggedLine['level']) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger = {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
};
