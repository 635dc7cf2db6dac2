/**
 * Small, fast, seeded randomness. Every value the mock makes (data, ids, faults) comes from a
 * generator keyed by the seed and a few integers (a stream and an index), so the same seed gives
 * the same value no matter in which order things are asked for. `Math.random` is never used.
 */

/** Mixes 32-bit integers into one well-spread 32-bit integer (murmur3's finalizer, chained). */
export function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string, as an unsigned 32-bit integer. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded generator with the few helpers the mock needs. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** `length` lowercase hex digits. */
  hex(length: number): string;
}

/** Streams: one per kind of thing, so that adding draws to one never shifts another. */
export const Stream = {
  world: 1,
  v2State: 2,
  v2Render: 3,
  v1State: 4,
  v1Render: 5,
  sgpState: 6,
  sgpRender: 7,
  fault: 8,
  latency: 9,
  ids: 10,
  truncate: 11,
} as const;

/** mulberry32 keyed by `mix(seed, ...keys)`. */
export function random(seed: number, ...keys: number[]): Random {
  let state = mix(seed, ...keys);
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p) => next() < p,
    hex: (length) => {
      let out = '';
      while (out.length < length) {
        out += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, '0');
      }
      return out.slice(0, length);
    },
  };
}

/** `length` hex digits derived from the seed and keys alone (no generator state). */
export function hexOf(length: number, seed: number, ...keys: number[]): string {
  return random(seed, Stream.ids, ...keys).hex(length);
}

/** A UUID-shaped (version 4 layout) id derived from the seed and keys. */
export function uuidOf(seed: number, ...keys: number[]): string {
  const h = hexOf(32, seed, ...keys);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Number.parseInt(h[16] ?? '0', 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
