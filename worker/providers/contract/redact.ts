/**
 * Removes API keys from text before it is shown, logged or stored: the exact keys we
 * know of — also when whitespace or line breaks split them, or they are written
 * backwards — and anything shaped like a provider key, either way round (a provider may
 * echo a key back in an error body, partly masked or not).
 */
const keyShapes = [
  /sk-ant-[\w-]{8,}/g,
  /sk-(?:proj-)?[\w-]{16,}/g,
  /AIza[\w-]{20,}/g,
  /Bearer\s+[\w.-]{8,}/gi,
  // The same shapes reversed.
  /[\w-]{8,}-tna-ks/g,
  /[\w-]{16,}-(?:jorp-)?ks(?![\w-])/g,
  /[\w-]{20,}azIA/g,
];

const escape = (character: string) => character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A known key, allowing whitespace between any two of its characters. */
function spread(secret: string): RegExp {
  return new RegExp([...secret].map(escape).join('\\s*'), 'g');
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    result = result.split(secret).join('[redacted key]');
    // Short keys only whole: a short run spread over whitespace is too likely in prose.
    if (secret.length < 12) continue;
    const reversed = [...secret].reverse().join('');
    result = result.split(reversed).join('[redacted key]');
    if (/\s/.test(result))
      result = result.replace(spread(secret), '[redacted key]').replace(spread(reversed), '[redacted key]');
  }
  for (const shape of keyShapes) result = result.replace(shape, '[redacted key]');
  return result;
}
