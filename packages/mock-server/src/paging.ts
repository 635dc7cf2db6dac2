import { createHash } from 'node:crypto';
import { badRequest } from './errors.js';

/**
 * Opaque page tokens and a small cache of filtered lists.
 *
 * A token is base64url of `{"o": offset, "f": filters hash, "v": data version}`. The hash covers
 * the operation and every filter (not `limit`, `expand` or `opts`, which do not change which
 * items match), so a token used with other filters is refused with 400. The version is the
 * store's, bumped by every change that can change a listing; a token from before a change is
 * refused too. While the data is unchanged, a token stays valid (and can be replayed).
 */

export interface Page {
  /** Positions into the store of the items of this page. */
  items: number[];
  /** The token of the next page; absent on the last page. */
  next?: string;
  /** Position of the first item in the whole listing. */
  offset: number;
  /** Number of matching items in the whole listing. */
  total: number;
}

interface TokenBody {
  o: number;
  f: string;
  v: number;
}

export function filtersHash(operationId: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    [operationId, ...Object.keys(filters).sort()].map((key) =>
      key === operationId ? key : [key, filters[key]],
    ),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeToken(token: string): TokenBody | undefined {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (
      body &&
      typeof body === 'object' &&
      Number.isSafeInteger((body as TokenBody).o) &&
      (body as TokenBody).o >= 0 &&
      typeof (body as TokenBody).f === 'string' &&
      Number.isSafeInteger((body as TokenBody).v)
    ) {
      return body as TokenBody;
    }
  } catch {
    // fall through: not a token of ours
  }
  return undefined;
}

/** Pages listings, caching the last few filtered lists (keyed by filters and data version). */
export class Pager {
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly cacheSize = 32) {}

  page(args: {
    operationId: string;
    filters: Record<string, unknown>;
    version: number;
    limit: number;
    token: string | undefined;
    build: () => number[];
  }): Page {
    const hash = filtersHash(args.operationId, args.filters);
    let offset = 0;
    if (args.token !== undefined) {
      const token = decodeToken(args.token);
      if (!token) {
        throw badRequest('next_token: not a token this server issued');
      }
      if (token.f !== hash) {
        throw badRequest(
          'next_token: issued for other filters; send the same filters as the first page, or start again without next_token',
        );
      }
      if (token.v !== args.version) {
        throw badRequest(
          'next_token: expired because the data changed since it was issued; start again without next_token',
        );
      }
      offset = token.o;
    }
    const key = `${hash}:${args.version}`;
    let list = this.cache.get(key);
    if (list) {
      this.cache.delete(key);
    } else {
      list = args.build();
    }
    this.cache.set(key, list);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) {
        this.cache.delete(oldest);
      }
    }
    if (offset > list.length) {
      throw badRequest('next_token: points past the end of the listing');
    }
    const end = Math.min(offset + args.limit, list.length);
    return {
      items: list.slice(offset, end),
      offset,
      total: list.length,
      ...(end < list.length ? { next: encodeToken({ o: end, f: hash, v: args.version }) } : {}),
    };
  }
}

/** Milliseconds of an RFC 3339 query value (already validated as `date-time`). */
export const instant = (value: unknown): number | undefined =>
  typeof value === 'string' ? Date.parse(value) : undefined;

/** True when `value` is inside the open window (after, before); a missing bound is no bound. */
export function inWindow(value: number, after?: number, before?: number): boolean {
  if (after !== undefined && !(value > after)) {
    return false;
  }
  if (before !== undefined && !(value < before)) {
    return false;
  }
  return true;
}
