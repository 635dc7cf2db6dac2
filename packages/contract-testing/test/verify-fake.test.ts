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
    expect(report.totals).toEqual({ checks: 178, passed: 178, failed: 0, skipped: 0 });
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
    expect(report.totals).toEqual({ checks: 5, passed: 2, failed: 0, skipped: 3 });
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
      expect(report.requests).toBe(report.totals.checks - report.totals.skipped + 1);
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
  it('reports a refused connection as a network violation on each check', async () => {
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
    expect(report.totals.failed).toBe(2);
    for (const check of report.operations.flatMap((operation) => operation.checks)) {
      if (!check.skipped) {
        expect(check).toMatchObject({
          status: null,
          ok: false,
          violations: [{ pointer: '', keyword: 'network', expected: 'a response' }],
        });
      }
    }
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
      expect(report.operations[0]?.checks[0]?.violations).toEqual([
        {
          pointer: '',
          keyword: 'network',
          expected: 'a response',
          actual: 'no response within 200 ms',
        },
      ]);
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
