import { z } from 'zod';
import { type ErrorKind, errorKindSchema, retryableKinds } from './error-kind.ts';
import { type ProviderId, providerIdSchema, providerLabels } from './provider-id.ts';
import { redact } from './redact.ts';

/** A provider failure as data: what crosses the worker door and goes into events. */
export const providerErrorDataSchema = z.object({
  provider: providerIdSchema,
  kind: errorKindSchema,
  retryable: z.boolean(),
  /** One sentence a person understands, with no key in it. */
  message: z.string(),
  /** What the person can do about it. */
  action: z.string(),
  status: z.number().int().optional(),
  retryAfterMs: z.number().nonnegative().optional(),
  /** For `refused`: the provider's own words on why (or its reason code), redacted. */
  explanation: z.string().optional(),
  /** For `refused`: the prompt itself was blocked, so no model of this provider would take it. */
  promptBlocked: z.boolean().optional(),
});
export type ProviderErrorData = z.infer<typeof providerErrorDataSchema>;

export interface ProviderErrorInit {
  provider: ProviderId;
  kind: ErrorKind;
  /** Detail from the provider, shown after our own sentence. Redacted here. */
  detail?: string;
  status?: number;
  retryAfterMs?: number;
  /** For `refused`: the provider's own explanation or reason code. */
  explanation?: string;
  /** For `refused`: the prompt was blocked before any model read it. */
  promptBlocked?: boolean;
  /** Keys to remove from the detail besides anything shaped like a key. */
  secrets?: readonly string[];
  cause?: unknown;
}

/** One error type for every provider failure, with the fields the rest of the engine needs. */
export class ProviderError extends Error {
  readonly provider: ProviderId;
  readonly kind: ErrorKind;
  readonly isRetryable: boolean;
  readonly action: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly explanation: string | undefined;
  /** The provider's detail as shown after our sentence (redacted), if any. */
  readonly detail: string | undefined;
  readonly promptBlocked: boolean;

  constructor(init: ProviderErrorInit) {
    const detail = init.detail ? redact(init.detail, init.secrets).slice(0, 300) : '';
    const explanation = init.explanation ? redact(init.explanation, init.secrets).slice(0, 1000) : undefined;
    const head = sentence(init.provider, init.kind);
    // A refusal is told in the provider's own words: they are what the person can act on.
    const said = explanation ? `${head} It said: “${explanation}”` : head;
    super(detail ? `${said} (${detail})` : said, { cause: init.cause });
    this.explanation = explanation;
    this.detail = detail || undefined;
    this.promptBlocked = init.promptBlocked === true;
    this.name = 'ProviderError';
    this.provider = init.provider;
    this.kind = init.kind;
    this.isRetryable = retryableKinds.has(init.kind);
    this.action = action(init.provider, init.kind);
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }

  toData(): ProviderErrorData {
    return {
      provider: this.provider,
      kind: this.kind,
      retryable: this.isRetryable,
      message: this.message,
      action: this.action,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.explanation === undefined ? {} : { explanation: this.explanation }),
      ...(this.promptBlocked ? { promptBlocked: true } : {}),
    };
  }
}

function sentence(provider: ProviderId, kind: ErrorKind): string {
  const name = providerLabels[provider];
  switch (kind) {
    case 'auth':
      return `${name} did not accept the API key.`;
    case 'permission':
      return `The ${name} key is valid but not allowed to use this model or feature.`;
    case 'rate_limited':
      return `${name} is limiting how fast this key may call it.`;
    case 'overloaded':
      return `${name} is overloaded or had a server problem.`;
    case 'context_too_long':
      return `The request is longer than the model's context window.`;
    case 'bad_request':
      return `${name} refused the request as invalid.`;
    case 'network':
      // A rejected key can come back without CORS headers, which a browser reports as a
      // bare network failure: say both, since the page cannot tell them apart.
      return `The call to ${name} did not get through: the key was rejected or the network blocked the call.`;
    case 'timeout':
      return `${name} stopped answering in time.`;
    case 'malformed_response':
      return `${name} sent an answer Orchestra could not read.`;
    case 'incomplete':
      return `The answer from ${name} stopped before the model said it had finished.`;
    case 'refused':
      return `${name} declined to answer this request.`;
    case 'cut_off':
      return `The answer from ${name} was cut off before it was complete.`;
    case 'cancelled':
      return `The call to ${name} was cancelled.`;
  }
}

function action(provider: ProviderId, kind: ErrorKind): string {
  const name = providerLabels[provider];
  switch (kind) {
    case 'auth':
      return `Check your ${name} key in Settings.`;
    case 'permission':
      return `Pick another model, or enable this one for your key in the ${name} console.`;
    case 'rate_limited':
      return 'Orchestra waits and tries again; raise your plan’s limits if this keeps happening.';
    case 'overloaded':
      return 'Orchestra tries again shortly; you can also route this role to another provider.';
    case 'context_too_long':
      return 'Choose a model with a larger context window or give the task less context.';
    case 'bad_request':
      return 'Check the model name and base URL in Settings.';
    case 'network':
      return `Check your ${name} key in Settings and your connection, or turn on the proxy.`;
    case 'timeout':
      return 'Orchestra tries again; if it keeps happening, raise the timeouts or switch providers.';
    case 'malformed_response':
      return 'Orchestra tries again; if it keeps happening, check the base URL in Settings.';
    case 'incomplete':
      return 'Orchestra tries once more when nothing had arrived; if it keeps happening, switch providers.';
    case 'refused':
      return 'Edit the task’s instructions, or let another model try it.';
    case 'cut_off':
      return 'Orchestra asks again from the start (the partial answer is not used); if it keeps happening, check your connection or switch providers.';
    case 'cancelled':
      return 'Nothing to do.';
  }
}

/**
 * What the person can do about a failure Orchestra has stopped retrying, before trying
 * again: a clause to go before "then press Retry task", or nothing where trying again is
 * all there is. Unlike `action`, it never says Orchestra will try again: it has stopped.
 * @example remedy('openai', 'auth') // 'Check your OpenAI key in Settings'
 */
export function remedy(provider: ProviderId, kind: ErrorKind): string | undefined {
  const name = providerLabels[provider];
  switch (kind) {
    case 'auth':
      return `Check your ${name} key in Settings`;
    case 'permission':
      return `Allow this model for your key in the ${name} console`;
    case 'rate_limited':
    case 'overloaded':
      return 'Wait a minute';
    case 'bad_request':
      return 'Check the model name and base URL in Settings';
    case 'network':
      return `Check your connection and your ${name} key in Settings`;
    case 'context_too_long':
    case 'timeout':
    case 'malformed_response':
    case 'incomplete':
    case 'refused':
    case 'cut_off':
    case 'cancelled':
      return undefined;
  }
}
