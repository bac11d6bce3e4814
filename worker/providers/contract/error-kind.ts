import { z } from 'zod';

/** The uniform error taxonomy every adapter maps its provider's failures onto. */
export const errorKindSchema = z.enum([
  'auth',
  'permission',
  'rate_limited',
  'overloaded',
  'context_too_long',
  'bad_request',
  'network',
  'timeout',
  'malformed_response',
  'cancelled',
]);
export type ErrorKind = z.infer<typeof errorKindSchema>;

/** Kinds where the same call made again later can succeed. */
export const retryableKinds: ReadonlySet<ErrorKind> = new Set([
  'rate_limited',
  'overloaded',
  'network',
  'timeout',
  'malformed_response',
]);
