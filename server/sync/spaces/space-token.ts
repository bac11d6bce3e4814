import { createHash, timingSafeEqual } from 'node:crypto';

/** Space ids and access tokens are base64url text a device derives from its space secret. */
export const spaceIdPattern = /^[A-Za-z0-9_-]{16,64}$/;
export const tokenPattern = /^[A-Za-z0-9_-]{32,256}$/;

/** What the server stores instead of the token. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Compares a presented token with a stored hash in constant time. */
export function tokenOpens(token: string, tokenHash: string): boolean {
  const presented = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(tokenHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** The bearer token of a request, if it carries one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
