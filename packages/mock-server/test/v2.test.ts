import { BadRequestError, ConflictError, NotFoundError } from '@scale-contracts/client';
import { check, type DeliveryTaskDoc, type Task } from '@scale-contracts/validators/scale';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_TYPES } from '../src/annotations.js';
import { clients, qs, scaleFetch, serve, walk } from './support.js';

type Json = Record<string, unknown>;

/** Every annotation anywhere in a task (threads, turns, messages, chunks, rubrics). */
function annotationsOf(value: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(value)) {
    for (const item of value) {
      annotationsOf(item, out);
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'annotations' && Array.isArray(item)) {
        out.push(...(item as Json[]));
      }
      annotationsOf(item, out);
    }
  }
  return out;
}

const tasksOf = (body: Json) => body.tasks as Task[];

describe('GET /v2/task', () => {
  it('returns a task by id, and 404 with the documented body for an unknown one', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const [first] =
      (
        await scale.tasks
          .list({ project_id: server.fixtures.projectIds[0] as string, limit: 1 })
          .pages()
          .next()
      ).value?.tasks ?? [];
    const task = await scale.tasks.get(first?.task_id as string);
    expect(task).toEqual(first);
    const error = await scale.tasks.get('task_000000000000000000000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).body).toEqual({ status_code: 404, error: 'Task not found.' });
  });

  it('answers 400 naming the parameter when task_id is missing', async () => {
    const server = await serve();
    const answer = await scaleFetch(server, '/v2/task');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      status_code: 400,
      error: '/query/task_id: must have required property task_id',
    });
  });

  it('sends short annotations by default, detailed ones with opts=annotation_details, model_parameters only when asked', async () => {
    const server = await serve();
    const { items } = await walk(
      server,
      '/v2/tasks',
      { project_id: server.fixtures.projectIds[0], status: 'completed' },
      tasksOf,
    );
    const task = items.find((item) => item.threads !== undefined) as Task;
    const short = await scaleFetch(server, `/v2/task?${qs({ task_id: task.task_id })}`);
    const detailed = await scaleFetch(
      server,
      `/v2/task?${qs({ task_id: task.task_id, opts: ['annotation_details', 'model_parameters'] })}`,
    );
    const shortAnnotations = annotationsOf(short.body);
    const detailedAnnotations = annotationsOf(detailed.body);
    expect(shortAnnotations).toHaveLength(12);
    for (const annotation of shortAnnotations) {
      expect(Object.keys(annotation).sort()).toEqual(['key', 'value']);
    }
    // The same answers in both forms; the detailed form has one annotation of every type.
    expect(detailedAnnotations.map(({ key, value }) => ({ key, value }))).toEqual(shortAnnotations);
    expect(detailedAnnotations.map((annotation) => annotation.type).sort()).toEqual(
      [...ANNOTATION_TYPES].sort(),
    );
    for (const annotation of detailedAnnotations) {
      expect(annotation).toMatchObject({
        id: expect.stringMatching(/^an_/),
        key: expect.any(String),
      });
    }
    const assistants = (body: unknown) =>
      (body as Task).threads?.flatMap((thread) =>
        thread.turns.flatMap((turn) => turn.messages.filter((m) => m.role === 'assistant')),
      ) ?? [];
    expect(assistants(short.body).every((message) => message.model_parameters === undefined)).toBe(
      true,
    );
    expect(
      assistants(detailed.body).every(
        (message) => typeof message.model_parameters?.model === 'string',
      ),
    ).toBe(true);
  });

  it.each([
    ['project', (task: Task) => typeof task.project === 'object' && typeof task.batch === 'string'],
    ['batch', (task: Task) => typeof task.project === 'string' && typeof task.batch === 'object'],
  ])('expand=%s turns that id into the object', async (expand, shape) => {
    const server = await serve();
    const { scale } = clients(server);
    const page = (
      await scale.tasks
        .list({
          batch_id: server.fixtures.batchIds[0] as string,
          limit: 3,
          expand: [expand as 'project'],
        })
        .pages()
        .next()
    ).value;
    expect(page?.tasks.length).toBeGreaterThan(0);
    for (const task of page?.tasks ?? []) {
      expect(shape(task)).toBe(true);
    }
  });
});

