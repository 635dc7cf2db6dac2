import { AuthenticationError } from '@scale-contracts/client';
import { RequestDateTime, validateResponse } from '@scale-contracts/validators/scale';
import { describe, expect, it } from 'vitest';
import { keysMatch, scaleKeyOf } from '../src/auth.js';
import { startMockServer } from '../src/index.js';
import { coerceQuery } from '../src/query.js';
import { clients, qs, scaleFetch, serve, sgpFetch } from './support.js';

const basic = (user: string, password = '') =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('authentication', () => {
  it.each([
    ['Bearer with the key', 200, (key: string) => `Bearer ${key}`],
    ['Basic with the key as user name', 200, (key: string) => basic(key)],
    ['lower-case bearer', 200, (key: string) => `bearer ${key}`],
    [
      'Bearer with a wrong key of the same length',
      401,
      (key: string) => `Bearer ${'x'.repeat(key.length)}`,
    ],
    ['Bearer with a prefix of the key', 401, (key: string) => `Bearer ${key.slice(0, -1)}`],
    ['Bearer with the key and more', 401, (key: string) => `Bearer ${key}x`],
    ['Basic with the key as password', 401, (key: string) => basic('', key)],
    ['Basic without a colon', 401, (key: string) => `Basic ${Buffer.from(key).toString('base64')}`],
    ['another scheme', 401, (key: string) => `Token ${key}`],
    ['no Authorization header', 401, () => undefined],
  ])('Scale: %s answers %i', async (_name, status, header) => {
    const server = await serve();
    const value = header(server.apiKeys.scale);
    const answer = await scaleFetch(server, '/v2/projects', { headers: { authorization: value } });
    expect(answer.status).toBe(status);
    if (status === 401) {
      expect(answer.body).toEqual({
        status_code: 401,
        error: 'Unauthorized. Please provide a valid API key.',
      });
    }
  });

  it.each([
    ['the key', 200, (key: string) => ({ 'x-api-key': key })],
    ['a wrong key', 401, () => ({ 'x-api-key': 'test_mock_sgp_kez' })],
    ['the Scale key', 401, (_key: string, scaleKey: string) => ({ 'x-api-key': scaleKey })],
    [
      'a Bearer header instead',
      401,
      (key: string) => ({ 'x-api-key': undefined, authorization: `Bearer ${key}` }),
    ],
  ])('SGP: x-api-key with %s answers %i', async (_name, status, headers) => {
    const server = await serve();
    const answer = await sgpFetch(
      server,
      `/v4/evaluations/${server.fixtures.evaluationIds[0]}/claim-task`,
      {
        method: 'POST',
        headers: headers(server.apiKeys.sgp, server.apiKeys.scale),
      },
    );
    expect(answer.status).toBe(status);
    if (status === 401) {
      expect(answer.body).toEqual({ detail: 'Invalid API key.' });
    }
  });

  it('accepts the keys it was given, and the real client reports a wrong one', async () => {
    const server = await serve({ apiKeys: { scale: 'test_custom', sgp: 'test_custom_sgp' } });
    expect(server.apiKeys).toEqual({ scale: 'test_custom', sgp: 'test_custom_sgp' });
    const { scale } = clients(server);
    expect(await scale.projects.list()).toHaveLength(3);
    const wrong = clients({ ...server, apiKeys: { scale: 'test_mock_scale_key', sgp: 'x' } });
    const error = await wrong.scale.projects.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    await expect(
      wrong.sgp.evaluations.tasks.claim(server.fixtures.evaluationIds[0] as string),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it.each([
    ['the same key', 'test_mock_scale_key', 'test_mock_scale_key', true],
    ['another key of the same length', 'test_mock_scale_kez', 'test_mock_scale_key', false],
    [
      'a shorter key (no throw: both sides are hashed to 32 bytes first)',
      'test',
      'test_mock_scale_key',
      false,
    ],
    ['a much longer key', 'test_mock_scale_key'.repeat(50), 'test_mock_scale_key', false],
    ['no key', undefined, 'test_mock_scale_key', false],
    ['an empty key', '', 'test_mock_scale_key', false],
  ])('keysMatch: %s', (_name, given, expected, match) => {
    expect(keysMatch(given, expected)).toBe(match);
  });

  it.each([
    ['Bearer abc', 'abc'],
    [basic('abc'), 'abc'],
    [basic('abc', 'pw'), 'abc'],
    ['Bearer', undefined],
    ['Digest abc', undefined],
    [undefined, undefined],
  ])('scaleKeyOf(%s) is %s', (header, key) => {
    expect(scaleKeyOf(header)).toBe(key);
  });
});

describe('requests', () => {
  it.each([
    ['an integer', 'limit=5', { limit: 5 }],
    ['a non-integer stays a string', 'limit=five', { limit: 'five' }],
    [
      'a boolean',
      'limited_response=true&include_attachment_url=false',
      { limited_response: true, include_attachment_url: false },
    ],
    ['a bad boolean stays a string', 'limited_response=yes', { limited_response: 'yes' }],
    ['one value of an array', 'tags=a', { tags: ['a'] }],
    ['repeated keys of an array', 'tags=a&tags=b', { tags: ['a', 'b'] }],
    ['repeated keys of a scalar stay a list', 'limit=1&limit=2', { limit: [1, 2] }],
    ['an unknown key stays a string', 'other=1', { other: '1' }],
  ])('coerceQuery: %s', async (_name, query, expected) => {
    const { operations } = await import('@scale-contracts/validators/scale');
    expect(
      coerceQuery(operations.listV1Tasks.request.query as never, new URLSearchParams(query)),
    ).toEqual(expected);
  });

  it.each([
    ['a repeated scalar', '/v1/tasks?limit=1&limit=2', '/query/limit: must be integer'],
    ['a bad boolean', '/v1/tasks?limited_response=yes', '/query/limited_response: must be boolean'],
    [
      'a bad enum',
      '/v2/tasks?project_name=x&opts=everything',
      '/query/opts/0: must be equal to one of the allowed values',
    ],
    [
      'a bad date',
      '/v1/tasks?start_time=2025-13-01',
      // RequestDateTime: an ISO 8601 pattern (calendar checks come after, in the handler).
      `/query/start_time: must match pattern "${(RequestDateTime as { pattern?: string }).pattern}"`,
    ],
  ])('answers %s with 400 naming the pointer', async (_name, path, error) => {
    const server = await serve();
    expect((await scaleFetch(server, path)).body).toEqual({ status_code: 400, error });
  });

  it('answers 400 for a body that is not JSON or not declared JSON, and for a missing body', async () => {
    const server = await serve();
    const id = server.fixtures.v1TaskIds[0] as string;
    const text = await scaleFetch(server, `/v1/task/${id}/tags`, {
      method: 'POST',
      body: '["a"]',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.body).toEqual({
      status_code: 400,
      error:
        '/body: content type text/plain is not accepted by replaceV1TaskTags (accepted: application/json)',
    });
    const broken = await scaleFetch(server, `/v1/task/${id}/tags`, {
      method: 'POST',
      body: '["a"',
    });
    expect(broken.body).toEqual({ status_code: 400, error: '/body: not valid JSON' });
    const missing = await scaleFetch(server, `/v1/task/${id}/tags`, { method: 'POST' });
    expect(missing.body).toEqual({
      status_code: 400,
      error: '/body: replaceV1TaskTags requires a request body',
    });
    const sgpBroken = await sgpFetch(
      server,
      `/v4/evaluations/${server.fixtures.evaluationIds[0]}/tasks/batch-assign`,
      { method: 'PATCH', body: '{' },
    );
    expect(sgpBroken).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] },
    });
  });

  it.each([
    ['/v2/nothing', { status_code: 404, error: 'No operation GET /v2/nothing in the spec.' }],
    ['/v3/tasks', { status_code: 404, error: 'No operation GET /v3/tasks in the spec.' }],
    ['/v4/evaluations', { detail: 'No operation GET /v4/evaluations in the spec.' }],
  ])(
    "answers a path outside the spec (%s) with 404 in that API's error shape",
    async (path, body) => {
      const server = await serve();
      expect(await scaleFetch(server, path)).toMatchObject({ status: 404, body });
    },
  );
});

