/**
 * Removes API keys from text before it is shown, logged or stored: the exact keys we
 * know of, and anything shaped like a provider key (a provider may echo a key back in
 * an error body, partly masked or not).
 */
const keyShapes = [/sk-ant-[\w-]{8,}/g, /sk-(?:proj-)?[\w-]{16,}/g, /AIza[\w-]{20,}/g, /Bearer\s+[\w.-]{8,}/gi];

export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted key]');
  }
  for (const shape of keyShapes) result = result.replace(shape, '[redacted key]');
  return result;
}
