import { readFileSync } from 'node:fs';
import { BadRequestError, ConflictError, NotFoundError } from '@scale-contracts/client';
import type { V1Task, V1TaskList, V1TaskType } from '@scale-contracts/validators/scale';
import { describe, expect, it } from 'vitest';
import { V1_CREATE_OPERATIONS } from '../src/v1.js';
import { clients, qs, scaleFetch, serve } from './support.js';

/** Every v1 task, newest first, through the client's paginator. */
async function everyTask(server: Awaited<ReturnType<typeof serve>>) {
  return clients(server).scale.v1.tasks.list({ limit: 100 }).toArray();
}

/** A task of `status` (and without a unique_id when asked), from a full listing. */
function some(tasks: V1Task[], status: string, predicate: (task: V1Task) => boolean = () => true) {
  const found = tasks.find((task) => task.status === status && predicate(task));
  if (!found) {
    throw new Error(`no ${status} task`);
  }
  return found;
}

describe('GET /v1/task/{task_id}', () => {
  it('returns a fixture task; 404 for an unknown id', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const task = await scale.v1.tasks.get(server.fixtures.v1TaskIds[0] as string);
    expect(task.task_id).toBe(server.fixtures.v1TaskIds[0]);
    expect(task).toMatchObject({
      type: expect.any(String),
      project: expect.any(String),
      tags: expect.any(Array),
    });
    const error = await scale.v1.tasks.get('ffffffffffffffffffffffff').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).body).toEqual({ status_code: 404, error: 'Task not found.' });
  });
});

describe('GET /v1/tasks', () => {
  it('pages newest first with total, limit, offset, has_more and next_token; no duplicates or gaps', async () => {
    const server = await serve();
    const first = await scaleFetch(server, '/v1/tasks?limit=30');
    const page = first.body as V1TaskList;
    expect(page).toMatchObject({
      total: 200,
      limit: 30,
      offset: 0,
      has_more: true,
      next_token: expect.any(String),
    });
    const tasks = await everyTask(server);
    expect(tasks).toHaveLength(200);
    expect(new Set(tasks.map((task) => task.task_id)).size).toBe(200);
    const created = tasks.map((task) => task.created_at);
    expect(created).toEqual([...created].sort().reverse());
    expect(page.docs.map((task) => task.task_id)).toEqual(
      tasks.slice(0, 30).map((task) => task.task_id),
    );
    let token = page.next_token as string;
    let final: V1TaskList | undefined;
    while (token) {
      final = (await scaleFetch(server, `/v1/tasks?${qs({ limit: 30, next_token: token })}`))
        .body as V1TaskList;
      token = final.next_token as string;
    }
    expect(final).toMatchObject({ has_more: false, offset: 180, total: 200 });
    expect(final && 'next_token' in final).toBe(false);
  });

  it.each([
    ['status', { status: 'canceled' }, (t: V1Task) => t.status === 'canceled'],
    ['type', { type: 'comparison' }, (t: V1Task) => t.type === 'comparison'],
    [
      'project name',
      { project: 'mock-rlhf-preferences' },
      (t: V1Task) => t.project === 'mock-rlhf-preferences',
    ],
    [
      'batch name',
      { batch: 'mock-chat-sft-batch-2' },
      (t: V1Task) => t.batch === 'mock-chat-sft-batch-2',
    ],
    ['one tag', { tags: 'gold' }, (t: V1Task) => t.tags?.includes('gold') === true],
    [
      'two tags (all of them)',
      { tags: ['gold', 'owner:bob'] },
      (t: V1Task) => t.tags?.includes('gold') === true && t.tags.includes('owner:bob'),
    ],
    [
      'unique_id (several)',
      { unique_id: ['mock-v1-3', 'mock-v1-10', 'mock-v1-11'] },
      (t: V1Task) => ['mock-v1-3', 'mock-v1-10', 'mock-v1-11'].includes(t.unique_id ?? ''),
    ],
    [
      'customer_review_status',
      { customer_review_status: 'accepted' },
      (t: V1Task) => t.customer_review_status === 'accepted',
    ],
    [
      'created window',
      { start_time: '2025-02-01T00:00:00Z', end_time: '2025-02-10T00:00:00Z' },
      (t: V1Task) => t.created_at > '2025-02-01T00:00:00Z' && t.created_at < '2025-02-10T00:00:00Z',
    ],
    [
      'completed window',
      { completed_after: '2025-03-01T00:00:00Z' },
      (t: V1Task) => (t.completed_at ?? '') > '2025-03-01T00:00:00Z',
    ],
    [
      'updated window',
      { updated_before: '2025-01-15T00:00:00Z' },
      (t: V1Task) => (t.updated_at ?? '') < '2025-01-15T00:00:00Z',
    ],
  ] as const)(
    'filters by %s: exactly the matching tasks, newest first',
    async (_name, filter, matches) => {
      const server = await serve();
      const all = await everyTask(server);
      const expected = all.filter((task) => matches(task)).map((task) => task.task_id);
      expect(expected.length).toBeGreaterThan(0);
      const first = await scaleFetch(server, `/v1/tasks?${qs({ ...filter, limit: 1 })}`);
      expect((first.body as V1TaskList).total).toBe(expected.length);
      const filtered = await clients(server)
        .scale.v1.tasks.list({ ...(filter as object), limit: 7 })
        .toArray();
      expect(filtered.map((task) => task.task_id)).toEqual(expected);
    },
  );

  it.each([
    ['an unknown project', { project: 'nope' }, 404],
    ['an unknown batch', { batch: 'nope' }, 404],
    ['an unknown type', { type: 'nope' }, 400],
    ['an empty tag', { tags: '' }, 400],
    ['limit=500', { limit: 500 }, 400],
  ])('answers %s with %s', async (_name, query, status) => {
    const server = await serve();
    const answer = await scaleFetch(server, `/v1/tasks?${qs(query)}`);
    expect(answer).toMatchObject({
      status,
      body: { status_code: status, error: expect.any(String) },
    });
  });

  it('limited_response=true sends only task_id, status, metadata and project (and breaks nothing in test mode)', async () => {
    const server = await serve();
    const answer = await scaleFetch(server, '/v1/tasks?limited_response=true&limit=5');
    const docs = (answer.body as V1TaskList).docs;
    expect(docs).toHaveLength(5);
    for (const doc of docs) {
      expect(Object.keys(doc).sort()).toEqual(['metadata', 'project', 'status', 'task_id']);
    }
    expect(server.violations).toEqual([]);
  });

  it('refuses a token after the data changed, or with other filters', async () => {
    const server = await serve();
    const first = (await scaleFetch(server, '/v1/tasks?limit=10')).body as V1TaskList;
    const other = await scaleFetch(
      server,
      `/v1/tasks?${qs({ limit: 10, status: 'pending', next_token: first.next_token as string })}`,
    );
    expect(other.status).toBe(400);
    await scaleFetch(server, `/v1/task/${server.fixtures.v1TaskIds[0]}/setMetadata`, {
      method: 'POST',
      body: { a: 1 },
    });
    const stale = await scaleFetch(
      server,
      `/v1/tasks?${qs({ limit: 10, next_token: first.next_token as string })}`,
    );
    expect(stale).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('data changed') },
    });
  });
});