describe('GET /v2/tasks', () => {
  it('needs one of project_id, project_name, batch_id or batch_name (400)', async () => {
    const server = await serve();
    const answer = await scaleFetch(server, '/v2/tasks?status=pending');
    expect(answer).toMatchObject({
      status: 400,
      body: {
        status_code: 400,
        error: 'Please include one of project_id, project_name, batch_id or batch_name.',
      },
    });
  });

  it.each([
    ['project_id', '404', { project_id: 'project_nope' }, 404],
    ['batch_name', '404', { batch_name: 'no-such-batch' }, 404],
    ['limit=0', '400', { project_name: 'mock-chat-sft', limit: 0 }, 400],
    ['limit=101', '400', { project_name: 'mock-chat-sft', limit: 101 }, 400],
    ['limit=ten', '400', { project_name: 'mock-chat-sft', limit: 'ten' }, 400],
    ['status=done', '400', { project_name: 'mock-chat-sft', status: 'done' }, 400],
    [
      'completed_after=yesterday',
      '400',
      { project_name: 'mock-chat-sft', completed_after: 'yesterday' },
      400,
    ],
  ])('%s answers %s', async (_name, _status, query, status) => {
    const server = await serve();
    const answer = await scaleFetch(server, `/v2/tasks?${qs(query)}`);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ status_code: status, error: expect.any(String) });
  });

  it('pages with limit (default 100) with no duplicates or gaps, and the last page has no next_token', async () => {
    const server = await serve({ size: 600 });
    const project = server.fixtures.projectIds[1] as string;
    const big = await walk(server, '/v2/tasks', { project_id: project }, tasksOf);
    const small = await walk(server, '/v2/tasks', { project_id: project, limit: 7 }, tasksOf);
    const ids = big.items.map((task) => task.task_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(small.items.map((task) => task.task_id)).toEqual(ids);
    expect(big.pages).toBe(Math.ceil(ids.length / 100));
    expect(small.pages).toBe(Math.ceil(ids.length / 7));
    const first = await scaleFetch(server, `/v2/tasks?${qs({ project_id: project })}`);
    expect(tasksOf(first.body as Json)).toHaveLength(100);
    const last = await scaleFetch(
      server,
      `/v2/tasks?${qs({ project_id: project, limit: 100, status: 'deleted' })}`,
    );
    expect(Object.keys(last.body as Json)).toEqual(['tasks']);
  });

  it.each([
    [
      'status',
      { status: 'error' },
      (task: Task) => task.status === 'error' && (task.errors?.length ?? 0) > 0,
    ],
    ['batch_id', { batch_id: 'batch' }, (task: Task, batch: string) => task.batch === batch],
    [
      'completed window',
      { completed_after: '2025-02-01T00:00:00Z', completed_before: '2025-03-01T00:00:00Z' },
      (task: Task) =>
        task.completed_at !== undefined &&
        task.completed_at > '2025-02-01T00:00:00Z' &&
        task.completed_at < '2025-03-01T00:00:00Z',
    ],
  ] as const)('filters by %s: exactly the matching tasks', async (_name, filter, matches) => {
    const server = await serve({ size: 600 });
    const project = server.fixtures.projectIds[0] as string;
    const all = await walk(server, '/v2/tasks', { project_id: project }, tasksOf);
    const batch = all.items[0]?.batch as string;
    const query = {
      project_id: project,
      ...filter,
      ...('batch_id' in filter ? { batch_id: batch } : {}),
      limit: 13,
    };
    const filtered = await walk(server, '/v2/tasks', query, tasksOf);
    const expected = all.items.filter((task) => matches(task, batch)).map((task) => task.task_id);
    expect(expected.length).toBeGreaterThan(0);
    expect(filtered.items.map((task) => task.task_id)).toEqual(expected);
  });

  it('refuses a token used with other filters, a forged token and a token from before a change (400); replays one otherwise', async () => {
    const server = await serve();
    const project = server.fixtures.projectIds[0] as string;
    const first = await scaleFetch(server, `/v2/tasks?${qs({ project_id: project, limit: 5 })}`);
    const token = (first.body as Json).next_token as string;
    const second = `/v2/tasks?${qs({ project_id: project, limit: 5, next_token: token })}`;
    const again = [await scaleFetch(server, second), await scaleFetch(server, second)];
    expect(again[0]?.status).toBe(200);
    expect(again[1]?.body).toEqual(again[0]?.body);
    // A different page size is fine: only the filters are bound to the token.
    expect(
      (
        await scaleFetch(
          server,
          `/v2/tasks?${qs({ project_id: project, limit: 9, next_token: token })}`,
        )
      ).status,
    ).toBe(200);
    const other = await scaleFetch(
      server,
      `/v2/tasks?${qs({ project_id: project, status: 'pending', next_token: token })}`,
    );
    expect(other).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('issued for other filters') },
    });
    const forged = await scaleFetch(
      server,
      `/v2/tasks?${qs({ project_id: project, next_token: 'bm90LWEtdG9rZW4' })}`,
    );
    expect(forged).toMatchObject({
      status: 400,
      body: { error: 'next_token: not a token this server issued' },
    });
    await scaleFetch(server, '/v2/task/chat', { method: 'POST', body: { project_id: project } });
    const stale = await scaleFetch(server, second);
    expect(stale).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('data changed') },
    });
  });
});

