import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

/** Structured JSON logs; secrets are redacted wherever they could appear. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'security-center' },
      redact: {
        // Top level, one and two levels down: no log call passes these today, and none ever should.
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'res.headers["set-cookie"]',
          ...['password', 'newPassword', 'token', 'secret', 'recoveryCodes'].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
