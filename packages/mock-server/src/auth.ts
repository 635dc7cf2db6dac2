import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * True when `given` is `expected`, compared in constant time: both are hashed to 32 bytes first,
 * so `timingSafeEqual` always sees equal-length buffers and neither the length nor the first
 * differing byte of the real key leaks through timing.
 */
export function keysMatch(given: string | undefined, expected: string): boolean {
  const same = timingSafeEqual(digest(given ?? ''), digest(expected));
  return same && given !== undefined;
}

/** The key of a Scale `Authorization` header: `Bearer <key>`, or Basic with the key as user name. */
export function scaleKeyOf(authorization: string | undefined): string | undefined {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(authorization ?? '');
  if (!match) {
    return undefined;
  }
  const scheme = (match[1] as string).toLowerCase();
  const value = match[2] as string;
  if (scheme === 'bearer') {
    return value;
  }
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(0, colon);
  }
  return undefined;
}

/** The SGP user a key stands for (claims are assigned to it). */
export const callerOf = (key: string) => `user_${digest(key).toString('hex').slice(0, 16)}`;
