import { operations } from '@scale-contracts/validators/scale';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createScaleClient,
  InternalServerError,
  retryPolicy,
  ScaleClientError,
  type V1CreateTaskBody,
} from '../src/index.js';
import { mayRetry } from '../src/retry-policy.js';
import { json, startServer } from './support/server.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** POST /v1/task/<type>, one operation per v1 task type, as the spec lists them. */
const creations = Object.entries(
  operations as Readonly<Record<string, { method: string; path: string }>>,
)
  .filter(([, op]) => op.method === 'POST' && /^\/v1\/task\/[a-z0-9]+$/.test(op.path))
  .map(([operationId, op]) => ({ operationId, type: op.path.slice('/v1/task/'.length) }));

const task = (type: string) => ({
  task_id: '6a1f00000000000000000001',
  type,
  status: 'pending',
  created_at: '2025-01-01T00:00:00.000Z',
});

async function serverFailingFirst(status: number) {
  const server = await startServer((request, response, index) => {
    if (index === 0) {
      json(response, status, { status_code: status, error: 'Internal server error.' });
      return;
    }
    json(response, 200, task(request.url.slice('/v1/task/'.length)));
  });
  servers.push(server);
  return server;
}

const client = (baseUrl: string) =>
  createScaleClient({
    apiKey: 'test_key',
    baseUrl,
    maxRetries: 2,
    retryDelayMs: { base: 1, max: 2 },
    validate: 'strict',
    logLevel: 'off',
  });

describe('v1 task creation: one operation per type', () => {
  it('the spec has 32 creation operations, and the retry policy covers each as with-unique-id', () => {
    expect(creations).toHaveLength(32);
    for (const { operationId } of creations) {
      expect(retryPolicy[operationId]?.retry, operationId).toBe('with-unique-id');
      expect(mayRetry(operationId, 'POST', { unique_id: 'u' }), operationId).toBe(true);
      expect(mayRetry(operationId, 'POST', { attachment: 'a' }), operationId).toBe(false);
    }
    expect(retryPolicy).not.toHaveProperty('createV1Task');
  });

  it.each([
    ['categorization', { categories: ['big', 'small'], unique_id: 'u-1' }],
    ['imageannotation', { attachment: 'a.jpg', geometries: { box: {} }, unique_id: 'u-2' }],
    ['audiotranscription', { attachment: 'a.wav', unique_id: 'u-3' }],
    ['lidartopdown', { project: 'p', unique_id: 'u-4' }],
  ] as const)(
    'create(%j) posts to its own path and, with a unique_id, is retried after a 500',
    async (type, body) => {
      const server = await serverFailingFirst(500);
      const created = await client(server.url).v1.tasks.create(
        type,
        body as V1CreateTaskBody<typeof type>,
      );
      expect(created).toMatchObject({ type, status: 'pending' });
      expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
        `POST /v1/task/${type}`,
        `POST /v1/task/${type}`,
      ]);
      expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual(body);
      expect(server.requests[1]?.headers['x-retry-count']).toBe('1');
    },
  );

  it('without a unique_id a creation is sent once: the 500 is the caller’s', async () => {
    const server = await serverFailingFirst(500);
    const error = await client(server.url)
      .v1.tasks.create('categorization', { categories: ['big'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, operationId: 'createV1CategorizationTask' });
    expect(server.requests).toHaveLength(1);
  });

  it('a type outside the spec (cast past the types) fails before any request', async () => {
    const server = await serverFailingFirst(500);
    const create = client(server.url).v1.tasks.create as (
      type: string,
      body: unknown,
    ) => Promise<unknown>;
    const error = await create('painting', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScaleClientError);
    expect((error as Error).message).toBe(
      'v1.tasks.create: "painting" is not a v1 task type of the spec (V1TaskType)',
    );
    expect(server.requests).toHaveLength(0);
  });
});
