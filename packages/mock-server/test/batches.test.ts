import type { Batch, Task } from '@scale-contracts/validators/scale';
import { describe, expect, it } from 'vitest';
import type { MockServer } from '../src/index.js';
import { qs, scaleFetch, serve, walk } from './support.js';

type Json = Record<string, unknown>;

const post = (server: MockServer, path: string, body: unknown) =>
  scaleFetch(server, path, { method: 'POST', body });
const getBatch = async (server: MockServer, query: Json) =>
  (await scaleFetch(server, `/v2/batch?${qs(query as never)}`)).body as Batch;

/** The seeded batches of mock-chat-sft: batch k (1 to 5) is in the k-th BatchStatus. */
const SEEDED = {
  staging: 'mock-chat-sft-batch-1',
  in_progress: 'mock-chat-sft-batch-2',
  completed: 'mock-chat-sft-batch-3',
  paused: 'mock-chat-sft-batch-4',
  cancelled: 'mock-chat-sft-batch-5',
} as const;
type Status = keyof typeof SEEDED;

describe('the batch lifecycle', () => {
  it('create staging, list it, add a task, finalize, pause, resume, set metadata, cancel; pause after cancel is a 400', async () => {
    const server = await serve();
    const project = server.fixtures.projectIds[1] as string;
    const created = await post(server, '/v2/batch', {
      name: 'lifecycle-1',
      project_name: 'mock-rlhf-preferences',
      staging_batch: true,
      callback: 'ops@example.com',
      metadata: { team: 'post-training', nested: { a: 1 } },
    });
    expect(created.status).toBe(200);
    const batch = created.body as Batch;
    expect(batch).toMatchObject({
      id: expect.stringMatching(/^batch_[0-9a-f]{24}$/),
      name: 'lifecycle-1',
      project,
      status: 'staging',
      callback: 'ops@example.com',
      metadata: { team: 'post-training', nested: { a: 1 } },
    });
    expect(batch.completed_at).toBeUndefined();
    expect(server.fixtures.batchIds).not.toContain(batch.id);

    // Visible to getBatch (by id and by name, expand=project) and to getBatches.
    expect(await getBatch(server, { batch_id: batch.id })).toEqual(batch);
    expect(
      (await getBatch(server, { batch_name: 'lifecycle-1', expand: ['project'] })).project,
    ).toMatchObject({ id: project, name: 'mock-rlhf-preferences' });
    const staging = await walk(
      server,
      '/v2/batches',
      { project_id: project, status: 'staging', limit: 1 },
      (body) => body.batches as Batch[],
    );
    expect(staging.items.map((item) => item.name)).toEqual([
      'mock-rlhf-preferences-batch-1',
      'lifecycle-1',
    ]);

    // A task created into it, by name, is in the batch's listing.
    const task = (
      await post(server, '/v2/task/chat', {
        project_id: project,
        batch_name: 'lifecycle-1',
        template_variables: { prompt: 'Hi' },
      })
    ).body as Task;
    expect(task).toMatchObject({ batch: batch.id, status: 'pending' });
    const inBatch = await walk(
      server,
      '/v2/tasks',
      { batch_id: batch.id },
      (body) => body.tasks as Task[],
    );
    expect(inBatch.items.map((item) => item.task_id)).toEqual([task.task_id]);

    // finalize (twice: idempotent), pause, resume; each change persists.
    const finalized = await post(server, '/v2/batch/finalize', { batch_id: batch.id });
    expect(finalized).toMatchObject({ status: 200, body: { ...batch, status: 'in_progress' } });
    const again = await post(server, '/v2/batch/finalize', { batch_name: 'lifecycle-1' });
    expect(again.body).toEqual(finalized.body);
    const paused = await post(server, '/v2/batch/pause', { batch_id: batch.id });
    expect(paused).toMatchObject({
      status: 200,
      body: { batch: { id: batch.id, status: 'paused' }, message: expect.any(String) },
    });
    expect((await getBatch(server, { batch_id: batch.id })).status).toBe('paused');
    const resumed = await post(server, '/v2/batch/resume', { batch_name: 'lifecycle-1' });
    expect(resumed.body).toMatchObject({
      batch: { status: 'in_progress' },
      message: 'Batch resumed.',
    });

    // Metadata: deep merge, then replace.
    const merged = await post(server, '/v2/batch/metadata', {
      batch_id: batch.id,
      metadata: { nested: { b: 2 }, reviewed: true },
      merge: true,
    });
    expect((merged.body as Batch).metadata).toEqual({
      team: 'post-training',
      nested: { a: 1, b: 2 },
      reviewed: true,
    });
    const replaced = await post(server, '/v2/batch/metadata', {
      batch_name: 'lifecycle-1',
      metadata: { only: 'this' },
    });
    expect((replaced.body as Batch).metadata).toEqual({ only: 'this' });
    expect(await getBatch(server, { batch_id: batch.id })).toMatchObject({
      status: 'in_progress',
      metadata: { only: 'this' },
    });

    // Cancel: the batch and its pending task.
    const cancelled = await post(server, '/v2/batch/cancel', { batch_id: batch.id });
    expect(cancelled.body).toEqual({
      batch: { ...batch, status: 'cancelled', metadata: { only: 'this' } },
      message: 'Batch cancelled; 1 pending task was canceled.',
    });
    const after = await scaleFetch(server, `/v2/task?${qs({ task_id: task.task_id })}`);
    expect((after.body as Task).status).toBe('canceled');

    const refused = await post(server, '/v2/batch/pause', { batch_id: batch.id });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        status_code: 400,
        error:
          'Batch lifecycle-1 cannot be paused: it is cancelled. Only an in_progress batch can be paused.',
      },
    });
    expect((await getBatch(server, { batch_id: batch.id })).status).toBe('cancelled');
    expect(server.violations).toEqual([]);
  });

  it('starts in_progress without staging_batch, with metadata {} and no callback when none is given', async () => {
    const server = await serve();
    const answer = await post(server, '/v2/batch', {
      name: 'plain',
      project_id: server.fixtures.projectIds[2],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'in_progress', metadata: {} });
    expect(Object.keys(answer.body as Json)).not.toContain('callback');
    // Created batches get distinct ids, the same ones for the same seed.
    const second = await post(server, '/v2/batch', {
      name: 'plain-2',
      project_id: server.fixtures.projectIds[2],
    });
    expect((second.body as Batch).id).not.toBe((answer.body as Batch).id);
    const other = await serve();
    const replay = await post(other, '/v2/batch', {
      name: 'plain',
      project_id: server.fixtures.projectIds[2],
    });
    expect((replay.body as Batch).id).toBe((answer.body as Batch).id);
  });
});

