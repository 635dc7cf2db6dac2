import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  createScaleClient,
  createSgpClient,
  InternalServerError,
  type Logger,
  NotFoundError,
  PaginationError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  ScaleApiError,
  ScaleClientError,
  TimeoutError,
  UnprocessableEntityError,
} from '../src/index.js';
import { json, serveForEachTest, task } from './support/server.js';

const API_KEY = 'live_secret_key_0123456789';
const serve = serveForEachTest();
beforeEach(() => {
  vi.stubEnv('SCALE_API_KEY', '');
  vi.stubEnv('SGP_API_KEY', '');
  vi.stubEnv('SCALE_BASE_URL', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A logger that keeps every line, to check what was (not) logged. */
function captureLogger() {
  const lines: string[] = [];
  const record = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${details ? JSON.stringify(details) : ''}`);
  };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  return { logger, lines };
}

// Short backoff, and quiet: the retry warnings are checked where they matter.
const fast = { retryDelayMs: { base: 1, max: 5 }, logLevel: 'off' as const };

describe('authentication and headers', () => {
  it.each([
    ['bearer', `Bearer ${API_KEY}`],
    ['basic', `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`],
  ] as const)('Scale %s auth', async (auth, expected) => {
    const server = await serve((_request, response) => json(response, 200, task('t1')));
    const client = createScaleClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      auth,
      userAgent: 'exporter/1.0',
    });
    await client.tasks.get('t1');
    expect(server.requests[0]?.headers.authorization).toBe(expected);
    expect(server.requests[0]?.headers['user-agent']).toMatch(
      /^scale-contracts-client\/\S+ exporter\/1\.0$/,
    );
  });

  it('SGP sends x-api-key and x-selected-account-id', async () => {
    const server = await serve((_request, response) => json(response, 200, null));
    const client = createSgpClient({ apiKey: API_KEY, baseUrl: server.url, accountId: 'acct_7' });
    expect(
      await client.evaluations.tasks.claim('eval_1', {
        taskType: 'EVALUATION_ANNOTATION',
        skip_current: true,
      }),
    ).toBeNull();
    const [request] = server.requests;
    expect(request?.headers['x-api-key']).toBe(API_KEY);
    expect(request?.headers['x-selected-account-id']).toBe('acct_7');
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v4/evaluations/eval_1/claim-task?task_type=EVALUATION_ANNOTATION');
    expect(JSON.parse(request?.body ?? '')).toEqual({ skip_current: true });
  });

  it('reads the key and the base URL from the environment', async () => {
    const server = await serve((_request, response) => json(response, 200, task('t1')));
    vi.stubEnv('SCALE_API_KEY', API_KEY);
    vi.stubEnv('SCALE_BASE_URL', server.url);
    await createScaleClient().tasks.get('t1');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('fails at construction without a key, saying how to give one', () => {
    expect(() => createScaleClient()).toThrow(
      new ScaleClientError(
        'Scale client: no API key. Pass { apiKey } or set SCALE_API_KEY in the environment.',
      ),
    );
    expect(() => createSgpClient()).toThrow(/set SGP_API_KEY/);
  });

  it('serialises array queries as repeated keys, as the spec declares', async () => {
    const server = await serve((_request, response) => json(response, 200, task('t1')));
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url });
    await client.tasks.get('t1', { expand: ['project', 'batch'], opts: ['annotation_details'] });
    expect(server.requests[0]?.url).toBe(
      '/v2/task?expand=project&expand=batch&opts=annotation_details&task_id=t1',
    );
  });
});

describe('pagination', () => {
  it('walks v2 next_token pages lazily and stops on the last page', async () => {
    const pages = [
      { tasks: [task('a'), task('b')], next_token: 'p2' },
      { tasks: [task('b'), task('c')], next_token: 'p3' },
      { tasks: [task('d')], next_token: null },
    ];
    const server = await serve((request, response) => {
      const token = new URL(request.url, 'http://x').searchParams.get('next_token');
      json(response, 200, pages[token === 'p2' ? 1 : token === 'p3' ? 2 : 0]);
    });
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url });
    const iterator = client.tasks
      .list({ project_id: 'project_1', limit: 2 })
      [Symbol.asyncIterator]();
    expect((await iterator.next()).value?.task_id).toBe('a');
    expect(server.requests).toHaveLength(1); // the second page is fetched only when needed
    const rest: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(next.value.task_id);
    }
    expect(rest).toEqual(['b', 'c', 'd']); // 'b' repeated by the second page is yielded once
    expect(server.requests.map((request) => request.url)).toEqual([
      '/v2/tasks?project_id=project_1&limit=2',
      '/v2/tasks?project_id=project_1&limit=2&next_token=p2',
      '/v2/tasks?project_id=project_1&limit=2&next_token=p3',
    ]);
  });

  it('walks v1 pages while has_more, with .pages()', async () => {
    const server = await serve((request, response) => {
      const token = new URL(request.url, 'http://x').searchParams.get('next_token');
      const index = token === null ? 0 : Number(token.slice(1));
      json(response, 200, {
        docs: [
          {
            task_id: `v${index}`,
            type: 'categorization',
            status: 'completed',
            created_at: '2025-01-01T00:00:00Z',
          },
        ],
        total: 3,
        limit: 1,
        has_more: index < 2,
        ...(index < 2 ? { next_token: `n${index + 1}` } : {}),
      });
    });
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url });
    const sizes: number[] = [];
    for await (const page of client.v1.tasks.list({ project: 'my project', limit: 1 }).pages()) {
      sizes.push(page.docs.length);
    }
    expect(sizes).toEqual([1, 1, 1]);
    expect((await client.v1.tasks.list({ limit: 1 }).toArray()).map((t) => t.task_id)).toEqual([
      'v0',
      'v1',
      'v2',
    ]);
    expect(server.requests.map((request) => request.url)).toEqual([
      '/v1/tasks?project=my%20project&limit=1',
      '/v1/tasks?project=my%20project&limit=1&next_token=n1',
      '/v1/tasks?project=my%20project&limit=1&next_token=n2',
      '/v1/tasks?limit=1',
      '/v1/tasks?limit=1&next_token=n1',
      '/v1/tasks?limit=1&next_token=n2',
    ]);
  });

  it('stops with a PaginationError when the server repeats a cursor', async () => {
    const server = await serve((_request, response, index) =>
      json(response, 200, { tasks: [task(`t${index}`)], next_token: 'same' }),
    );
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url });
    await expect(client.tasks.list({ batch_id: 'b' }).toArray()).rejects.toThrow(PaginationError);
    expect(server.requests).toHaveLength(2);
  });
});

describe('retries', () => {
  it('honours Retry-After (seconds) on 429, then succeeds', async () => {
    const server = await serve((_request, response, index) =>
      index === 0
        ? json(response, 429, { status_code: 429, error: 'slow down' }, { 'retry-after': '1' })
        : json(response, 200, task('t1')),
    );
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url, ...fast });
    const started = Date.now();
    expect((await client.tasks.get('t1')).task_id).toBe('t1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers['x-retry-count']).toBe('1');
  });

  it('retries 503 twice, then succeeds, with a fresh identical body each attempt', async () => {
    const server = await serve((_request, response, index) =>
      index < 2
        ? json(response, 503, { status_code: 503, error: 'busy' })
        : json(response, 200, task('t1')),
    );
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url, ...fast });
    await client.tasks.setMetadata('t1', { reviewed: true }, { merge: true });
    expect(server.requests.map((request) => request.body)).toEqual(
      Array(3).fill(JSON.stringify({ task_id: 't1', metadata: { reviewed: true }, merge: true })),
    );
  });

  it('gives up after maxRetries with the typed error of the last answer', async () => {
    const server = await serve((_request, response) =>
      json(response, 503, { status_code: 503, error: 'busy' }, { 'x-request-id': 'req_42' }),
    );
    const client = createScaleClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      maxRetries: 3,
      ...fast,
    });
    const error = await client.tasks.get('t1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({
      status: 503,
      requestId: 'req_42',
      operationId: 'getTask',
      body: { error: 'busy' },
    });
    expect((error as Error).message).toBe('getTask failed with 503: busy (request id req_42)');
    expect(server.requests).toHaveLength(4);
  });

  it('does not retry what is unsafe to repeat: claim, and creation without unique_id', async () => {
    const server = await serve((_request, response) => json(response, 500, { detail: 'boom' }));
    const sgp = createSgpClient({ apiKey: API_KEY, baseUrl: server.url, ...fast });
    await expect(sgp.evaluations.tasks.claim('e1')).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
    const scale = createScaleClient({ apiKey: API_KEY, baseUrl: server.url, ...fast });
    await expect(scale.tasks.createChat({ project_name: 'p' })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(server.requests).toHaveLength(2);
    await expect(
      scale.tasks.createChat({ project_name: 'p', unique_id: 'u-1' }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(5);
  });

  it('retries a reset connection and a cut-short body', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) {
        response.socket?.destroy();
      } else if (index === 1) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        response.write('{"task_id":"t1"'); // fewer bytes than promised, then the connection drops
        response.socket?.destroy();
      } else {
        json(response, 200, task('t1'));
      }
    });
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url, ...fast });
    expect((await client.tasks.get('t1')).task_id).toBe('t1');
    expect(server.requests).toHaveLength(3);
  });

  it('reports a connection failure as ConnectionError once retries are spent', async () => {
    const server = await serve((_request, response) => {
      response.socket?.destroy();
    });
    const client = createScaleClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      maxRetries: 1,
      ...fast,
    });
    const error = await client.projects.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(2);
  });
});

describe('timeouts and aborts', () => {
  it('a slow answer is a TimeoutError', async () => {
    const server = await serve(async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      json(response, 200, task('t1'));
    });
    const client = createScaleClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      timeoutMs: 100,
      maxRetries: 0,
    });
    const error = await client.tasks.get('t1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('getTask timed out after 100 ms');
  });

  it('the caller’s abort is an AbortError and is not retried', async () => {
    let arrived = () => {};
    const received = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await serve(async (_request, response) => {
      arrived();
      await new Promise((resolve) => setTimeout(resolve, 400));
      json(response, 200, task('t1'));
    });
    const client = createScaleClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      timeoutMs: 5_000,
      ...fast,
    });
    const controller = new AbortController();
    const pending = client.tasks
      .get('t1', {}, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await received; // abort once the server has the request, however loaded the machine is
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    // A retry would follow within the 1-5 ms backoff; give it time to show up.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toHaveLength(1);
  });
});

describe('typed errors', () => {
  const statuses: [number, typeof ScaleApiError][] = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [402, PaymentRequiredError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [504, InternalServerError],
  ];
  it.each(statuses.map(([status, Class]) => [status, Class.name, Class] as const))(
    '%i is %s',
    async (status, _name, Class) => {
      const server = await serve((_request, response) =>
        json(
          response,
          status,
          { status_code: status, error: `status ${status}` },
          { 'request-id': `req_${status}` },
        ),
      );
      const client = createScaleClient({
        apiKey: API_KEY,
        baseUrl: server.url,
        maxRetries: 0,
        logLevel: 'off',
      });
      const error = await client.v1.tasks.get('t1').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(ScaleApiError);
      expect(error).toMatchObject({
        status,
        operationId: 'getV1Task',
        requestId: `req_${status}`,
        body: { error: `status ${status}` },
      });
    },
  );

  it('reads FastAPI validation details into the message', async () => {
    const server = await serve((_request, response) =>
      json(response, 422, {
        detail: [{ loc: ['body', 'task_ids'], msg: 'field required', type: 'missing' }],
      }),
    );
    const client = createSgpClient({ apiKey: API_KEY, baseUrl: server.url });
    await expect(client.evaluations.tasks.batchAssign('e1', { task_ids: ['t'] })).rejects.toThrow(
      'batchAssignEvaluationTasks failed with 422: body.task_ids: field required',
    );
  });
});

describe('response validation', () => {
  const drifting = () =>
    serve((_request, response) =>
      json(response, 200, { ...task('t1'), status: 'done', created_at: 'yesterday' }),
    );

  it('off: returns the data without looking', async () => {
    const server = await drifting();
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url });
    expect((await client.tasks.get('t1')).status).toBe('done');
  });

  it('warn: returns the data and logs each drift once per operation and pointer', async () => {
    const server = await drifting();
    const { logger, lines } = captureLogger();
    const client = createScaleClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      validate: 'warn',
      logger,
    });
    await client.tasks.get('t1');
    await client.tasks.get('t1');
    expect(lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringContaining(
        'warn getTask 200 response breaks the spec at /status: must be equal to one of the allowed values',
      ),
      expect.stringContaining(
        'warn getTask 200 response breaks the spec at /created_at: must match format "date-time"',
      ),
    ]);
  });

  it('strict: throws ResponseValidationError with the issues', async () => {
    const server = await drifting();
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url, validate: 'strict' });
    const error = await client.tasks.get('t1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(
      (error as ResponseValidationError).issues.map((issue) => `${issue.path} ${issue.keyword}`),
    ).toEqual(['/status enum', '/created_at format']);
  });

  it('strict: a conforming response passes', async () => {
    const server = await serve((_request, response) => json(response, 200, task('t1')));
    const client = createScaleClient({ apiKey: API_KEY, baseUrl: server.url, validate: 'strict' });
    expect((await client.tasks.get('t1')).task_id).toBe('t1');
  });
});

describe('secrets', () => {
  it('the key appears in no error, message, string form or log line, even when the server echoes it', async () => {
    const server = await serve((request, response) =>
      json(
        response,
        401,
        { error: `invalid key ${request.headers.authorization}` },
        { 'x-request-id': 'r1' },
      ),
    );
    const { logger, lines } = captureLogger();
    const client = createScaleClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      logger,
      logLevel: 'debug',
    });
    const error = await client.tasks.get('t1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    const views = [
      String(error),
      (error as Error).message,
      JSON.stringify(error),
      JSON.stringify((error as ScaleApiError).body),
      ...lines,
    ];
    expect(lines.some((line) => line.includes('"authorization":"[redacted]"'))).toBe(true);
    for (const view of views) {
      expect(view).not.toContain(API_KEY);
    }
    expect((error as ScaleApiError).body).toEqual({ error: 'invalid key Bearer [redacted]' });
  });

  it('drops credentials when a redirect leaves the origin, keeps them on the same origin', async () => {
    const other = await serve((_request, response) => json(response, 200, task('t1')));
    const api = await serve((request, response) => {
      if (request.url.startsWith('/v2/task?')) {
        response.writeHead(307, { location: `/v2/task/moved?${request.url.split('?')[1]}` });
        response.end();
      } else {
        response.writeHead(307, { location: `${other.url}/v2/task?task_id=t1` });
        response.end();
      }
    });
    const sgpLike = createScaleClient({ apiKey: API_KEY, baseUrl: api.url });
    expect((await sgpLike.tasks.get('t1')).task_id).toBe('t1');
    expect(api.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${API_KEY}`,
      `Bearer ${API_KEY}`,
    ]);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();

    const evaluationServer = await serve((_request, response) => {
      response.writeHead(308, { location: `${other.url}/v4/evaluations/e/claim-task` });
      response.end();
    });
    const sgpClient = createSgpClient({
      apiKey: API_KEY,
      baseUrl: evaluationServer.url,
      accountId: 'a1',
    });
    await sgpClient.evaluations.tasks.claim('e').catch(() => undefined);
    const forwarded = other.requests[1];
    expect(forwarded?.url).toBe('/v4/evaluations/e/claim-task');
    expect(forwarded?.headers['x-api-key']).toBeUndefined();
    expect(forwarded?.headers['x-selected-account-id']).toBeUndefined();
  });
});
