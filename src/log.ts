import { pino, type Logger } from 'pino';

export type { Logger };

/** The process logger: JSON lines on stdout, as log collectors expect. */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { service: 'press-desk' },
    // Journalists' personal data stays out of logs: never log bodies or these fields.
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.email', '*.phone', '*.details'], remove: true },
  });
}