describe('POST /v1/task/<type>', () => {
  it('creates a pending task, findable by unique_id; a reused unique_id is a 409 with the documented body', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const body = {
      project: 'mock-chat-sft',
      batch: 'mock-chat-sft-batch-1',
      instruction: 'Would you say this item is big or small?',
      callback_url: 'http://www.example.com/callback',
      attachment_type: 'text',
      attachment: 'car',
      categories: ['big', 'small'],
      unique_id: 'product_experiment_1',
      tags: ['experiment_1', 'owner:david'],
      metadata: { owner: 'david' },
    };
    const task = await scale.v1.tasks.create('categorization', body);
    expect(task.type).toBe('categorization');
    expect(task).toMatchObject({
      type: 'categorization',
      status: 'pending',
      completed_at: null,
      instruction: body.instruction,
      callback_url: body.callback_url,
      params: { attachment_type: 'text', attachment: 'car', categories: ['big', 'small'] },
      unique_id: 'product_experiment_1',
      tags: ['experiment_1', 'owner:david'],
      metadata: { owner: 'david' },
      project: 'mock-chat-sft',
      batch: 'mock-chat-sft-batch-1',
    });
    const [found] = await scale.v1.tasks.list({ unique_id: ['product_experiment_1'] }).toArray();
    expect(found?.task_id).toBe(task.task_id);
    const error = await scale.v1.tasks.create('categorization', body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).body).toEqual({
      status_code: 409,
      error: 'A task with this unique_id already exists.',
    });
    expect((await everyTask(server))[0]?.task_id).toBe(task.task_id);
  });

  it.each([
    ['a type without a path', 'notatype', { project: 'mock-chat-sft' }, 404],
    ['a categorization without categories', 'categorization', { attachment: 'car' }, 400],
    ['an imageannotation without geometries', 'imageannotation', { attachment: 'a.jpg' }, 400],
    ['an audiotranscription without attachment', 'audiotranscription', { verbatim: true }, 400],
    [
      'six tags',
      'categorization',
      { tags: ['a', 'b', 'c', 'd', 'e', 'f'], categories: ['a'] },
      400,
    ],
    ['an unknown project', 'categorization', { project: 'nope', categories: ['a'] }, 404],
    [
      'a batch of another project',
      'categorization',
      { project: 'mock-chat-sft', batch: 'mock-coding-evals-batch-1', categories: ['a'] },
      400,
    ],
    ['a body that is not JSON', 'categorization', '{"project":', 400],
  ])('answers %s with %s', async (_name, type, body, status) => {
    const server = await serve();
    const answer = await scaleFetch(server, `/v1/task/${type}`, { method: 'POST', body });
    expect(answer).toMatchObject({
      status,
      body: { status_code: status, error: expect.any(String) },
    });
  });
});

