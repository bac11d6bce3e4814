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
  /** The stream ended cleanly but without a finish reason: the answer may be partial. */
  'incomplete',
  /**
   * The provider declined: a refusal, a blocked prompt or an answer cut by a content
   * filter. Asking the same model again gives the same answer, and the provider is well.
   */
  'refused',
  /**
   * The stream broke after part of the answer had arrived (the connection dropped, the
   * provider failed mid-answer, or it went quiet): the text so far is not the answer.
   */
  'cut_off',
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
  // At most once, and only when no text was delivered (see resilience/with-resilience.ts).
  'incomplete',
  // Never by the resilience layer (text was delivered): the task's attempt starts afresh.
  'cut_off',
]);
