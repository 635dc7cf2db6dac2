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
    /**
     * Legacy offset paging (v1 `offset`): start at this position instead of a token's. An
     * offset past the end gives an empty last page. Not combinable with `token`.
     */
    offset?: number;
    build: () => number[];
  }): Page {
    const hash = filtersHash(args.operationId, args.filters);
    let offset = 0;
    if (args.token !== undefined && args.offset !== undefined) {
      throw badRequest(
        '/query/offset: not combinable with next_token (two start positions); page with one of them',
      );
    }
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
    if (args.token !== undefined && offset > list.length) {
      throw badRequest('next_token: points past the end of the listing');
    }
    if (args.offset !== undefined) {
      // Echoed as given; past the end, the page is empty and the last one.
      offset = args.offset;
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

/**
 * The ISO 8601 date-times `RequestDateTime` allows: a date, `T`/`t`/space, a time with optional
 * fractional seconds of any length, and `Z`/`z`, an offset with or without a colon (or hours
 * only), or nothing.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const MINUTE = 60_000;

const daysIn = (year: number, month: number) =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/**
 * Milliseconds since the epoch of a `RequestDateTime` query value, or undefined when the
 * parameter is absent. Exactly the forms the official clients send: `Z`, `+HH:MM` and `+HHMM`
 * offsets, fractional seconds of any length (kept below the millisecond: `.678001` is after
 * `.678`), and no offset at all, which is UTC (Python renders naive times that way; `Date.parse`
 * would take them as local time). A value that is not a calendar date or time (February 30,
 * minute 61, an offset over 23:59, a leap second anywhere but 23:59:60 UTC) is a 400 naming the
 * parameter; `Date.parse` would roll it over silently.
 */
export function instant(value: unknown, name?: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const where = name === undefined ? 'a date-time query parameter' : `/query/${name}`;
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!match) {
    throw badRequest(
      `${where}: ${JSON.stringify(value)} is not an ISO 8601 date-time (e.g. 2025-01-01T00:00:00Z)`,
    );
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = match[7] ?? '';
  const sign = match[9] === '-' ? -1 : 1;
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  const invalid = (what: string) =>
    badRequest(`${where}: ${JSON.stringify(value)} is not a valid date-time (${what})`);
  if (month < 1 || month > 12) {
    throw invalid(`month ${month}`);
  }
  if (day < 1 || day > daysIn(year, month)) {
    throw invalid(`${year}-${String(month).padStart(2, '0')} has ${daysIn(year, month)} days`);
  }
  if (hour > 23 || minute > 59 || second > 60) {
    throw invalid('time of day out of range');
  }
  if (offsetHours > 23 || offsetMinutes > 59) {
    throw invalid('offset out of range');
  }
  const offset = sign * (offsetHours * 60 + offsetMinutes) * MINUTE;
  // Seconds 0-59 first; a leap second (:60) is only valid as the last second of a UTC day.
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  const base = date.getTime() - offset;
  if (second === 60) {
    const utc = new Date(base);
    if (utc.getUTCHours() !== 23 || utc.getUTCMinutes() !== 59) {
      throw invalid('a leap second is only 23:59:60 UTC');
    }
  }
  const seconds = second === 60 ? 1 : 0;
  // `Number('0.' + digits)` keeps the fraction's value whatever its length.
  return base + seconds * 1000 + (fraction === '' ? 0 : Number(`0.${fraction}`) * 1000);
}

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