describe('v1 task actions', () => {
  it('cancel: pending becomes canceled, canceling again answers 200, completed answers 400', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const all = await everyTask(server);
    const pending = some(all, 'pending');
    expect((await scale.v1.tasks.cancel(pending.task_id)).status).toBe('canceled');
    const again = await scale.v1.tasks.cancel(pending.task_id);
    expect(again.status).toBe('canceled');
    const completed = some(all, 'completed');
    const error = await scale.v1.tasks.cancel(completed.task_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).body).toEqual({
      status_code: 400,
      error: `Task ${completed.task_id} is completed and cannot be canceled; only pending tasks can.`,
    });
    expect((await scale.v1.tasks.get(completed.task_id)).status).toBe('completed');
  });

  it('cancel with clear_unique_id releases the unique_id for a new task', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const pending = some(
      await everyTask(server),
      'pending',
      (task) => task.unique_id !== undefined,
    );
    const canceled = await scale.v1.tasks.cancel(pending.task_id, { clearUniqueId: true });
    expect(canceled.status).toBe('canceled');
    expect(canceled.unique_id).toBeUndefined();
    const reused = await scale.v1.tasks.create('textcollection', {
      project: 'mock-chat-sft',
      attachments: [{ type: 'text', content: 'Summarise me.' }],
      fields: [{ type: 'text', field_id: 'summary', title: 'Summary' }],
      unique_id: pending.unique_id,
    });
    expect(reused.unique_id).toBe(pending.unique_id);
  });

  it('setMetadata replaces the metadata', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const id = server.fixtures.v1TaskIds[1] as string;
    expect((await scale.v1.tasks.get(id)).metadata).toHaveProperty('source');
    const updated = await scale.v1.tasks.setMetadata(id, { experiment: 'size' });
    expect(updated.metadata).toEqual({ experiment: 'size' });
    expect(updated.updated_at).not.toBe(updated.created_at);
  });

  it('audit appends a record (newest first) and sets customer_review_status; only completed tasks', async () => {
    const server = await serve({ now: () => Date.UTC(2026, 0, 1) });
    const { scale } = clients(server);
    const all = await everyTask(server);
    const completed = some(all, 'completed');
    const before = completed.audits?.length ?? 0;
    const audited = await scale.v1.tasks.audit(completed.task_id, {
      accepted: false,
      comments: 'Box misses the mirror.',
    });
    expect(audited.audits).toHaveLength(before + 1);
    expect(audited.audits?.[0]).toMatchObject({
      audit_result: 'rejected',
      audit_source: 'customer',
      audited_at: '2026-01-01T00:00:00.000Z',
    });
    expect(audited.customer_review_status).toBe('rejected');
    expect((await scale.v1.tasks.audit(completed.task_id, { accepted: true })).audits).toHaveLength(
      before + 2,
    );
    await expect(
      scale.v1.tasks.audit(some(all, 'pending').task_id, { accepted: true }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });

  it('unique_id: set, 409 when another task holds it, delete', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const [a, b] = server.fixtures.v1TaskIds as [string, string];
    expect((await scale.v1.tasks.setUniqueId(a, 'shared-key')).unique_id).toBe('shared-key');
    expect((await scale.v1.tasks.setUniqueId(a, 'shared-key')).unique_id).toBe('shared-key');
    const error = await scale.v1.tasks.setUniqueId(b, 'shared-key').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).body).toEqual({
      status_code: 409,
      error: 'This unique_id is already used by another task.',
    });
    expect((await scale.v1.tasks.deleteUniqueId(a)).unique_id).toBeUndefined();
    expect((await scale.v1.tasks.setUniqueId(b, 'shared-key')).unique_id).toBe('shared-key');
  });

  it('tags: replace, add (a set), delete; more than 5 answers 400 and changes nothing', async () => {
    const server = await serve();
    const { scale } = clients(server);
    const id = server.fixtures.v1TaskIds[2] as string;
    expect((await scale.v1.tasks.setTags(id, ['a', 'b'])).tags).toEqual(['a', 'b']);
    expect((await scale.v1.tasks.addTags(id, ['b', 'c'])).tags).toEqual(['a', 'b', 'c']);
    expect((await scale.v1.tasks.deleteTags(id, ['a', 'zzz'])).tags).toEqual(['b', 'c']);
    const error = await scale.v1.tasks.addTags(id, ['d', 'e', 'f', 'g']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).body).toEqual({
      status_code: 400,
      error: 'A task carries at most 5 tags; this change would leave 6.',
    });
    await expect(scale.v1.tasks.setTags(id, ['1', '2', '3', '4', '5', '6'])).rejects.toBeInstanceOf(
      BadRequestError,
    );
    expect((await scale.v1.tasks.get(id)).tags).toEqual(['b', 'c']);
    expect(
      (await scale.v1.tasks.list({ tags: ['c'] }).toArray()).map((task) => task.task_id),
    ).toContain(id);
  });

  it.each([
    ['cancel', 'POST', 'cancel', undefined],
    ['setMetadata', 'POST', 'setMetadata', {}],
    ['audit', 'POST', 'audit', { accepted: true }],
    ['unique_id', 'POST', 'unique_id', { unique_id: 'x' }],
    ['unique_id', 'DELETE', 'unique_id', undefined],
    ['tags', 'POST', 'tags', ['x']],
    ['tags', 'PUT', 'tags', ['x']],
    ['tags', 'DELETE', 'tags', ['x']],
  ])('%s (%s) answers 404 for an unknown task', async (_name, method, action, body) => {
    const server = await serve();
    const answer = await scaleFetch(server, `/v1/task/ffffffffffffffffffffffff/${action}`, {
      method,
      body,
    });
    expect(answer).toMatchObject({
      status: 404,
      body: { status_code: 404, error: 'Task not found.' },
    });
  });
});