describe('POST /v2/task/chat', () => {
  it('creates a pending task that the listing then holds; a reused unique_id is a 409', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const task = await scale.tasks.createChat({
      project_name: 'mock-coding-evals',
      batch_name: 'mock-coding-evals-batch-2',
      template_variables: { prompt: 'Write a haiku.' },
      metadata: { source: 'test' },
      unique_id: 'chat-1',
    });
    expect(task).toMatchObject({
      project: server.fixtures.projectIds[2],
      batch: server.fixtures.batchIds[11],
      status: 'pending',
      threads: [],
      metadata: { source: 'test' },
    });
    const listed = await scale.tasks
      .list({ project_name: 'mock-coding-evals', status: 'pending' })
      .toArray();
    expect(listed.map((item) => item.task_id)).toContain(task.task_id);
    const error = await scale.tasks
      .createChat({ project_name: 'mock-coding-evals', unique_id: 'chat-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).body).toEqual({
      status_code: 409,
      error: 'A task with this unique_id already exists.',
    });
  });

  it.each([
    ['no project', {}, 400, 'Please include a project_id or a project_name.'],
    ['an unknown project', { project_id: 'project_nope' }, 404, 'Project not found.'],
    [
      'an unknown batch',
      { project_name: 'mock-chat-sft', batch_id: 'batch_nope' },
      404,
      'Batch not found.',
    ],
    [
      'a batch of another project',
      { project_name: 'mock-chat-sft', batch_name: 'mock-coding-evals-batch-1' },
      400,
      'Batch mock-coding-evals-batch-1 is not in project mock-chat-sft.',
    ],
    [
      'an empty unique_id',
      { project_name: 'mock-chat-sft', unique_id: '' },
      400,
      '/body/unique_id: must not have fewer than 1 characters',
    ],
  ])('answers %s with the documented error', async (_name, body, status, error) => {
    const server = await serve();
    const answer = await scaleFetch(server, '/v2/task/chat', { method: 'POST', body });
    expect(answer).toEqual({
      status,
      headers: expect.anything(),
      body: { status_code: status, error },
    });
  });
});

describe('POST /v2/task/metadata', () => {
  it.each([
    ['merge omitted: replaces', undefined, { language: 'fr' }, { language: 'fr' }],
    ['merge=false: replaces', false, { nested: { b: 2 } }, { nested: { b: 2 } }],
    [
      'merge=true: deep-merges, new values win, arrays replaced',
      true,
      { language: 'fr', nested: { b: 2 }, tags: ['x'] },
      { language: 'fr', nested: { a: 1, b: 2 }, tags: ['x'] },
    ],
  ])('%s', async (_name, merge, patch, expected) => {
    const server = await serve();
    const { scale } = clients(server);
    const created = await scale.tasks.createChat({
      project_name: 'mock-chat-sft',
      metadata: { language: 'en', nested: { a: 1 }, tags: ['y'] },
    });
    const updated = await scale.tasks.setMetadata(
      created.task_id,
      patch,
      merge === undefined ? {} : { merge },
    );
    expect(updated.metadata).toEqual(expected);
    expect((await scale.tasks.get(created.task_id)).metadata).toEqual(expected);
  });

  it('answers 404 for an unknown task and 400 without metadata', async () => {
    const server = await serve();
    expect(
      (
        await scaleFetch(server, '/v2/task/metadata', {
          method: 'POST',
          body: { task_id: 'task_x', metadata: {} },
        })
      ).status,
    ).toBe(404);
    const missing = await scaleFetch(server, '/v2/task/metadata', {
      method: 'POST',
      body: { task_id: 'task_x' },
    });
    expect(missing.body).toEqual({
      status_code: 400,
      error: '/body/metadata: must have required property metadata',
    });
  });
});

