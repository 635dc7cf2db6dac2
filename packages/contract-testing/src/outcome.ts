import type { Outcome, Report } from './types.js';

/**
 * The exit code of a run: `0` everything that ran conforms, `1` the API broke the spec, `2` the
 * run could not start, was cut short (deadline, interruption) before finding a violation, or
 * the suite crashed. A run cut short after a violation is `1`: what it found stands.
 */
export function exitCodeOf(report: Pick<Report, 'outcome' | 'totals'>): 0 | 1 | 2 {
  switch (report.outcome) {
    case 'conforms':
      return 0;
    case 'violations':
      return 1;
    case 'deadline':
    case 'interrupted':
      return report.totals.failed > 0 ? 1 : 2;
    case 'could-not-start':
    case 'suite-error':
      return 2;
    default:
      // A report built by hand, without an outcome: judged on its counts.
      return report.totals.failed > 0 ? 1 : 0;
  }
}

/** The outcomes of a run that did not run to its end. */
export const CUT_SHORT: readonly Outcome[] = ['deadline', 'interrupted', 'suite-error'];

/** Requests a full plan may send when the budget is unlimited (the mock): both APIs, writes. */
export const PLAN_REQUESTS = 400;
export const MIN_DEADLINE_MS = 60_000;
export const MAX_DEADLINE_MS = 30 * 60_000;

/**
 * The default deadline, sized for the plan: every request of the budget taking its whole
 * timeout, one after another (the suite sends one request at a time), plus the pacing between
 * them: `min(maxRequests, 400) × (timeoutMs + 1000 / requestsPerSecond)`, at least 1 minute,
 * at most 30 minutes. With the remote defaults (200 requests, 30 s, 5 a second) the cap: 30 min.
 */
export function defaultDeadlineMs(options: {
  maxRequests: number;
  timeoutMs: number;
  requestsPerSecond: number;
}): number {
  const requests = Math.min(options.maxRequests, PLAN_REQUESTS);
  const spacing = Number.isFinite(options.requestsPerSecond) ? 1000 / options.requestsPerSecond : 0;
  const sized = requests * (options.timeoutMs + spacing);
  return Math.round(Math.min(MAX_DEADLINE_MS, Math.max(MIN_DEADLINE_MS, sized)));
}

/** `500 ms`, `2 s`, `1.5 s`, `5 min`, `2 min 30 s`, `1 h 30 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 60) {
    return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  const restSeconds = Math.round(seconds - minutes * 60);
  if (minutes < 60) {
    return restSeconds === 0 ? `${minutes} min` : `${minutes} min ${restSeconds} s`;
  }
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes - hours * 60;
  return restMinutes === 0 ? `${hours} h` : `${hours} h ${restMinutes} min`;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * A duration in ms from `90s`, `5m`, `5min`, `1h30m`, `1500ms`, or a bare number of seconds
 * (`300`); undefined when it is none, or not positive.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    return ms > 0 ? ms : undefined;
  }
  if (!/^(\d+(\.\d+)?(ms|min|s|m|h))+$/.test(trimmed)) {
    return undefined;
  }
  let total = 0;
  for (const [, amount, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(ms|min|s|m|h)/g)) {
    total += Number(amount) * (UNITS[unit as string] ?? Number.NaN);
  }
  return Number.isFinite(total) && total > 0 ? Math.round(total) : undefined;
}

/** A byte count from `20971520`, `512k`, `20m` (KiB, MiB); undefined when it is none or not positive. */
export function parseBytes(text: string): number | undefined {
  const match = /^(\d+)(k|kib|m|mib)?$/i.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const unit = (match[2] ?? '').toLowerCase();
  const bytes =
    Number(match[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : 1);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}