describe('POST /v2/batch errors', () => {
  it.each([
    [
      'a name used in the project',
      { name: 'mock-chat-sft-batch-2', project_name: 'mock-chat-sft' },
      409,
      'A batch named mock-chat-sft-batch-2 already exists in this project.',
    ],
    [
      'a name used in another project (getBatch by name names no project)',
      { name: 'mock-chat-sft-batch-2', project_name: 'mock-coding-evals' },
      409,
      'A batch named mock-chat-sft-batch-2 already exists in project mock-chat-sft (a batch name identifies one batch of the account).',
    ],
    ['no project', { name: 'x' }, 400, 'Please include a project_id or a project_name.'],
    ['an unknown project', { name: 'x', project_id: 'project_nope' }, 404, 'Project not found.'],
    [
      'project_id and project_name of different projects',
      { name: 'x', project_id: 'project_nope', project_name: 'mock-chat-sft' },
      404,
      'Project not found.',
    ],
    ['an empty name', { name: ' ', project_name: 'mock-chat-sft' }, 400, 'name must not be empty.'],
    [
      'no name',
      { project_name: 'mock-chat-sft' },
      400,
      '/body/name: must have required property name',
    ],
    [
      'a number as name',
      { name: 7, project_name: 'mock-chat-sft' },
      400,
      '/body/name: must be string',
    ],
    [
      'a string as staging_batch',
      { name: 'x', project_name: 'mock-chat-sft', staging_batch: 'yes' },
      400,
      '/body/staging_batch: must be boolean',
    ],
    [
      'an array as metadata',
      { name: 'x', project_name: 'mock-chat-sft', metadata: [1] },
      400,
      '/body/metadata: must be object',
    ],
  ])('answers %s with the documented error', async (_name, body, status, error) => {
    const server = await serve();
    const answer = await post(server, '/v2/batch', body);
    expect(answer).toMatchObject({ status, body: { status_code: status, error } });
    // Nothing was created.
    const all = await walk(server, '/v2/batches', {}, (page) => page.batches as Batch[]);
    expect(all.items).toHaveLength(15);
    expect(server.violations).toEqual([]);
  });

  it('a 409 leaves the first batch as it was', async () => {
    const server = await serve();
    const first = await post(server, '/v2/batch', {
      name: 'dup',
      project_name: 'mock-chat-sft',
      metadata: { v: 1 },
    });
    const second = await post(server, '/v2/batch', {
      name: 'dup',
      project_name: 'mock-chat-sft',
      staging_batch: true,
      metadata: { v: 2 },
    });
    expect(second.status).toBe(409);
    expect(await getBatch(server, { batch_name: 'dup' })).toEqual(first.body);
  });
});