/** The bundled spec: each creation operation's request example and 200 example. */
const bundle = JSON.parse(
  readFileSync(new URL('../../../openapi/dist/scale.json', import.meta.url), 'utf8'),
) as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: { V1TaskType: { enum: string[] } } };
};
interface Example {
  value: Record<string, unknown>;
}
const creations = V1_CREATE_OPERATIONS.map(({ operationId, type }) => {
  const post = bundle.paths[`/v1/task/${type}`]?.post as {
    operationId: string;
    requestBody: { content: { 'application/json': { examples: Record<string, Example> } } };
    responses: {
      '200': { content: { 'application/json': { examples: Record<string, Example> } } };
    };
  };
  const [request] = Object.values(post.requestBody.content['application/json'].examples);
  const [created] = Object.values(post.responses['200'].content['application/json'].examples);
  return { operationId, type, request: request?.value, created: created?.value };
});

describe('POST /v1/task/<type>: one operation per task type', () => {
  it('has an operation for each V1TaskType and nothing else, audiotranscription included', () => {
    expect(creations.map(({ type }) => type).sort()).toEqual(
      [...bundle.components.schemas.V1TaskType.enum].sort(),
    );
    expect(creations).toHaveLength(32);
    expect(creations.find(({ type }) => type === 'audiotranscription')?.operationId).toBe(
      'createV1AudioTranscriptionTask',
    );
  });

  it.each(creations)(
    '$operationId: the request example creates the 200 example (type from the path, the rest in params)',
    async ({ type, request, created }) => {
      const server = await serve({ now: () => Date.parse('2025-01-01T00:00:00.000Z') });
      // The examples name projects of a real account; the mock has its own three.
      const body =
        request?.project === undefined ? request : { ...request, project: 'mock-chat-sft' };
      const answer = await scaleFetch(server, `/v1/task/${type}`, { method: 'POST', body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const task = answer.body as V1Task;
      const { task_id: _exampleId, project: _exampleProject, ...expected } = created as V1Task;
      expect(task).toMatchObject(expected);
      expect(task.type).toBe(type);
      expect(task.params).toEqual(expected.params);
      const fetched = await scaleFetch(server, `/v1/task/${task.task_id}`);
      expect(fetched.body).toEqual(task);
      const listed = await clients(server)
        .scale.v1.tasks.list({ type: type as V1TaskType, limit: 100 })
        .toArray();
      expect(listed.map((item) => item.task_id)).toContain(task.task_id);
      expect(server.violations).toEqual([]);
    },
  );

  it.each(creations)(
    '$operationId: a reused unique_id is a 409 that creates nothing',
    async ({ type, request }) => {
      const server = await serve();
      const body = { ...request, project: 'mock-chat-sft', unique_id: `dup-${type}` };
      expect((await scaleFetch(server, `/v1/task/${type}`, { method: 'POST', body })).status).toBe(
        200,
      );
      const again = await scaleFetch(server, `/v1/task/${type}`, { method: 'POST', body });
      expect(again).toMatchObject({
        status: 409,
        body: { status_code: 409, error: 'A task with this unique_id already exists.' },
      });
      const listed = await scaleFetch(server, `/v1/tasks?${qs({ unique_id: `dup-${type}` })}`);
      expect((listed.body as V1TaskList).total).toBe(1);
    },
  );

  it('answers GET on a creation path as a task id (404), not as the creation', async () => {
    const server = await serve();
    expect(await scaleFetch(server, '/v1/task/categorization')).toMatchObject({
      status: 404,
      body: { error: 'Task not found.' },
    });
  });
});

describe('GET /v1/tasks?offset= (legacy offset paging)', () => {
  it('pages by offset until has_more is false: exactly the next_token listing, no duplicates', async () => {
    const server = await serve();
    const expected = (await everyTask(server)).map((task) => task.task_id);
    const ids: string[] = [];
    const offsets: number[] = [];
    let offset = 0;
    let page: V1TaskList;
    do {
      page = (await scaleFetch(server, `/v1/tasks?${qs({ limit: 30, offset })}`))
        .body as V1TaskList;
      offsets.push(page.offset as number);
      ids.push(...page.docs.map((task) => task.task_id));
      offset += page.limit;
    } while (page.has_more);
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(200);
    expect(offsets).toEqual([0, 30, 60, 90, 120, 150, 180]);
    expect(page).toMatchObject({ total: 200, has_more: false });
    expect('next_token' in page).toBe(false);
  });

  it('offsets the filtered list, and its next_token continues where the page ends', async () => {
    const server = await serve();
    const all = (await everyTask(server)).filter((task) => task.type === 'comparison');
    const page = (
      await scaleFetch(server, `/v1/tasks?${qs({ type: 'comparison', limit: 3, offset: 2 })}`)
    ).body as V1TaskList;
    expect(page).toMatchObject({ offset: 2, limit: 3, total: all.length, has_more: true });
    expect(page.docs.map((task) => task.task_id)).toEqual(
      all.slice(2, 5).map((task) => task.task_id),
    );
    const next = (
      await scaleFetch(
        server,
        `/v1/tasks?${qs({ type: 'comparison', limit: 3, next_token: page.next_token as string })}`,
      )
    ).body as V1TaskList;
    expect(next.offset).toBe(5);
    expect(next.docs.map((task) => task.task_id)).toEqual(
      all.slice(5, 8).map((task) => task.task_id),
    );
  });

  it.each([
    ['at the end', 200],
    ['past the end', 5000],
  ])('an offset %s is an empty last page that echoes the offset', async (_name, offset) => {
    const server = await serve();
    const page = (await scaleFetch(server, `/v1/tasks?${qs({ limit: 10, offset })}`))
      .body as V1TaskList;
    expect(page).toEqual({ docs: [], total: 200, limit: 10, offset, has_more: false });
  });

  it.each([
    [
      'offset with next_token',
      { offset: 0, next_token: 'x' },
      '/query/offset: not combinable with next_token',
    ],
    ['a negative offset', { offset: -1 }, '/query/offset: must be >= 0'],
    ['a fractional offset', { offset: 1.5 }, '/query/offset'],
    ['a word', { offset: 'ten' }, '/query/offset'],
  ] as const)('refuses %s with 400 naming the parameter', async (_name, query, message) => {
    const server = await serve();
    const first = (await scaleFetch(server, '/v1/tasks?limit=1')).body as V1TaskList;
    const withToken =
      'next_token' in query ? { ...query, next_token: first.next_token as string } : query;
    const answer = await scaleFetch(server, `/v1/tasks?${qs(withToken)}`);
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }).error).toContain(message);
  });
});