describe('deliveries', () => {
  it("lists a project's deliveries whose task_count matches the tasks GET /v2/delivery pages through", async () => {
    const server = await serve({ size: 400 });
    const { scale } = clients(server);
    const deliveries = await scale.deliveries.list({ project_name: 'mock-chat-sft' });
    expect(deliveries.map((delivery) => delivery.name)).toEqual([
      'mock-chat-sft-delivery-1',
      'mock-chat-sft-delivery-2',
      'mock-chat-sft-delivery-3',
    ]);
    for (const delivery of deliveries) {
      const tasks = await scale.deliveries.tasks({ delivery_id: delivery.id, limit: 10 }).toArray();
      expect(tasks).toHaveLength(delivery.task_count);
      expect(
        tasks.every(
          (task) =>
            task.status === 'completed' && (task.completed_at ?? '') <= delivery.delivered_at,
        ),
      ).toBe(true);
    }
    const later = await scale.deliveries.list({
      project_name: 'mock-chat-sft',
      delivered_after: deliveries[0]?.delivered_at,
      expand: ['project'],
    });
    expect(later).toHaveLength(2);
    expect(later[0]?.project).toMatchObject({ name: 'mock-chat-sft' });
  });

  it.each([
    ['no project', '/v2/deliveries', {}, 400],
    ['no delivery', '/v2/delivery', {}, 400],
    [
      'a delivery name without a project',
      '/v2/delivery',
      { delivery_name: 'mock-chat-sft-delivery-1' },
      400,
    ],
    ['an unknown delivery', '/v2/delivery', { delivery_id: 'delivery_nope' }, 404],
    [
      'a delivery of another project',
      '/v2/delivery',
      { delivery_name: 'mock-chat-sft-delivery-1', project_name: 'mock-coding-evals' },
      404,
    ],
    ['no project on /v2/delivery/tasks', '/v2/delivery/tasks', {}, 400],
  ])('answers %s with %s', async (_name, path, query, status) => {
    const server = await serve();
    expect((await scaleFetch(server, `${path}?${qs(query)}`)).status).toBe(status);
  });

  it('GET /v2/delivery by name and project, with expand=delivery', async () => {
    const server = await serve();
    const answer = await scaleFetch(
      server,
      `/v2/delivery?${qs({ delivery_name: 'mock-rlhf-preferences-delivery-2', project_name: 'mock-rlhf-preferences', expand: ['delivery'], limit: 2 })}`,
    );
    expect(answer.status).toBe(200);
    expect((answer.body as Json).delivery).toMatchObject({
      id: server.fixtures.deliveryIds[4],
      name: 'mock-rlhf-preferences-delivery-2',
    });
  });

  it('GET /v2/delivery/tasks: delivered responses, nulls for tasks not delivered, total = page size', async () => {
    const server = await serve({ size: 400 });
    const { scale } = clients(server);
    const docs = await scale.deliveries
      .taskResponses({ project_name: 'mock-chat-sft', limit: 50 })
      .toArray();
    const delivered = docs.filter((doc) => doc.delivery_id !== null);
    const pending = docs.filter((doc) => doc.delivery_id === null);
    expect(delivered.length).toBeGreaterThan(0);
    expect(pending.length).toBeGreaterThan(0);
    expect(delivered.every((doc) => doc.delivered_at !== null && doc.response !== null)).toBe(true);
    expect(pending.every((doc) => doc.delivered_at === null && doc.response === null)).toBe(true);
    const page = await scaleFetch(
      server,
      `/v2/delivery/tasks?${qs({ project_name: 'mock-chat-sft', limit: 3 })}`,
    );
    expect((page.body as Json).total).toBe(3);
    const one = delivered[0]?.delivery_id as string;
    const byDelivery = await scale.deliveries
      .taskResponses({ project_name: 'mock-chat-sft', delivery_id: one })
      .toArray();
    expect(byDelivery.map((doc) => doc.task_id)).toEqual(
      delivered.filter((doc) => doc.delivery_id === one).map((doc) => doc.task_id),
    );
  });
});

