import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultDeadlineMs,
  exitCodeOf,
  type ProgressEvent,
  type Report,
  VerifyUsageError,
  verify,
} from '../src/index.js';
import { formatDuration, parseBytes, parseDuration } from '../src/outcome.js';
import { type Drift, startDriftProxy } from './support/drift-proxy.js';

const keys = { scale: 'outcomes_test_scale_key_0123', sgp: 'outcomes_test_sgp_key_4567' };
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ apiKeys: keys });
});
afterAll(async () => {
  await mock.close();
});

const options = (baseUrl: string) => ({
  baseUrl,
  scaleApiKey: keys.scale,
  sgpApiKey: keys.sgp,
  evaluationIds: mock.fixtures.evaluationIds.slice(0, 1),
  requestsPerSecond: Number.POSITIVE_INFINITY,
});
const checks = (report: Report) =>
  report.operations.flatMap((operation) =>
    operation.checks.map((check) => ({ operationId: operation.operationId, ...check })),
  );

describe('positive controls', () => {
  it('a key refused after the preflight: no 401 counts as a refusal of an invalid request', async () => {
    // The key works for GET /v2/projects (the preflight, and list projects) and nothing else:
    // what a key revoked mid-run, or a key without the rights, looks like.
    const revoked: Drift = (request) =>
      request.headers.authorization && request.path !== '/v2/projects'
        ? {
            status: 401,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ status_code: 401, error: 'Unauthorized.' }),
          }
        : undefined;
    const proxy = await startDriftProxy(mock.url, revoked);
    try {
      const report = await verify({ ...options(proxy.url), api: 'scale' });
      const all = checks(report);
      const notCounted = all.filter((check) => check.skipped?.startsWith('no positive control'));
      // The old report counted these as passed: each got a documented 4xx, a 401.
      expect(notCounted.length).toBeGreaterThan(15);
      for (const check of notCounted) {
        expect(check.skipped).toBe(`no positive control passed for ${check.operationId}`);
        expect(check.status).toBe(401);
        expect(check.ok).toBe(true);
      }
      expect(report.totals.notCounted).toBe(notCounted.length);
      // What passed is only what the key could do: getProjects, where list projects passed.
      expect([
        ...new Set(all.filter((check) => check.ok && !check.skipped).map((c) => c.operationId)),
      ]).toEqual(['getProjects']);
      expect(report.totals.passed).toBe(all.filter((check) => check.ok && !check.skipped).length);
      expect(report.totals.passed + report.totals.failed + report.totals.skipped).toBe(
        report.totals.checks,
      );
      expect(report.outcome).toBe('violations');
      expect(exitCodeOf(report)).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a negative check whose operation had a passing positive check counts', async () => {
    const report = await verify({ ...options(mock.url), api: 'scale' });
    const getTasks = checks(report).filter((check) => check.operationId === 'getTasks');
    expect(getTasks.some((check) => check.name.startsWith('limit=0') && !check.skipped)).toBe(true);
    expect(report.outcome).toBe('conforms');
    expect(exitCodeOf(report)).toBe(0);
  });
});