describe('test mode', () => {
  it('answers 500 for a response that breaks the spec and records the violation', async () => {
    const server = await serve({
      tamper: (operationId, reply) =>
        operationId === 'getProject'
          ? {
              ...reply,
              body: { ...(reply.body as object), name: undefined, created_at: 'yesterday' },
            }
          : reply,
    });
    const answer = await scaleFetch(server, '/v2/project?project_name=mock-chat-sft');
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      status_code: 500,
      error:
        'mock response broke the spec: getProject 200: /name must be string; /created_at must match format "date-time"',
    });
    expect(server.violations).toEqual([
      {
        operationId: 'getProject',
        status: 200,
        issues: [
          { path: '/name', keyword: 'type', message: 'must be string' },
          { path: '/created_at', keyword: 'format', message: 'must match format "date-time"' },
        ],
      },
    ]);
    expect(validateResponse('getProject', 500, answer.body).valid).toBe(true);
    // The rest of the server is unaffected.
    expect((await scaleFetch(server, '/v2/projects')).status).toBe(200);
  });

  it('catches an undocumented status and an SGP body of the wrong shape', async () => {
    const server = await serve({
      tamper: (operationId, reply) => {
        if (operationId === 'getProjects') {
          return { ...reply, status: 418 };
        }
        if (operationId === 'claimEvaluationTask') {
          return {
            ...reply,
            body: {
              ...(reply.body as object),
              task_entity: { test_case_evaluation_data_schema: 'OTHER' },
            },
          };
        }
        return reply;
      },
    });
    expect((await scaleFetch(server, '/v2/projects')).status).toBe(500);
    const claim = await sgpFetch(
      server,
      `/v4/evaluations/${server.fixtures.evaluationIds[0]}/claim-task`,
      { method: 'POST' },
    );
    expect(claim).toMatchObject({
      status: 500,
      body: {
        detail: expect.stringMatching(/^mock response broke the spec: claimEvaluationTask 200: /),
      },
    });
    expect(
      server.violations.map((violation) => [
        violation.operationId,
        violation.status,
        violation.issues[0]?.keyword,
      ]),
    ).toEqual([
      ['getProjects', 418, 'status'],
      ['claimEvaluationTask', 200, expect.any(String)],
    ]);
  });

  it('sends the broken response as it is when validateResponses is false', async () => {
    const server = await serve({
      validateResponses: false,
      tamper: (_operationId, reply) => ({ ...reply, body: { projects: 'none' } }),
    });
    expect(await scaleFetch(server, '/v2/projects')).toMatchObject({
      status: 200,
      body: { projects: 'none' },
    });
    expect(server.violations).toEqual([]);
  });
});