describe('lifecycle transitions from every status', () => {
  /** Per operation: the status each seeded status moves to, or 400. */
  const table: [string, string, Record<Status, Status | 400>][] = [
    [
      'finalize',
      'finalized',
      {
        staging: 'in_progress',
        in_progress: 'in_progress',
        completed: 400,
        paused: 400,
        cancelled: 400,
      },
    ],
    [
      'pause',
      'paused',
      { staging: 400, in_progress: 'paused', completed: 400, paused: 400, cancelled: 400 },
    ],
    [
      'resume',
      'resumed',
      { staging: 400, in_progress: 400, completed: 400, paused: 'in_progress', cancelled: 400 },
    ],
    [
      'cancel',
      'cancelled',
      {
        staging: 'cancelled',
        in_progress: 'cancelled',
        completed: 400,
        paused: 'cancelled',
        cancelled: 400,
      },
    ],
  ];

  it.each(table)('%s', async (operation, done, outcomes) => {
    const server = await serve();
    for (const [from, outcome] of Object.entries(outcomes) as [Status, Status | 400][]) {
      const name = SEEDED[from];
      const answer = await post(server, `/v2/batch/${operation}`, { batch_name: name });
      const now = await getBatch(server, { batch_name: name });
      if (outcome === 400) {
        expect(answer.status, `${operation} from ${from}`).toBe(400);
        // The message says which batch, what was refused and why.
        expect((answer.body as Json).error).toMatch(
          new RegExp(`^Batch ${name} cannot be ${done}: it is (already )?${from}`),
        );
        expect(now.status).toBe(from);
      } else {
        expect(answer.status, `${operation} from ${from}`).toBe(200);
        const batch = operation === 'finalize' ? answer.body : (answer.body as Json).batch;
        expect(batch).toMatchObject({ name, status: outcome });
        expect(now.status).toBe(outcome);
      }
    }
    expect(server.violations).toEqual([]);
  });

  it.each([
    ['neither batch_id nor batch_name', {}, 400, 'Please include a batch_id or a batch_name.'],
    ['an unknown batch_id', { batch_id: 'batch_nope' }, 404, 'Batch not found.'],
    [
      'batch_id and batch_name of different batches',
      { batch_id: 'SEEDED_0', batch_name: 'mock-chat-sft-batch-2' },
      400,
      'batch_id and batch_name name different batches.',
    ],
    ['a number as batch_id', { batch_id: 12 }, 400, '/body/batch_id: must be string'],
  ])('every lifecycle operation answers %s with %s', async (_name, body, status, error) => {
    const server = await serve();
    const resolved = Object.fromEntries(
      Object.entries(body).map(([key, value]) => [
        key,
        value === 'SEEDED_0' ? server.fixtures.batchIds[0] : value,
      ]),
    );
    for (const operation of ['finalize', 'pause', 'resume', 'cancel']) {
      expect(await post(server, `/v2/batch/${operation}`, resolved)).toMatchObject({
        status,
        body: { status_code: status, error },
      });
    }
    expect(
      await post(server, '/v2/batch/metadata', { ...resolved, metadata: { a: 1 } }),
    ).toMatchObject({ status, body: { error } });
  });

  it('a body that is not JSON, or none, is a 400', async () => {
    const server = await serve();
    expect((await post(server, '/v2/batch/cancel', '{"batch_id": ')).body).toEqual({
      status_code: 400,
      error: '/body: not valid JSON',
    });
    expect((await scaleFetch(server, '/v2/batch/pause', { method: 'POST' })).body).toEqual({
      status_code: 400,
      error: '/body: pauseBatch requires a request body',
    });
    expect(
      (await post(server, '/v2/batch/metadata', { batch_name: SEEDED.paused, metadata: 'x' })).body,
    ).toEqual({ status_code: 400, error: '/body/metadata: must be object' });
  });
});

