import type { Exchange } from './session.js';
import type { Violation } from './types.js';
import { showValue } from './violations.js';

/** Reading the bodies the plans chain from: tolerant of anything a drifting server sends. */
export type Json = Record<string, unknown>;

export const objectOf = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;

/** The objects in `exchange.body[key]` (none when it is no array). */
export const listOf = (exchange: Exchange | undefined, key: string): Json[] => {
  const value = objectOf(exchange?.body)?.[key];
  return Array.isArray(value) ? (value.map(objectOf).filter(Boolean) as Json[]) : [];
};

export const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The cursor of a page when the response was a success, else undefined. */
export const cursorOf = (exchange: Exchange | undefined): string | undefined =>
  exchange && exchange.status < 300 ? stringOf(objectOf(exchange.body)?.next_token) : undefined;

/** An id or name field of a (possibly expanded) reference: `"p_1"` or `{ id: "p_1" }`. */
export const refOf = (value: unknown, key = 'id'): string | undefined =>
  stringOf(value) ?? stringOf(objectOf(value)?.[key]);

/** An id no server has: it names the run, so a log shows where it came from. */
export const missing = (runId: string, what: string) => `scale-contracts-missing-${what}-${runId}`;

export const none = (what: string) => `no ${what} to chain from`;

export const WRITES_OFF = 'writes not allowed (allowWrites / --allow-writes)';

/** A cursor no server hands out: bytes that are neither base64 nor an id. */
export const MALFORMED_TOKEN = '%%not-a-cursor%%';

/**
 * Every object found under a key named `key` (an array of objects) anywhere in `value`,
 * depth first, in document order: e.g. every annotation of a task (`annotations`), every
 * attachment of a free-form response (`attachments`).
 */
export function collect(value: unknown, key: string, found: Json[] = []): Json[] {
  if (Array.isArray(value)) {
    for (const item of value) {
      collect(item, key, found);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      if (name === key && Array.isArray(item)) {
        found.push(...(item.map(objectOf).filter(Boolean) as Json[]));
      }
      collect(item, key, found);
    }
  }
  return found;
}

/** A violation of what the server must have done, at `pointer` of the body. */
export function stateViolation(pointer: string, expected: string, actual: unknown): Violation {
  return {
    pointer,
    keyword: 'state',
    expected,
    actual: actual === undefined ? '(absent)' : showValue(actual),
  };
}
