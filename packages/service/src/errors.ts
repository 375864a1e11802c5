import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values; clients and tests rely on them. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
  /** A department the answer depends on did not answer (the gateway's code for the same). */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /** The caller already has as many sweeps under way as one caller may (SWEEP_MAX_PER_CALLER). */
  TOO_MANY_SWEEPS: 'TOO_MANY_SWEEPS',
  /** Statistics still being computed after a load (or never asked before): ask again shortly. */
  STATISTICS_COMPUTING: 'STATISTICS_COMPUTING',
  /** Someone else changed the record between reading and writing it (two steps of one application at once): reload and retry. */
  CONFLICT: 'CONFLICT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}
export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}
export function forbidden(message = 'not allowed for this caller'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}
export function unauthenticated(message = 'a valid bearer token is required'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}
/** Part of an answer is missing because another service did not answer; `extensions` name it. */
export function unavailable(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, ...extensions } });
}
/** The caller has as many sweeps under way as allowed; `limit` says how many. */
export function tooManySweeps(message: string, limit: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.TOO_MANY_SWEEPS, limit } });
}
/** Figures not ready within the wait: their computation goes on, and a later request gets them. */
export function computing(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.STATISTICS_COMPUTING, retryAfterSeconds } });
}
/** The record changed under the request (another step won): nothing was written. */
export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}
