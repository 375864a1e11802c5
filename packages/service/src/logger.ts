import { pino, type DestinationStream, type Logger } from 'pino';
import { serializeError } from './logRedaction.ts';

export type { Logger };

/**
 * A service's structured logger (JSON lines on stdout, or `destination`). Errors logged as `err`
 * or `error` hold no person data: a failed query's parameters and values are removed
 * (logRedaction.ts), its SQLSTATE code, constraint and statement kept.
 */
export function createLogger(name: string, level: string, destination?: DestinationStream): Logger {
  const options = { name, level, base: { service: name }, serializers: { err: serializeError, error: serializeError } };
  return destination ? pino(options, destination) : pino(options);
}
