import { random, Stream } from './prng.js';

/** Fault injection settings: shares in [0, 1] of responses replaced by each fault. */
export interface FaultOptions {
  /** Share answered 429 (with `Retry-After`). */
  rate429?: number;
  /** `Retry-After` in seconds on a 429 (default 1). */
  retryAfterSeconds?: number;
  /** When set, a 429 also carries `retry-after-ms`. */
  retryAfterMs?: number;
  /** Share answered 500. */
  rate500?: number;
  /** Share answered 503 (SGP documents no 503: SGP paths answer 500 instead). */
  rate503?: number;
  /** Delay added to a share (`latencyRate`, default 1 when `latencyMs` is set) of responses. */
  latencyMs?: number;
  latencyRate?: number;
  /** Share whose connection is destroyed without an answer. */
  resetRate?: number;
  /** Share that gets the headers and part of the body, then a destroyed connection. */
  truncateRate?: number;
}

export type FaultKind = 'none' | '429' | '500' | '503' | 'reset' | 'truncate';

export interface FaultPlan {
  kind: FaultKind;
  /** Extra delay before answering, in milliseconds. */
  delayMs: number;
  /** For `truncate`: the share of the body sent before the cut, in [0.1, 0.9). */
  cutAt: number;
}

const KINDS = [
  ['rate429', '429'],
  ['rate500', '500'],
  ['rate503', '503'],
  ['resetRate', 'reset'],
  ['truncateRate', 'truncate'],
] as const;

const share = (name: string, value: number | undefined) => {
  if (value === undefined) {
    return 0;
  }
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`faults.${name} must be a number from 0 to 1, got ${String(value)}`);
  }
  return value;
};

/** Checks fault options; throws a RangeError naming the bad one. */
export function checkFaults(faults: FaultOptions): void {
  let total = 0;
  for (const [name] of KINDS) {
    total += share(name, faults[name]);
  }
  if (total > 1 + 1e-9) {
    throw new RangeError(
      `faults: rate429 + rate500 + rate503 + resetRate + truncateRate must be at most 1, got ${total}`,
    );
  }
  share('latencyRate', faults.latencyRate);
  for (const name of ['latencyMs', 'retryAfterSeconds', 'retryAfterMs'] as const) {
    const value = faults[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`faults.${name} must be a number of at least 0, got ${String(value)}`);
    }
  }
}

/**
 * Decides the fault of the response to request number `sequence` (0, 1, 2, ... in arrival
 * order). Each kind takes its share of [0, 1) and one seeded draw per request picks at most one,
 * independently of every other request: a retried request is just the next number, so a client
 * that retries eventually gets through, and the same seed gives the same sequence of faults.
 */
export function createFaultPlanner(seed: number, faults: FaultOptions) {
  checkFaults(faults);
  const latencyMs = faults.latencyMs ?? 0;
  const latencyRate = faults.latencyRate ?? (latencyMs > 0 ? 1 : 0);
  return (sequence: number): FaultPlan => {
    const draw = random(seed, Stream.fault, sequence).next();
    let kind: FaultKind = 'none';
    let edge = 0;
    for (const [name, fault] of KINDS) {
      edge += faults[name] ?? 0;
      if (draw < edge) {
        kind = fault;
        break;
      }
    }
    const latency = random(seed, Stream.latency, sequence);
    return {
      kind,
      delayMs: latencyMs > 0 && latency.next() < latencyRate ? latencyMs : 0,
      cutAt: 0.1 + 0.8 * latency.next(),
    };
  };
}