describe('startMockServer', () => {
  it('listens on 127.0.0.1 with a free port and gives fixtures to start from', async () => {
    const server = await startMockServer({ size: 10 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.apiKeys).toEqual({ scale: 'test_mock_scale_key', sgp: 'test_mock_sgp_key' });
      expect(server.fixtures).toMatchObject({
        projectNames: ['mock-chat-sft', 'mock-rlhf-preferences', 'mock-coding-evals'],
        projectIds: [
          expect.stringMatching(/^project_[0-9a-f]{24}$/),
          expect.any(String),
          expect.any(String),
        ],
      });
      expect(server.fixtures.batchIds).toHaveLength(15);
      expect(server.fixtures.deliveryIds).toHaveLength(9);
      expect(server.fixtures.evaluationIds).toHaveLength(3);
      expect(server.fixtures.v1TaskIds).toHaveLength(10);
    } finally {
      await server.close();
      await server.close();
    }
    await expect(fetch(`${server.url}/v2/projects`)).rejects.toThrow();
  });

  it.each([
    [{ size: -1 }, 'size must be an integer of at least 0, got -1'],
    [{ seed: 1.5 }, 'seed must be an integer from -2147483648 to 4294967295 (32 bits), got 1.5'],
    [
      { seed: 2 ** 40 },
      'seed must be an integer from -2147483648 to 4294967295 (32 bits), got 1099511627776',
    ],
    [{ port: 70_000 }, 'port must be an integer from 0 to 65535, got 70000'],
    [{ faults: { rate500: 2 } }, 'faults.rate500 must be a number from 0 to 1, got 2'],
    [
      { faults: { rate500: 0.6, rate503: 0.6 } },
      'faults: rate429 + rate500 + rate503 + resetRate + truncateRate must be at most 1, got 1.2',
    ],
    [{ faults: { latencyMs: -5 } }, 'faults.latencyMs must be a number of at least 0, got -5'],
    [
      { apiKeys: { scale: 'has space' } },
      'apiKeys.scale must be a non-empty string without spaces',
    ],
  ])('refuses %j: %s', async (options, message) => {
    await expect(startMockServer(options)).rejects.toThrow(new RangeError(message));
  });

  it('the same seed gives the same data; another seed other data', async () => {
    const now = () => Date.UTC(2025, 5, 1);
    const [a, b, c] = await Promise.all([
      serve({ seed: 7, now }),
      serve({ seed: 7, now }),
      serve({ seed: 8, now }),
    ]);
    const sample = async (server: NonNullable<typeof a>) =>
      [
        await scaleFetch(
          server,
          `/v2/tasks?${qs({ project_id: server.fixtures.projectIds[0], limit: 20, opts: ['annotation_details'] })}`,
        ),
        await scaleFetch(server, '/v1/tasks?limit=20'),
        await sgpFetch(server, `/v4/evaluations/${server.fixtures.evaluationIds[1]}/claim-task`, {
          method: 'POST',
        }),
      ].map((answer) => answer.body);
    const [first, second, third] = await Promise.all([sample(a), sample(b), sample(c)]);
    expect(second).toEqual(first);
    expect(a.fixtures).toEqual(b.fixtures);
    expect(third).not.toEqual(first);
    expect(c.fixtures.projectIds).not.toEqual(a.fixtures.projectIds);
  });
});
