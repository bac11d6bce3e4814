import { fromBase64Url, toBase64Url } from './base64url.ts';

/**
 * A space's secret is 32 random bytes made on the device that creates the space, shown
 * to the person as base64url text (43 characters) to carry to their other devices. Three
 * things are derived from it with HKDF-SHA-256, each under its own label, so none
 * reveals another: the space id (public, in URLs), the access token (sent to the server,
 * which stores its hash) and the payload key (AES-GCM, non-extractable, never sent).
 */
export interface SpaceCredentials {
  spaceId: string;
  token: string;
  key: CryptoKey;
}

const secretLength = 32;
const salt = new TextEncoder().encode('orchestra-sync-v1');

export class SpaceSecretError extends Error {
  override name = 'SpaceSecretError';
}

export function makeSpaceSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(secretLength)));
}

const info = (label: string) => new TextEncoder().encode(label);

/**
 * @throws SpaceSecretError when the text is not a whole secret
 * @example const { spaceId, token, key } = await deriveSpaceCredentials(secret);
 */
export async function deriveSpaceCredentials(secret: string): Promise<SpaceCredentials> {
  const bytes = fromBase64Url(secret.trim());
  if (!bytes || bytes.length !== secretLength) {
    throw new SpaceSecretError(
      'This is not a space secret: copy the whole secret (43 characters) from the other device.',
    );
  }
  const master = await crypto.subtle.importKey('raw', bytes, 'HKDF', false, ['deriveBits', 'deriveKey']);
  const bits = async (label: string, length: number) =>
    new Uint8Array(
      await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: info(label) }, master, length),
    );
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: info('payload-key') },
    master,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  return {
    spaceId: toBase64Url(await bits('space-id', 128)),
    token: toBase64Url(await bits('access-token', 256)),
    key,
  };
}