describe('no request can stall a run', () => {
  it.each([
    {
      name: 'a body that never ends (and ignores the abort, as undici’s did mid-inflate)',
      respond: async () =>
        new Response(
          new ReadableStream({
            pull: () => new Promise<void>(() => {}),
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        ),
      actual: 'no complete response within 300 ms (0 bytes of the body read)',
    },
    {
      name: 'a fetch that never settles (and ignores the abort)',
      respond: () => new Promise<Response>(() => {}),
      actual: 'no response within 300 ms',
    },
  ])('$name: the check is a network violation and verify returns', async ({ respond, actual }) => {
    const report = await verify({
      ...options(mock.url),
      api: 'scale',
      timeoutMs: 300,
      fetch: (url, init) => (url.includes('/v2/project?') ? respond() : fetch(url, init)),
    });
    const getProject = checks(report).filter((check) => check.operationId === 'getProject');
    expect(getProject[0]).toMatchObject({
      ok: false,
      status: null,
      violations: [{ pointer: '', keyword: 'network', expected: 'a response', actual }],
    });
    expect(report.outcome).toBe('violations');
  });
});

describe('interrupted and crashed runs', () => {
  it('an abort mid-run: the checks done so far, the rest not run; exit 2 without a violation', async () => {
    const controller = new AbortController();
    let done = 0;
    const report = await verify({
      ...options(mock.url),
      signal: controller.signal,
      onProgress: (event: ProgressEvent) => {
        if (event.kind === 'check' && !event.check.skipped && ++done === 10) {
          controller.abort('SIGTERM');
        }
      },
    });
    expect(report.outcome).toBe('interrupted');
    expect(report.cause).toBe('interrupted (SIGTERM)');
    expect(report.totals.passed).toBeGreaterThanOrEqual(5);
    expect(report.totals.notRun).toBeGreaterThan(100);
    expect(exitCodeOf(report)).toBe(2);
    const notRun = checks(report).filter((check) => check.skipped?.startsWith('not run'));
    expect(new Set(notRun.map((check) => check.skipped))).toEqual(
      new Set(['not run: interrupted (SIGTERM)']),
    );
  });

  it('an abort after a violation: exit 1 (what was found stands)', async () => {
    const drift: Drift = (request, response) =>
      request.path === '/v2/projects' && request.headers.authorization === undefined
        ? { ...response, status: 200, body: '{"projects":[]}' }
        : undefined;
    const proxy = await startDriftProxy(mock.url, drift);
    const controller = new AbortController();
    try {
      const report = await verify({
        ...options(proxy.url),
        signal: controller.signal,
        onProgress: (event) => {
          if (event.kind === 'check' && !event.check.ok) {
            controller.abort('SIGINT');
          }
        },
      });
      expect(report.outcome).toBe('interrupted');
      expect(report.totals.failed).toBe(1);
      expect(exitCodeOf(report)).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a crash in the suite: suite-error, the error’s first line, the checks before it kept', async () => {
    let seen = 0;
    const report = await verify({
      ...options(mock.url),
      api: 'scale',
      onProgress: (event) => {
        if (event.kind === 'check' && ++seen === 8) {
          throw new TypeError('boom\nat the second line');
        }
      },
    });
    expect(report.outcome).toBe('suite-error');
    expect(report.cause).toMatch(
      /^the suite crashed: TypeError: boom \(last check started: [A-Za-z0-9]+: .+\)$/,
    );
    expect(report.totals.checks).toBe(8);
    expect(exitCodeOf(report)).toBe(2);
  });
});

describe('exit codes, durations, sizes', () => {
  const totals = (failed: number) => ({ checks: 3, passed: 3 - failed, failed, skipped: 0 });
  it.each([
    ['conforms', 0, 0],
    ['violations', 1, 1],
    ['could-not-start', 0, 2],
    ['deadline', 0, 2],
    ['deadline', 1, 1],
    ['interrupted', 0, 2],
    ['interrupted', 2, 1],
    ['suite-error', 1, 2],
    [undefined, 0, 0],
    [undefined, 1, 1],
  ] as const)('%s with %i failed → exit %i', (outcome, failed, code) => {
    expect(exitCodeOf({ outcome, totals: totals(failed) })).toBe(code);
  });

  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['5min', 300_000],
    ['1h30m', 5_400_000],
    ['1500ms', 1500],
    ['300', 300_000],
    ['0.5s', 500],
    ['0', undefined],
    ['soon', undefined],
    ['5 m', undefined],
    ['-1s', undefined],
  ])('parseDuration(%j) = %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['20971520', 20_971_520],
    ['20m', 20_971_520],
    ['512k', 524_288],
    ['0', undefined],
    ['1.5m', undefined],
    ['lots', undefined],
  ])('parseBytes(%j) = %j', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each([
    [{ maxRequests: 200, timeoutMs: 30_000, requestsPerSecond: 5 }, 30 * 60_000],
    [
      {
        maxRequests: Number.POSITIVE_INFINITY,
        timeoutMs: 30_000,
        requestsPerSecond: Number.POSITIVE_INFINITY,
      },
      30 * 60_000,
    ],
    [{ maxRequests: 100, timeoutMs: 5000, requestsPerSecond: 10 }, 510_000],
    [{ maxRequests: 10, timeoutMs: 1000, requestsPerSecond: 100 }, 60_000],
  ])('defaultDeadlineMs(%j) = %i', (input, ms) => {
    expect(defaultDeadlineMs(input)).toBe(ms);
  });

  it.each([
    [500, '500 ms'],
    [2000, '2 s'],
    [1500, '1.5 s'],
    [300_000, '5 min'],
    [150_000, '2 min 30 s'],
    [5_400_000, '1 h 30 min'],
  ])('formatDuration(%i) = %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [{ deadlineMs: 0 }, /deadlineMs must be a positive number/],
    [{ maxBodyBytes: 1.5 }, /maxBodyBytes must be a positive integer/],
  ])('refuses %j', async (bad, message) => {
    await expect(verify({ ...options(mock.url), ...bad })).rejects.toThrow(VerifyUsageError);
    await expect(verify({ ...options(mock.url), ...bad })).rejects.toThrow(message);
  });
});