describe('batches and projects', () => {
  it('GET /v2/batch by id or name (expand=project), 404 unknown, 400 neither', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const byId = await scale.batches.get({ batch_id: server.fixtures.batchIds[3] as string });
    expect(byId).toMatchObject({
      name: 'mock-chat-sft-batch-4',
      status: 'paused',
      project: server.fixtures.projectIds[0],
    });
    const byName = await scale.batches.get({
      batch_name: 'mock-chat-sft-batch-4',
      expand: ['project'],
    });
    expect(byName.project).toMatchObject({
      id: server.fixtures.projectIds[0],
      name: 'mock-chat-sft',
    });
    await expect(scale.batches.get({ batch_id: 'batch_nope' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(scale.batches.get({})).rejects.toBeInstanceOf(BadRequestError);
  });

  it('GET /v2/batches: every BatchStatus, filters, paging', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const all = await scale.batches.list({ limit: 4 }).toArray();
    expect(all).toHaveLength(15);
    expect(new Set(all.map((batch) => batch.status))).toEqual(
      new Set(['staging', 'in_progress', 'completed', 'paused', 'cancelled']),
    );
    const completed = await scale.batches.list({ status: 'completed' }).toArray();
    expect(completed.every((batch) => batch.completed_at !== undefined)).toBe(true);
    expect(completed).toHaveLength(3);
    const ofProject = await scale.batches
      .list({ project_name: 'mock-rlhf-preferences', created_after: '2025-01-20T00:00:00Z' })
      .toArray();
    expect(ofProject.map((batch) => batch.name)).toEqual([
      'mock-rlhf-preferences-batch-3',
      'mock-rlhf-preferences-batch-4',
      'mock-rlhf-preferences-batch-5',
    ]);
  });

  it('GET /v2/project and /v2/projects', async () => {
    const server = await serve();
    const { scale } = clients(server);
    expect((await scale.projects.get({ project_name: 'mock-coding-evals' })).id).toBe(
      server.fixtures.projectIds[2],
    );
    expect((await scale.projects.list()).map((project) => project.name)).toEqual(
      server.fixtures.projectNames,
    );
    expect(await scale.projects.list({ created_after: '2024-11-01T00:00:00Z' })).toHaveLength(2);
    await expect(scale.projects.get({})).rejects.toBeInstanceOf(BadRequestError);
    const mismatch = await scaleFetch(
      server,
      `/v2/project?${qs({ project_id: server.fixtures.projectIds[0], project_name: 'mock-coding-evals' })}`,
    );
    expect(mismatch.body).toEqual({
      status_code: 400,
      error: 'project_id and project_name name different projects.',
    });
  });
});

describe('every rendered task validates', () => {
  it("in every option combination, through the server's test mode and check()", async () => {
    const server = await serve({ size: 300 });
    const counts = new Map<string, number>();
    for (const project of server.fixtures.projectIds) {
      for (const query of [
        {},
        {
          opts: ['annotation_details', 'model_parameters', 'submissions', 'attachment_details'],
          expand: ['project', 'batch'],
        },
      ]) {
        const { items } = await walk(
          server,
          '/v2/tasks',
          { project_id: project, ...query },
          tasksOf,
        );
        for (const task of items) {
          expect(check('Task', task)).toBe(true);
          counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
        }
      }
    }
    expect([...counts.keys()].sort()).toEqual([
      'canceled',
      'completed',
      'deleted',
      'error',
      'pending',
    ]);
    expect(server.violations).toEqual([]);
  });
});

describe('GET /v2/annotation', () => {
  it('returns, by id, each detailed annotation found in rendered tasks (every type)', async () => {
    const server = await serve({ size: 300 });
    const { items } = await walk(
      server,
      '/v2/tasks',
      { project_name: 'mock-chat-sft', status: 'completed', opts: ['annotation_details'] },
      tasksOf,
    );
    const found = items.slice(0, 5).flatMap((task) => annotationsOf(task));
    expect(new Set(found.map((annotation) => annotation.type)).size).toBe(12);
    for (const annotation of found) {
      const answer = await scaleFetch(
        server,
        `/v2/annotation?${qs({ annotation_id: annotation.id as string })}`,
      );
      expect(answer).toMatchObject({ status: 200, body: annotation });
      expect(answer.body).toEqual(annotation);
      expect(check('Annotation', answer.body)).toBe(true);
    }
    expect(server.violations).toEqual([]);
  });

  it('answers 404 for ids of no annotation, 400 without annotation_id', async () => {
    const server = await serve({ size: 300 });
    const { items } = await walk(
      server,
      '/v2/tasks',
      { project_name: 'mock-chat-sft', opts: ['annotation_details'] },
      tasksOf,
    );
    const completed = items.find((task) => task.threads?.length) as Task;
    const pending = items.find((task) => task.status === 'pending') as Task;
    const hex = (task: Task) => task.task_id.slice(5);
    for (const id of [
      'an_nope',
      `an_${hex(completed)}_12`, // there are twelve, 0 to 11
      `an_${hex(pending)}_0`, // a pending task has no annotations
      `an_${hex(completed).replace(/.$/, (c: string) => (c === '0' ? '1' : '0'))}_0`, // not a task id
      `annotation_${hex(completed)}_0`,
    ]) {
      expect(await scaleFetch(server, `/v2/annotation?${qs({ annotation_id: id })}`)).toMatchObject(
        { status: 404, body: { status_code: 404, error: 'Annotation not found.' } },
      );
    }
    expect((await scaleFetch(server, '/v2/annotation')).body).toEqual({
      status_code: 400,
      error: '/query/annotation_id: must have required property annotation_id',
    });
  });
});

describe('GET /v2/schema', () => {
  it('serves the response_schema_id of every delivery doc, a JSON Schema every delivered response satisfies', async () => {
    const server = await serve({ size: 400 });
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    for (const project of server.fixtures.projectNames) {
      const { items } = await walk(
        server,
        '/v2/delivery/tasks',
        { project_name: project },
        (body) => body.docs as DeliveryTaskDoc[],
      );
      const ids = new Set(items.map((doc) => doc.response_schema_id));
      expect(ids.size).toBe(1);
      const id = [...ids][0] as string;
      const answer = await scaleFetch(server, `/v2/schema?${qs({ schema_id: id })}`);
      expect(answer.status).toBe(200);
      const schema = (answer.body as { schema: { id: string; json: string } }).schema;
      expect(schema.id).toBe(id);
      const validate = ajv.compile(JSON.parse(schema.json) as object);
      const delivered = items.filter((doc) => doc.response !== null);
      expect(delivered.length).toBeGreaterThan(0);
      for (const doc of delivered) {
        expect(validate(doc.response), JSON.stringify(validate.errors)).toBe(true);
      }
      // The schema is not a blank cheque: it refuses a response without threads, or a bad role.
      const response = delivered.find(
        (doc) => ((doc.response?.threads as unknown[] | undefined) ?? []).length > 0,
      )?.response as Json;
      const { threads: _threads, ...withoutThreads } = response;
      expect(validate(withoutThreads)).toBe(false);
      const bad = structuredClone(response) as {
        threads: { turns: { messages: Json[] }[] }[];
      };
      const turn = bad.threads[0]?.turns[0] as { messages: Json[] };
      turn.messages[0] = { role: 'robot', content: {}, source_id: 'x', annotations: [] };
      expect(validate(bad)).toBe(false);
    }
    expect(server.violations).toEqual([]);
  });

  it.each([
    ['an unknown schema', { schema_id: 'schema_nope' }, 404, 'Schema not found.'],
    ['a project id instead', { schema_id: 'mock-chat-sft' }, 404, 'Schema not found.'],
    ['no schema_id', {}, 400, '/query/schema_id: must have required property schema_id'],
  ])('answers %s with %i', async (_name, query, status, error) => {
    const server = await serve();
    expect(await scaleFetch(server, `/v2/schema?${qs(query)}`)).toMatchObject({
      status,
      body: { status_code: status, error },
    });
  });
});