describe('cancelling a batch', () => {
  it("cancels exactly the batch's pending tasks, and tokens of listings from before are refused", async () => {
    const server = await serve({ size: 600 });
    const batchId = server.fixtures.batchIds[1] as string; // mock-chat-sft-batch-2, in_progress
    const before = await walk(server, '/v2/tasks', { batch_id: batchId }, (b) => b.tasks as Task[]);
    const pending = before.items.filter((task) => task.status === 'pending');
    expect(pending.length).toBeGreaterThan(1);
    const firstPage = await scaleFetch(server, `/v2/tasks?${qs({ batch_id: batchId, limit: 2 })}`);
    const taskToken = (firstPage.body as Json).next_token as string;
    const batchesPage = await scaleFetch(server, `/v2/batches?${qs({ limit: 2 })}`);
    const batchToken = (batchesPage.body as Json).next_token as string;

    const answer = await post(server, '/v2/batch/cancel', { batch_id: batchId });
    expect((answer.body as Json).message).toBe(
      `Batch cancelled; ${pending.length} pending tasks were canceled.`,
    );
    const after = await walk(server, '/v2/tasks', { batch_id: batchId }, (b) => b.tasks as Task[]);
    expect(after.items.map((task) => task.task_id)).toEqual(before.items.map((t) => t.task_id));
    after.items.forEach((task, i) => {
      const was = before.items[i]?.status;
      expect(task.status).toBe(was === 'pending' ? 'canceled' : was);
    });
    // Another batch's pending tasks are untouched.
    const other = await walk(
      server,
      '/v2/tasks',
      { batch_id: server.fixtures.batchIds[0] as string, status: 'pending' },
      (b) => b.tasks as Task[],
    );
    expect(other.items.length).toBeGreaterThan(0);

    for (const [path, query] of [
      ['/v2/tasks', { batch_id: batchId, limit: 2, next_token: taskToken }],
      ['/v2/batches', { limit: 2, next_token: batchToken }],
    ] as const) {
      expect(await scaleFetch(server, `${path}?${qs(query)}`)).toMatchObject({
        status: 400,
        body: { error: expect.stringContaining('data changed') },
      });
    }
    expect(server.violations).toEqual([]);
  });

  it('a status filter of GET /v2/batches follows the new statuses', async () => {
    const server = await serve();
    const list = async (status: string) =>
      (
        await walk(server, '/v2/batches', { status, project_name: 'mock-chat-sft' }, (b) =>
          (b.batches as Batch[]).map((batch) => batch.name),
        )
      ).items;
    expect(await list('paused')).toEqual([SEEDED.paused]);
    await post(server, '/v2/batch/pause', { batch_name: SEEDED.in_progress });
    expect(await list('paused')).toEqual([SEEDED.in_progress, SEEDED.paused]);
    expect(await list('in_progress')).toEqual([]);
  });
});
