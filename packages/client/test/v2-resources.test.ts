import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  BadRequestError,
  ConflictError,
  createScaleClient,
  InternalServerError,
  NotFoundError,
  ScaleClientError,
  SchemaParseError,
} from '../src/index.js';
import { type Handler, json, type Recorded, serveForEachTest } from './support/server.js';

// The v2 batch, annotation, dataset and schema resources, against real loopback servers that
// answer as the spec says (validate: 'strict' throughout, so every answer is also checked).

const API_KEY = 'live_secret_key_0123456789';
const serve = serveForEachTest();
beforeEach(() => {
  vi.stubEnv('SCALE_API_KEY', '');
  vi.stubEnv('SCALE_BASE_URL', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const fast = { retryDelayMs: { base: 1, max: 5 }, logLevel: 'off' as const };
const client = (url: string, options: Parameters<typeof createScaleClient>[0] = {}) =>
  createScaleClient({ apiKey: API_KEY, baseUrl: url, validate: 'strict', ...fast, ...options });

const NOW = new Date().toISOString();
function batch(overrides: Record<string, unknown> = {}) {
  return {
    id: 'batch_1',
    name: 'chat-sft-2025-01',
    project: 'project_1',
    created_at: NOW,
    status: 'in_progress',
    metadata: { team: 'post-training' },
    ...overrides,
  };
}
const project = {
  id: 'project_1',
  name: 'chat-sft',
  created_at: '2024-11-04T08:00:00Z',
};
function datasetTask(id: string) {
  return {
    task_id: id,
    dataset: 'dataset_1',
    delivery: 'dataset_delivery_1',
    response: { turns: [] },
  };
}
const delivery = {
  id: 'dataset_delivery_1',
  name: '2025-01-15',
  delivered_at: '2025-01-15T18:30:00Z',
  metadata: { task_count: 2, turn_count: 5 },
  dataset: 'dataset_1',
};
const annotation = {
  id: 'annotation_1',
  key: 'helpfulness',
  type: 'category',
  title: 'Is the answer helpful?',
  value: 'very_helpful',
  possible_values: ['not_helpful', 'helpful', 'very_helpful'],
};
const errorBody = (status: number, error: string) => ({ status_code: status, error });
const pathOf = (request: Recorded) => request.url.split('?')[0];
const sent = (request: Recorded | undefined) => ({
  method: request?.method,
  url: request?.url,
  body: request?.body ? JSON.parse(request.body) : undefined,
});

describe('requests of the v2 resources', () => {
  /** Answers each operation as the spec says. */
  const spec: Handler = (request, response) => {
    const path = pathOf(request);
    const answers: Record<string, unknown> = {
      'POST /v2/batch': batch({ status: 'staging' }),
      'POST /v2/batch/finalize': batch(),
      'POST /v2/batch/pause': { batch: batch({ status: 'paused' }), message: 'Batch paused.' },
      'POST /v2/batch/resume': { batch: batch(), message: 'Batch resumed.' },
      'POST /v2/batch/cancel': { batch: batch({ status: 'cancelled' }), message: 'Cancelled.' },
      'POST /v2/batch/metadata': batch({ metadata: { team: 'post-training', reviewed: true } }),
      'GET /v2/annotation': annotation,
      'GET /v2/datasets': { datasets: [{ id: 'dataset_1', name: 'support' }] },
      'GET /v2/datasets/deliveries': { deliveries: [delivery] },
      'GET /v2/datasets/delivery': { delivery: 'dataset_delivery_1', tasks: [datasetTask('t1')] },
      'GET /v2/datasets/tasks': { tasks: [datasetTask('t1')], next_token: null },
      'GET /v2/datasets/task': datasetTask('t1'),
      'GET /v2/schema': { schema: { id: 'schema_1', json: '{"type":"object"}' } },
    };
    const answer = answers[`${request.method} ${path}`];
    if (answer === undefined) {
      json(response, 404, errorBody(404, `no ${request.method} ${path}`));
    } else {
      json(response, 200, answer);
    }
  };

  it('batches: method, path and body of each write', async () => {
    const server = await serve(spec);
    const scale = client(server.url);
    const created = await scale.batches.create({
      name: 'chat-sft-2025-01',
      project_name: 'chat-sft',
      staging_batch: true,
      metadata: { team: 'post-training' },
    });
    expect(created.status).toBe('staging');
    expect((await scale.batches.finalize({ batch_id: 'batch_1' })).status).toBe('in_progress');
    expect((await scale.batches.pause({ batch_name: 'chat-sft-2025-01' })).batch?.status).toBe(
      'paused',
    );
    expect((await scale.batches.resume({ batch_id: 'batch_1' })).message).toBe('Batch resumed.');
    expect((await scale.batches.cancel({ batch_id: 'batch_1' })).batch?.status).toBe('cancelled');
    expect(
      (
        await scale.batches.setMetadata({
          batch_id: 'batch_1',
          metadata: { reviewed: true },
          merge: true,
        })
      ).metadata,
    ).toEqual({ team: 'post-training', reviewed: true });
    expect(server.requests.map(sent)).toEqual([
      {
        method: 'POST',
        url: '/v2/batch',
        body: {
          name: 'chat-sft-2025-01',
          project_name: 'chat-sft',
          staging_batch: true,
          metadata: { team: 'post-training' },
        },
      },
      { method: 'POST', url: '/v2/batch/finalize', body: { batch_id: 'batch_1' } },
      { method: 'POST', url: '/v2/batch/pause', body: { batch_name: 'chat-sft-2025-01' } },
      { method: 'POST', url: '/v2/batch/resume', body: { batch_id: 'batch_1' } },
      { method: 'POST', url: '/v2/batch/cancel', body: { batch_id: 'batch_1' } },
      {
        method: 'POST',
        url: '/v2/batch/metadata',
        body: { batch_id: 'batch_1', metadata: { reviewed: true }, merge: true },
      },
    ]);
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(
      true,
    );
  });

  it('annotations, datasets and schemas: method, path and query (expand as repeated keys)', async () => {
    const server = await serve(spec);
    const scale = client(server.url);
    expect((await scale.annotations.get('annotation_1')).key).toBe('helpfulness');
    expect(await scale.datasets.list()).toEqual([{ id: 'dataset_1', name: 'support' }]);
    expect(
      await scale.datasets.deliveries({
        dataset_id: 'dataset_1',
        delivered_after: '2025-01-01T00:00:00Z',
        expand: ['dataset'],
      }),
    ).toEqual([delivery]);
    expect(
      await scale.datasets
        .delivery({ delivery_id: 'dataset_delivery_1', expand: ['dataset', 'delivery'], limit: 10 })
        .toArray(),
    ).toEqual([datasetTask('t1')]);
    expect(
      await scale.datasets.tasks({ dataset_id: 'dataset_1', expand: ['delivery'] }).toArray(),
    ).toEqual([datasetTask('t1')]);
    expect(await scale.datasets.task('t1', { expand: ['dataset', 'delivery'] })).toEqual(
      datasetTask('t1'),
    );
    expect(await scale.datasets.task('t2')).toEqual(datasetTask('t1'));
    expect(await scale.schemas.get('schema_1')).toEqual({
      schema: { id: 'schema_1', json: '{"type":"object"}' },
    });
    expect(server.requests.map(sent)).toEqual(
      [
        '/v2/annotation?annotation_id=annotation_1',
        '/v2/datasets',
        '/v2/datasets/deliveries?dataset_id=dataset_1&delivered_after=2025-01-01T00%3A00%3A00Z&expand=dataset',
        '/v2/datasets/delivery?delivery_id=dataset_delivery_1&expand=dataset&expand=delivery&limit=10',
        '/v2/datasets/tasks?dataset_id=dataset_1&expand=delivery',
        '/v2/datasets/task?expand=dataset&expand=delivery&task_id=t1',
        '/v2/datasets/task?task_id=t2',
        '/v2/schema?schema_id=schema_1',
      ].map((url) => ({ method: 'GET', url, body: undefined })),
    );
  });

  it('an answer that breaks the spec is a ResponseValidationError (strict), as everywhere', async () => {
    const server = await serve((_request, response) =>
      json(response, 200, { tasks: [{ task_id: 't1' }] }),
    );
    await expect(client(server.url).datasets.tasks({ dataset_id: 'd' }).toArray()).rejects.toThrow(
      /getDatasetTasks 200 response breaks the spec/,
    );
  });

  it('every method takes a signal: an abort is an AbortError, not retried', async () => {
    const server = await serve(spec);
    const scale = client(server.url);
    const controller = new AbortController();
    controller.abort();
    const signal = controller.signal;
    const calls = [
      scale.batches.create({ name: 'b', project_id: 'p' }, { signal }),
      scale.batches.pause({ batch_id: 'b' }, { signal }),
      scale.batches.setMetadata({ batch_id: 'b', metadata: {} }, { signal }),
      scale.annotations.get('a', { signal }),
      scale.datasets.list({ signal }),
      scale.datasets.tasks({ dataset_id: 'd' }, { signal }).toArray(),
      scale.datasets.responseUrl('t', 'a', { signal }),
      scale.schemas.getParsed('s', { signal }),
    ];
    for (const pending of calls) {
      await expect(pending).rejects.toBeInstanceOf(AbortError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('a missing dataset task is the usual NotFoundError', async () => {
    const server = await serve((_request, response) =>
      json(response, 404, errorBody(404, 'Task not found.'), { 'x-request-id': 'req_9' }),
    );
    const error = await client(server.url)
      .datasets.task('nope')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, operationId: 'getDatasetTask', requestId: 'req_9' });
  });
});

describe('datasets.tasks pagination', () => {
  it('walks 3 pages lazily by next_token, keeping the query (and expand keys) on each', async () => {
    const pages: Record<string, unknown> = {
      first: { tasks: [datasetTask('a'), datasetTask('b')], next_token: 'p2' },
      p2: { tasks: [datasetTask('b'), datasetTask('c')], next_token: 'p3' },
      p3: { tasks: [datasetTask('d')] },
    };
    const server = await serve((request, response) => {
      const token = new URL(request.url, 'http://x').searchParams.get('next_token');
      json(response, 200, pages[token ?? 'first']);
    });
    const list = client(server.url).datasets.tasks({
      delivery_id: 'dataset_delivery_1',
      expand: ['dataset', 'delivery'],
      limit: 2,
    });
    const iterator = list[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.task_id).toBe('a');
    expect(server.requests).toHaveLength(1);
    const rest: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(next.value.task_id);
    }
    expect(rest).toEqual(['b', 'c', 'd']); // 'b' repeated on page 2 is yielded once
    const query = 'delivery_id=dataset_delivery_1&expand=dataset&expand=delivery&limit=2';
    expect(server.requests.map((request) => request.url)).toEqual([
      `/v2/datasets/tasks?${query}`,
      `/v2/datasets/tasks?${query}&next_token=p2`,
      `/v2/datasets/tasks?${query}&next_token=p3`,
    ]);
    const sizes: number[] = [];
    for await (const page of list.pages()) {
      sizes.push(page.tasks.length);
    }
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('datasets.delivery pages carry the delivery, and a saved next_token resumes', async () => {
    const server = await serve((request, response) => {
      const token = new URL(request.url, 'http://x').searchParams.get('next_token');
      json(
        response,
        200,
        token === null
          ? { delivery, tasks: [datasetTask('a')], next_token: 'p2' }
          : { delivery, tasks: [datasetTask('b')], next_token: null },
      );
    });
    const scale = client(server.url);
    const deliveries: unknown[] = [];
    for await (const page of scale.datasets
      .delivery({ delivery_id: 'dataset_delivery_1', expand: ['delivery'] })
      .pages()) {
      deliveries.push(page.delivery);
    }
    expect(deliveries).toEqual([delivery, delivery]);
    expect(
      (
        await scale.datasets
          .delivery({ delivery_id: 'dataset_delivery_1', next_token: 'p2' })
          .toArray()
      ).map((task) => task.task_id),
    ).toEqual(['b']);
    expect(server.requests.at(-1)?.url).toBe(
      '/v2/datasets/delivery?delivery_id=dataset_delivery_1&next_token=p2',
    );
  });
});

describe('datasets.responseUrl', () => {
  it('returns the Location of the 302 and sends nothing to it', async () => {
    const storage = await serve((_request, response) => json(response, 200, { leaked: true }));
    const api = await serve((_request, response) => {
      response.writeHead(302, {
        location: `${storage.url}/attachments/attachment_1?signature=abc`,
        'content-type': 'text/plain',
      });
      response.end('Found. Redirecting');
    });
    const url = await client(api.url).datasets.responseUrl('task_1', 'attachment_1');
    expect(url).toBe(`${storage.url}/attachments/attachment_1?signature=abc`);
    expect(api.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /v2/datasets/task/task_1/response_url/attachment_1',
    ]);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(storage.requests).toHaveLength(0);
  });

  it('resolves a relative Location against the API, and escapes the path ids', async () => {
    const api = await serve((_request, response) => {
      response.writeHead(302, { location: '/files/a.png', 'content-length': '0' });
      response.end();
    });
    expect(await client(api.url).datasets.responseUrl('task 1', 'a/b')).toBe(
      `${api.url}/files/a.png`,
    );
    expect(api.requests[0]?.url).toBe('/v2/datasets/task/task%201/response_url/a%2Fb');
  });

  it('a 404 is a NotFoundError; a 302 without Location is a typed error too', async () => {
    const api = await serve((_request, response, index) => {
      if (index === 0) {
        json(response, 404, errorBody(404, 'Attachment not found.'));
      } else {
        response.writeHead(302, { 'content-length': '0' });
        response.end();
      }
    });
    const scale = client(api.url);
    const missing = await scale.datasets
      .responseUrl('task_1', 'nope')
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe(
      'getDatasetTaskResponseUrl failed with 404: Attachment not found.',
    );
    const bare = await scale.datasets
      .responseUrl('task_1', 'attachment_1')
      .catch((caught: unknown) => caught);
    expect(bare).toBeInstanceOf(ScaleClientError);
    expect((bare as Error).message).toBe(
      'getDatasetTaskResponseUrl answered 302 without a Location header',
    );
  });

  it('other calls still follow redirects (raw included)', async () => {
    const api = await serve((request, response) => {
      if (request.url.startsWith('/v2/datasets/task/')) {
        response.writeHead(302, { location: '/v2/datasets' });
        response.end();
      } else {
        json(response, 200, { datasets: [] });
      }
    });
    const { response } = await client(api.url).raw.GET(
      '/v2/datasets/task/{taskId}/response_url/{attachmentId}',
      { params: { path: { taskId: 't', attachmentId: 'a' } } },
    );
    expect(response.status).toBe(200);
    expect(api.requests.map((request) => request.url)).toEqual([
      '/v2/datasets/task/t/response_url/a',
      '/v2/datasets',
    ]);
  });
});

describe('schemas.getParsed', () => {
  const answering = (json_: unknown) =>
    serve((_request, response) => json(response, 200, { schema: json_ }));

  it('parses schema.json into an object', async () => {
    const server = await answering({
      id: 'schema_1',
      json: '{"type":"object","properties":{"turns":{"type":"array"}},"required":["turns"]}',
    });
    expect(await client(server.url).schemas.getParsed('schema_1')).toEqual({
      id: 'schema_1',
      schema: { type: 'object', properties: { turns: { type: 'array' } }, required: ['turns'] },
    });
  });

  it('malformed json is a SchemaParseError naming the schema and where it broke', async () => {
    const server = await answering({
      id: 'schema_1',
      json: '{\n  "type": "object",\n  "required": ["turns",]\n}',
    });
    const error = await client(server.url)
      .schemas.getParsed('schema_1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaParseError);
    expect(error).toBeInstanceOf(ScaleClientError);
    expect(error).toMatchObject({
      schemaId: 'schema_1',
      operationId: 'getSchema',
      location: { line: 3, column: 24, position: 45 },
    });
    expect((error as Error).message).toBe(
      'getSchema: schema "schema_1" has invalid JSON at line 3, column 24 (position 45): expected a value but found "]", near "required\\": [\\"turns\\",]\\n}"',
    );
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('json that is not an object, or no json at all, is a SchemaParseError too', async () => {
    const server = await serve((_request, response, index) =>
      json(response, 200, { schema: index === 0 ? { id: 's', json: '[1]' } : { id: 's' } }),
    );
    const scale = client(server.url);
    await expect(scale.schemas.getParsed('s')).rejects.toThrow(
      new SchemaParseError(
        's',
        undefined,
        'getSchema: schema "s" has JSON that is an array, not a JSON Schema object',
      ),
    );
    await expect(scale.schemas.getParsed('s')).rejects.toThrow(
      'getSchema: schema "s" has no json to parse',
    );
  });
});

describe('retries of the v2 operations', () => {
  /** A handler that answers with the scripted steps in turn (the last one repeating). */
  const script =
    (...steps: ((request: Recorded, response: Parameters<Handler>[1]) => void)[]): Handler =>
    (request, response, index) =>
      (steps[Math.min(index, steps.length - 1)] as (typeof steps)[number])(request, response);
  const status =
    (code: number, body: unknown = errorBody(code, `status ${code}`)) =>
    (_request: Recorded, response: Parameters<Handler>[1]) =>
      json(response, code, body);

  it('createBatch: a 503 is retried with the same body', async () => {
    const server = await serve(script(status(503), status(200, batch())));
    const created = await client(server.url).batches.create({
      name: 'chat-sft-2025-01',
      project_id: 'project_1',
    });
    expect(created.id).toBe('batch_1');
    expect(server.requests.map((request) => request.body)).toEqual(
      Array(2).fill(JSON.stringify({ name: 'chat-sft-2025-01', project_id: 'project_1' })),
    );
    expect(server.requests[1]?.headers['x-retry-count']).toBe('1');
  });

  it('createBatch: a 409 on the first attempt is a ConflictError, never looked up', async () => {
    const server = await serve(status(409, errorBody(409, 'Batch name already exists.')));
    const error = await client(server.url)
      .batches.create({ name: 'chat-sft-2025-01', project_id: 'project_1' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(
      'createBatch failed with 409: Batch name already exists.',
    );
    expect(server.requests).toHaveLength(1);
  });

  it('createBatch: a 409 after a retry returns the batch the earlier attempt created', async () => {
    const server = await serve(
      script(
        status(500),
        status(409, errorBody(409, 'Batch name already exists.')),
        status(200, batch({ project, status: 'staging' })),
      ),
    );
    const created = await client(server.url).batches.create({
      name: 'chat-sft-2025-01',
      project_name: 'chat-sft',
      staging_batch: true,
    });
    expect(created).toEqual(batch({ status: 'staging' })); // the project collapsed to its id
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v2/batch',
      'POST /v2/batch',
      'GET /v2/batch?batch_name=chat-sft-2025-01&expand=project',
    ]);
  });

  it('createBatch: a 409 after a retry stands when the batch of that name is not this call’s', async () => {
    const conflict = status(409, errorBody(409, 'Batch name already exists.'));
    const older = new Date(Date.now() - 3_600_000).toISOString();
    const cases = [
      batch({ created_at: older }), // made an hour before this call
      batch({ project: 'project_2' }), // in another project
    ];
    for (const found of cases) {
      const server = await serve(script(status(502), conflict, status(200, found)));
      const error = await client(server.url)
        .batches.create({ name: 'chat-sft-2025-01', project_id: 'project_1' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
        'POST /v2/batch',
        'POST /v2/batch',
        'GET /v2/batch?batch_name=chat-sft-2025-01',
      ]);
    }
  });

  it('pauseBatch: a timeout is retried; the 400 of the repeat is settled by reading the batch', async () => {
    const server = await serve(
      script(
        (_request, response) => {
          // The pause is done, but the answer comes too late for the client (which hangs up).
          const late = setTimeout(
            () => json(response, 200, { batch: batch({ status: 'paused' }) }),
            400,
          );
          response.on('close', () => clearTimeout(late));
        },
        status(400, errorBody(400, 'Batch is not in progress.')),
        status(200, batch({ status: 'paused' })),
      ),
    );
    const result = await client(server.url, { timeoutMs: 150 }).batches.pause({
      batch_id: 'batch_1',
    });
    expect(result).toEqual({ batch: batch({ status: 'paused' }) });
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v2/batch/pause',
      'POST /v2/batch/pause',
      'GET /v2/batch?batch_id=batch_1',
    ]);
  });

  it('pause, resume, cancel: a 400 stands on a first attempt, or when the batch is not in that state', async () => {
    const notInProgress = status(400, errorBody(400, 'Batch is not in progress.'));
    const first = await serve(notInProgress);
    await expect(client(first.url).batches.pause({ batch_id: 'batch_1' })).rejects.toBeInstanceOf(
      BadRequestError,
    );
    expect(first.requests).toHaveLength(1);

    const completed = await serve(
      script(status(503), notInProgress, status(200, batch({ status: 'completed' }))),
    );
    const error = await client(completed.url)
      .batches.cancel({ batch_name: 'chat-sft-2025-01' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(completed.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v2/batch/cancel',
      'POST /v2/batch/cancel',
      'GET /v2/batch?batch_name=chat-sft-2025-01',
    ]);

    const resumed = await serve(script(status(500), notInProgress, status(200, batch())));
    expect(await client(resumed.url).batches.resume({ batch_id: 'batch_1' })).toEqual({
      batch: batch(),
    });
  });

  it('finalizeBatch and setBatchMetadata are retried on 5xx, to the retry limit', async () => {
    const server = await serve(status(503));
    const scale = client(server.url, { maxRetries: 2 });
    await expect(scale.batches.finalize({ batch_id: 'batch_1' })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(server.requests).toHaveLength(3);
    await expect(
      scale.batches.setMetadata({ batch_name: 'b', metadata: { a: 1 } }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(6);
    expect(new Set(server.requests.slice(3).map((request) => request.body))).toEqual(
      new Set([JSON.stringify({ batch_name: 'b', metadata: { a: 1 } })]),
    );
  });

  it('reads are retried: dataset tasks, the response URL, a schema, an annotation', async () => {
    const server = await serve((request, response) => {
      const retried = request.headers['x-retry-count'] !== undefined;
      const path = pathOf(request) ?? '';
      if (!retried && path !== '/v2/annotation') {
        json(response, 503, errorBody(503, 'busy'));
      } else if (!retried) {
        response.socket?.destroy(); // a reset connection
      } else if (path.startsWith('/v2/datasets/task/')) {
        response.writeHead(302, { location: 'https://storage.example.test/a' });
        response.end();
      } else if (path === '/v2/datasets/tasks') {
        json(response, 200, { tasks: [datasetTask('t1')] });
      } else if (path === '/v2/schema') {
        json(response, 200, { schema: { id: 's', json: '{}' } });
      } else {
        json(response, 200, annotation);
      }
    });
    const scale = client(server.url);
    expect(await scale.datasets.tasks({ dataset_id: 'd' }).toArray()).toHaveLength(1);
    expect(await scale.datasets.responseUrl('t', 'a')).toBe('https://storage.example.test/a');
    expect(await scale.schemas.getParsed('s')).toEqual({ id: 's', schema: {} });
    expect((await scale.annotations.get('annotation_1')).key).toBe('helpfulness');
    expect(server.requests).toHaveLength(8);
  });
});
