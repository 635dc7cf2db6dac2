import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Report, VerifyUsageError, verify } from '../src/index.js';
import type { Drift } from './support/drift-proxy.js';
import { startDriftProxy } from './support/drift-proxy.js';
import { startFakeApi } from './support/fake-api.js';

const keys = { scaleApiKey: 'fake_scale_key_0123', sgpApiKey: 'fake_sgp_key_4567' };
let fake: Awaited<ReturnType<typeof startFakeApi>>;
beforeAll(async () => {
  fake = await startFakeApi({ scaleKey: keys.scaleApiKey, sgpKey: keys.sgpApiKey });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const unlimited = { requestsPerSecond: Number.POSITIVE_INFINITY };
const checksOf = (report: Report, operationId: string) =>
  report.operations.find((operation) => operation.operationId === operationId)?.checks ?? [];

describe('verify against a team’s own fake', () => {
  it('passes every check, writes included', async () => {
    const report = await verify({
      baseUrl: fake.url,
      ...keys,
      ...unlimited,
      evaluationIds: fake.evaluationIds,
      allowWrites: true,
    });
    expect(
      report.operations.flatMap((operation) => operation.checks.filter((check) => !check.ok)),
    ).toEqual([]);
    // The skips are what the fake's data has nothing of: no v1 tags or unique_ids, no
    // attachments or model messages, no completed batch or v1 task to build a window around.
    // And the keyless refusals of the v1 types the run does not create (no positive control).
    expect(report.totals).toEqual({
      checks: 308,
      passed: 263,
      failed: 0,
      skipped: 45,
      notCounted: 31,
    });
    expect(
      report.operations.flatMap((operation) =>
        operation.checks.flatMap((check) => (check.skipped ? [check.skipped] : [])),
      ),
    ).toEqual(
      expect.arrayContaining([expect.stringMatching(/^no .+ to (chain from|judge .+ by)$/)]),
    );
    expect(report.mock).toBe(false);
  });

  it('reads the keys from SCALE_API_KEY and SGP_API_KEY', async () => {
    vi.stubEnv('SCALE_API_KEY', keys.scaleApiKey);
    vi.stubEnv('SGP_API_KEY', keys.sgpApiKey);
    const report = await verify({
      baseUrl: fake.url,
      ...unlimited,
      evaluationIds: fake.evaluationIds,
    });
    expect(report.totals.failed).toBe(0);
  });

  it('skips the SGP evaluation checks when no evaluation id is given, saying how to give one', async () => {
    const report = await verify({ baseUrl: fake.url, api: 'sgp', ...keys, ...unlimited });
    // The two "refused with 401" checks pass but are not counted: with no evaluation, no
    // positive check of their operations runs (they once counted as 2 passed).
    expect(report.totals).toEqual({ checks: 5, passed: 0, failed: 0, skipped: 5, notCounted: 2 });
    expect(report.outcome).toBe('conforms');
    expect(checksOf(report, 'updateEvaluationTask')[0]?.skipped).toMatch(
      /pass evaluationIds \/ --evaluation-id/,
    );
  });

  it('sends SGP requests to api.egp.scale.com when the base URL is api.scale.com, through the given fetch', async () => {
    const seen: string[] = [];
    // A fetch that records each URL and delivers it to the fake (no request leaves this machine).
    const toFake = (url: string) => url.replace(/^https:\/\/api(\.egp)?\.scale\.com/, fake.url);
    const report = await verify({
      baseUrl: 'https://api.scale.com',
      api: 'all',
      ...keys,
      ...unlimited,
      maxRequests: 400,
      evaluationIds: fake.evaluationIds,
      fetch: (url, init) => {
        seen.push(url);
        return fetch(toFake(url), init);
      },
    });
    expect(report).toMatchObject({
      baseUrl: 'https://api.scale.com',
      sgpBaseUrl: 'https://api.egp.scale.com',
    });
    expect(
      seen
        .filter((url) => url.includes('/v4/'))
        .every((url) => url.startsWith('https://api.egp.scale.com/v4/')),
    ).toBe(true);
    expect(
      seen
        .filter((url) => url.includes('/v2/'))
        .every((url) => url.startsWith('https://api.scale.com/v2/')),
    ).toBe(true);
    expect(seen.some((url) => url.includes('/v4/'))).toBe(true);
    expect(report.totals.failed).toBe(0);
  });

  it('waits out a 429 (Retry-After) and tries again', async () => {
    let limited = 0;
    const rateLimit: Drift = (request) => {
      if (request.path === '/v2/projects' && request.headers.authorization && limited === 0) {
        limited += 1;
        return {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '0' },
          body: JSON.stringify({ status_code: 429, error: 'Too many requests.' }),
        };
      }
      return undefined;
    };
    const proxy = await startDriftProxy(fake.url, rateLimit);
    try {
      const report = await verify({ baseUrl: proxy.url, api: 'scale', ...keys, ...unlimited });
      expect(limited).toBe(1);
      expect(report.totals.failed).toBe(0);
      // One request more than a run without the 429: the retry.
      const clean = await verify({ baseUrl: fake.url, api: 'scale', ...keys, ...unlimited });
      expect(report.requests).toBe(clean.requests + 1);
    } finally {
      await proxy.close();
    }
  });

  it('judges a redirect instead of following it (the key stays home)', async () => {
    const redirect: Drift = (request) =>
      request.path === '/v2/project'
        ? {
            status: 302,
            headers: { location: 'http://127.0.0.1:9/elsewhere', 'content-type': 'text/plain' },
            body: '',
          }
        : undefined;
    const proxy = await startDriftProxy(fake.url, redirect);
    try {
      const report = await verify({ baseUrl: proxy.url, api: 'scale', ...keys, ...unlimited });
      expect(checksOf(report, 'getProject')[0]).toMatchObject({
        name: 'by project_id',
        status: 302,
        ok: false,
        violations: [{ pointer: '', keyword: 'status', actual: '302' }],
      });
    } finally {
      await proxy.close();
    }
  });
});

describe('verify when the server does not answer', () => {
  // Once, each check was a network violation (exit 1, "the API broke the spec"); now the
  // preflight says why the run cannot start, and no check runs.
  it('a refused connection: the run cannot start, no check runs', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const report = await verify({
      baseUrl: `http://127.0.0.1:${port}`,
      api: 'sgp',
      ...keys,
      ...unlimited,
    });
    expect(report).toMatchObject({
      outcome: 'could-not-start',
      cause: `cannot connect to the SGP API at 127.0.0.1:${port}: connection refused (is --base-url http://127.0.0.1:${port} right, and the server up?)`,
      operations: [],
      totals: { checks: 0, passed: 0, failed: 0, skipped: 0 },
      preflight: [
        {
          api: 'sgp',
          request: expect.stringMatching(
            /^PATCH \/v4\/evaluations\/scale-contracts-preflight-[0-9a-f]{8}\/tasks\/batch-assign$/,
          ),
          status: null,
          ok: false,
        },
      ],
    });
  });

  it('gives up on a request after timeoutMs', async () => {
    const server = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const report = await verify({
        baseUrl: `http://127.0.0.1:${port}`,
        api: 'sgp',
        ...keys,
        ...unlimited,
        timeoutMs: 200,
        maxRequests: 1,
      });
      // The first request is the preflight's: its timeout is why the run cannot start.
      expect(report.outcome).toBe('could-not-start');
      expect(report.cause).toBe(
        `timeout: the SGP API at 127.0.0.1:${port} did not answer PATCH ${report.preflight?.[0]?.request.slice('PATCH '.length)} within 200 ms (--timeout-ms)`,
      );
      expect(report.requests).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('verify refuses options it cannot run with', () => {
  it.each([
    [
      'no Scale key',
      { baseUrl: 'http://127.0.0.1:1', api: 'scale' },
      /no Scale API key: pass scaleApiKey \(--scale-key\) or set SCALE_API_KEY/,
    ],
    ['no SGP key', { baseUrl: 'http://127.0.0.1:1', api: 'sgp' }, /no SGP API key/],
    ['an unknown API', { api: 'v3' }, /api must be scale, sgp or all/],
    [
      'a base URL that is not one',
      { baseUrl: 'api.scale.com', ...keys },
      /baseUrl is not a URL: api.scale.com/,
    ],
    ['a zero rate', { requestsPerSecond: 0 }, /requestsPerSecond must be a positive number/],
    ['a fractional budget', { maxRequests: 1.5 }, /maxRequests must be a positive integer/],
  ])('%s', async (_name, options, message) => {
    vi.stubEnv('SCALE_API_KEY', '');
    vi.stubEnv('SGP_API_KEY', '');
    const attempt = verify(options as never);
    await expect(attempt).rejects.toThrow(VerifyUsageError);
    await expect(attempt).rejects.toThrow(message);
  });
});
