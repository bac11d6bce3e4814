/** One message of the conversation sent to a model. */
export interface ProviderMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * Asks for JSON that follows a schema. Providers that support structured output get the
 * schema itself; the others get JSON mode and the schema in the prompt.
 */
export interface ResponseFormat {
  type: 'json';
  name: string;
  schema: Record<string, unknown>;
}

/** What an agent asks a model for; the same shape for every provider. */
export interface ProviderRequest {
  model: string;
  system?: string;
  messages: readonly ProviderMessage[];
  maxOutputTokens: number;
  temperature?: number;
  responseFormat?: ResponseFormat;
}
