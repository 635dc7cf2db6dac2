import { operations as scaleOperations } from '@scale-contracts/validators/scale';
import { operations as sgpOperations } from '@scale-contracts/validators/sgp';
import { describe, expect, it } from 'vitest';
import { createScaleClient, retryPolicy } from '../src/index.js';
import { retryAfterMs } from '../src/transport.js';

// Unit tests of the retry schedule, with an injected fetch (no server needed to count delays).

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '150' }, 150],
    [{ 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    [{ 'retry-after': 'Sun, 22 Nov 2026 12:00:03 GMT' }, 3000],
    [{ 'retry-after': 'Sun, 22 Nov 2026 11:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j -> %s ms', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});

describe('backoff', () => {
  function flakyFetch(statuses: number[], headers: Record<string, string> = {}) {
    let calls = 0;
    const fetch = async () => {
      const status = statuses[Math.min(calls, statuses.length - 1)] ?? 200;
      calls += 1;
      return new Response(JSON.stringify(status === 200 ? { projects: [] } : { error: 'x' }), {
        status,
        headers: { 'content-type': 'application/json', ...headers },
      });
    };
    return { fetch, calls: () => calls };
  }

  it('doubles from the base delay, capped, with up to 25 % jitter taken off', async () => {
    const delays: number[] = [];
    const { fetch } = flakyFetch([500, 500, 500, 500, 200]);
    const client = createScaleClient({
      apiKey: 'k_123456',
      baseUrl: 'https://api.example.test',
      fetch,
      maxRetries: 4,
      timeoutMs: 30_000,
      retryDelayMs: { base: 100, max: 300 },
      logLevel: 'off',
    });
    const realSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(callback, 0);
    }) as typeof setTimeout;
    try {
      await client.projects.list();
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    const backoff = delays.filter((ms) => ms !== 30_000); // each attempt's own timeout timer aside
    expect(backoff).toHaveLength(4);
    const caps = [100, 200, 300, 300];
    backoff.forEach((ms, index) => {
      expect(ms).toBeLessThanOrEqual(caps[index] as number);
      expect(ms).toBeGreaterThanOrEqual((caps[index] as number) * 0.75);
    });
  });

  it('uses the server’s delay when it is sane, and backoff when it asks for over a minute', async () => {
    const { fetch, calls } = flakyFetch([429, 200], { 'retry-after': '3600' });
    const client = createScaleClient({
      apiKey: 'k_123456',
      baseUrl: 'https://api.example.test',
      fetch,
      retryDelayMs: { base: 1, max: 2 },
      logLevel: 'off',
    });
    const started = Date.now();
    await client.projects.list();
    expect(calls()).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('retry policy', () => {
  it('names every operation of both APIs, and never retries claiming or auditing', () => {
    // Set-wise rather than a count, so that the failure names what is missing or stale.
    const specified = [...Object.keys(scaleOperations), ...Object.keys(sgpOperations)];
    expect(specified.filter((operationId) => !(operationId in retryPolicy))).toEqual([]);
    expect(
      Object.keys(retryPolicy).filter((operationId) => !specified.includes(operationId)),
    ).toEqual([]);
    expect(retryPolicy.claimEvaluationTask?.retry).toBe('never');
    expect(retryPolicy.auditV1Task?.retry).toBe('never');
    expect(retryPolicy.createChatTask?.retry).toBe('with-unique-id');
    expect(retryPolicy.getTasks?.retry).toBe('always');
  });

  it('retries every new v2 operation, each with its reason', () => {
    const added = [
      'createBatch',
      'finalizeBatch',
      'pauseBatch',
      'resumeBatch',
      'cancelBatch',
      'setBatchMetadata',
      'getAnnotation',
      'getDatasets',
      'getDatasetDeliveries',
      'getDatasetDelivery',
      'getDatasetTasks',
      'getDatasetTask',
      'getDatasetTaskResponseUrl',
      'getSchema',
    ];
    for (const operationId of added) {
      expect(scaleOperations, operationId).toHaveProperty(operationId);
      expect(retryPolicy[operationId]?.retry, operationId).toBe('always');
      expect(retryPolicy[operationId]?.why, operationId).toMatch(/\w/);
    }
    expect(retryPolicy.createBatch?.why).toMatch(/409/);
    expect(retryPolicy.pauseBatch?.why).toMatch(/400/);
  });
});
