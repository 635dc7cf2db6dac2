import {
  NotFoundError,
  ResponseValidationError,
  UnprocessableEntityError,
} from '@scale-contracts/client';
import { check, type EvaluationTask, errors } from '@scale-contracts/validators/sgp';
import { describe, expect, it } from 'vitest';
import { clients, serve, sgpFetch } from './support.js';

const START = Date.UTC(2025, 5, 1, 12);
const HOUR = 3_600_000;

/** A mock whose clock the test moves. */
async function serveWithClock(size = 200) {
  const clock = { now: START };
  const server = await serve({ size, now: () => clock.now });
  return { server, clock, ...clients(server) };
}

/** Claims until the server answers null; returns what was claimed. */
async function claimAll(claim: () => Promise<EvaluationTask | null>) {
  const claimed: EvaluationTask[] = [];
  for (let task = await claim(); task !== null; task = await claim()) {
    claimed.push(task);
    if (claimed.length > 1000) {
      throw new Error('claims never ran out');
    }
  }
  return claimed;
}

describe('POST /v4/evaluations/{evaluation_id}/claim-task', () => {
  it('hands out each unassigned task once, to the caller, for an hour, then null', async () => {
    const { server, sgp } = await serveWithClock();
    const evaluation = server.fixtures.evaluationIds[0] as string;
    const claimed = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    expect(claimed.length).toBeGreaterThan(5);
    expect(new Set(claimed.map((task) => task.id)).size).toBe(claimed.length);
    const caller = claimed[0]?.assigned_to;
    expect(caller).toMatch(/^user_[0-9a-f]{16}$/);
    for (const task of claimed) {
      expect(task).toMatchObject({
        task_type: 'EVALUATION_ANNOTATION',
        status: 'PENDING',
        task_entity_parent_id: evaluation,
        assigned_to: caller,
        assignment_expires_at: new Date(START + HOUR).toISOString(),
        task_entity: { test_case_evaluation_data_schema: 'GENERATION', label_status: 'PENDING' },
      });
    }
    // Highest priority first.
    const priorities = claimed.map((task) => task.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    const raw = await sgpFetch(server, `/v4/evaluations/${evaluation}/claim-task`, {
      method: 'POST',
    });
    expect(raw).toMatchObject({ status: 200, body: null });
    expect(raw.headers.get('content-type')).toBe('application/json');
  });

  it('claims the task type asked for; the FLEXIBLE evaluation carries FLEXIBLE results', async () => {
    const { server, sgp } = await serveWithClock();
    const evaluation = server.fixtures.evaluationIds[1] as string;
    const audits = await claimAll(() =>
      sgp.evaluations.tasks.claim(evaluation, { taskType: 'EVALUATION_AUDIT' }),
    );
    expect(audits.length).toBeGreaterThan(0);
    expect(audits.every((task) => task.task_type === 'EVALUATION_AUDIT')).toBe(true);
    expect(
      await sgp.evaluations.tasks.claim(evaluation, { taskType: 'CONTRIBUTOR_AUDIT' }),
    ).toBeNull();
    const task = await sgp.evaluations.tasks.claim(evaluation);
    expect(task?.task_entity?.test_case_evaluation_data_schema).toBe('FLEXIBLE');
  });

  it('an expired assignment makes the task claimable again', async () => {
    const { server, clock, sgp } = await serveWithClock(50);
    const evaluation = server.fixtures.evaluationIds[2] as string;
    const first = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    expect(first.length).toBeGreaterThan(0);
    clock.now = START + HOUR - 1;
    expect(await sgp.evaluations.tasks.claim(evaluation)).toBeNull();
    clock.now = START + HOUR;
    const again = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    expect(again.map((task) => task.id)).toEqual(first.map((task) => task.id));
    expect(again[0]?.assignment_expires_at).toBe(new Date(START + 2 * HOUR).toISOString());
  });

  it('skip_current releases the current claim and hands out another task', async () => {
    const { server, sgp } = await serveWithClock();
    const evaluation = server.fixtures.evaluationIds[0] as string;
    const first = (await sgp.evaluations.tasks.claim(evaluation)) as EvaluationTask;
    const second = (await sgp.evaluations.tasks.claim(evaluation, {
      skip_current: true,
    })) as EvaluationTask;
    expect(second.id).not.toBe(first.id);
    const released = await sgp.evaluations.tasks.update(evaluation, first.id, {});
    // FastAPI sends an unset optional field as null, and so does the mock.
    expect(released?.assigned_to).toBeNull();
    expect(released?.assignment_expires_at).toBeNull();
    const rest = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    expect(rest.map((task) => task.id)).not.toContain(first.id);
  });

  it.each([
    ['an unknown evaluation', 'nope', '', 404, { detail: 'Evaluation not found.' }],
    [
      'an unknown task_type',
      'EVAL',
      '?task_type=SOMETHING',
      422,
      {
        detail: [{ loc: ['query', 'task_type'], msg: expect.any(String), type: 'enum' }],
      },
    ],
  ])('answers %s with %s', async (_name, evaluation, query, status, body) => {
    const server = await serve();
    const id = evaluation === 'EVAL' ? server.fixtures.evaluationIds[0] : evaluation;
    const answer = await sgpFetch(server, `/v4/evaluations/${id}/claim-task${query}`, {
      method: 'POST',
      body: {},
    });
    expect(answer).toMatchObject({ status, body });
  });
});

describe('PATCH /v4/evaluations/{evaluation_id}/tasks/{task_id}', () => {
  it('assigns the task; a manually assigned task is not claimable', async () => {
    const { server, clock, sgp } = await serveWithClock(50);
    const evaluation = server.fixtures.evaluationIds[0] as string;
    const claimed = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    const target = claimed[0] as EvaluationTask;
    const updated = await sgp.evaluations.tasks.update(evaluation, target.id, {
      assigned_to: 'user_42',
    });
    expect(updated).toMatchObject({ id: target.id, assigned_to: 'user_42' });
    expect(updated?.assignment_expires_at).toBeNull();
    expect(await sgp.evaluations.tasks.claim(evaluation)).toBeNull();
    // Once the claims expire, every task but the manually assigned one is claimable again.
    clock.now = START + 2 * HOUR;
    const again = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    expect(again.map((task) => task.id)).toEqual(claimed.slice(1).map((task) => task.id));
  });

  it.each([
    ['an unknown task', 'task', 404, { detail: 'Task not found.' }],
    ['an unknown evaluation', 'evaluation', 404, { detail: 'Evaluation not found.' }],
    ['a task of another evaluation', 'other', 404, { detail: 'Task not found.' }],
    [
      'a number as assigned_to',
      'body',
      422,
      { detail: [{ loc: ['body', 'assigned_to'], msg: 'must be string', type: 'type_error' }] },
    ],
  ])('answers %s with %s', async (_name, what, status, body) => {
    const { server, sgp } = await serveWithClock();
    const [e0, e1] = server.fixtures.evaluationIds as [string, string];
    const task = (await sgp.evaluations.tasks.claim(e0)) as EvaluationTask;
    const path = {
      task: `/v4/evaluations/${e0}/tasks/nope`,
      evaluation: `/v4/evaluations/nope/tasks/${task.id}`,
      other: `/v4/evaluations/${e1}/tasks/${task.id}`,
      body: `/v4/evaluations/${e0}/tasks/${task.id}`,
    }[what] as string;
    const answer = await sgpFetch(server, path, {
      method: 'PATCH',
      body: { assigned_to: what === 'body' ? 5 : 'user_1' },
    });
    expect(answer).toMatchObject({ status, body });
  });
});

describe('PATCH /v4/evaluations/{evaluation_id}/tasks/batch-assign', () => {
  it('assigns every listed task, or none when one is unknown (404)', async () => {
    const { server, sgp } = await serveWithClock(50);
    const evaluation = server.fixtures.evaluationIds[0] as string;
    const claimed = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    const ids = claimed.slice(0, 3).map((task) => task.id);
    const assigned = await sgp.evaluations.tasks.batchAssign(evaluation, {
      task_ids: ids,
      assigned_to: 'user_7',
    });
    expect(assigned?.map((task) => [task.id, task.assigned_to])).toEqual(
      ids.map((id) => [id, 'user_7']),
    );
    const error = await sgp.evaluations.tasks
      .batchAssign(evaluation, { task_ids: [ids[0] as string, 'nope'], assigned_to: 'user_8' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).body).toEqual({
      detail: 'Tasks not found in this evaluation: nope.',
    });
    expect((await sgp.evaluations.tasks.update(evaluation, ids[0] as string))?.assigned_to).toBe(
      'user_7',
    );
    const mine = await sgp.evaluations.tasks.batchAssign(evaluation, {
      task_ids: [ids[1] as string],
    });
    expect(mine?.[0]?.assigned_to).toBe(claimed[0]?.assigned_to);
  });

  it.each([
    [
      'no task_ids',
      {},
      [{ loc: ['body', 'task_ids'], msg: 'must have required property task_ids', type: 'missing' }],
    ],
    [
      'an empty list',
      { task_ids: [] },
      [{ loc: ['body', 'task_ids'], msg: expect.any(String), type: 'too_short' }],
    ],
    [
      'an empty id',
      { task_ids: ['a', ''] },
      [{ loc: ['body', 'task_ids', 1], msg: expect.any(String), type: 'string_too_short' }],
    ],
  ])('answers %s with 422 and FastAPI loc', async (_name, body, detail) => {
    const server = await serve();
    const { sgp } = clients(server);
    const error = await sgp.evaluations.tasks
      .batchAssign(server.fixtures.evaluationIds[0] as string, body as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).body).toEqual({ detail });
  });
});

/** A task as SGP (FastAPI) may send it: unset optional fields as null, plain FlexibleValues. */
function taskWithNulls(): EvaluationTask {
  return {
    id: 'task_nulls',
    task_type: 'EVALUATION_AUDIT',
    task_entity_parent_id: 'evaluation_nulls',
    task_entity_id: 'result_nulls',
    account_id: 'account_nulls',
    assigned_to: null,
    assignment_expires_at: null,
    status: 'PENDING',
    priority: 1,
    task_entity: {
      id: 'result_nulls',
      account_id: 'account_nulls',
      application_spec_id: 'spec_nulls',
      created_at: '2025-06-01T12:00:00Z',
      created_by_user_id: 'user_1',
      evaluation_id: 'evaluation_nulls',
      evaluation_dataset_id: 'dataset_nulls',
      evaluation_dataset_version_num: '3',
      test_case_id: 'case_nulls',
      label_status: 'PENDING',
      result: null,
      audit_status: null,
      audit_required: null,
      audit_comment: null,
      completed_at: null,
      time_spent_labeling_s: null,
      application_test_case_output_id: null,
      annotated_by_user_id: null,
      archived_at: null,
      edited_by: null,
      test_case_evaluation_data_schema: null,
      test_case_evaluation_data: {
        generation_output: {
          answer: 'Open 9 to 5.',
          grounded: true,
          escalated: false,
          follow_up: null,
          tags: ['hours', 2025, true, null],
          sources: [
            { text: 'Opening hours', metadata: 'kb/hours.md' },
            { text: 'Holidays', metadata: null },
          ],
          conversation: [
            { content: [{ type: 'text', text: 'When do you open?' }] },
            { role: null, content: 'Open 9 to 5.' },
          ],
        },
        generation_extra_info: { chunks: [{ text: 'Opening hours', metadata: [1, 2] }] },
      },
    },
  };
}

describe('tolerance: null optional fields and plain FlexibleValues (scale-gp 0.1.0a59)', () => {
  it('a task with null optional fields and boolean/null/list values is a valid EvaluationTask', () => {
    const task = taskWithNulls();
    expect(errors('EvaluationTask', task)).toEqual([]);
    expect(check('EvaluationTask', task)).toBe(true);
    // Without the data-schema tag, or with the variant's own tag, it is still valid.
    const { test_case_evaluation_data_schema: _, ...untagged } =
      task.task_entity as object as Record<string, unknown>;
    expect(check('EvaluationTask', { ...task, task_entity: untagged })).toBe(true);
    expect(
      check('EvaluationTask', {
        ...task,
        task_entity: { ...untagged, test_case_evaluation_data_schema: 'FLEXIBLE' },
      }),
    ).toBe(true);
    // Only the seven required task fields remain when everything optional is left out.
    const { assigned_to, assignment_expires_at, task_entity, ...required } = task;
    expect(check('EvaluationTask', required)).toBe(true);
  });

  it('round-trips through the mock (test mode) and the strict client unchanged', async () => {
    const body = taskWithNulls();
    let swap = false;
    const server = await serve({
      tamper: (operationId, reply) => {
        if (!swap || reply.status !== 200) {
          return reply;
        }
        return { ...reply, body: operationId === 'batchAssignEvaluationTasks' ? [body] : body };
      },
    });
    const { sgp } = clients(server);
    const evaluation = server.fixtures.evaluationIds[1] as string;
    const real = (await sgp.evaluations.tasks.claim(evaluation)) as EvaluationTask;
    swap = true;
    expect(await sgp.evaluations.tasks.claim(evaluation)).toEqual(body);
    expect(
      await sgp.evaluations.tasks.update(evaluation, real.id, { assigned_to: 'user_1' }),
    ).toEqual(body);
    expect(await sgp.evaluations.tasks.batchAssign(evaluation, { task_ids: [real.id] })).toEqual([
      body,
    ]);
    expect(server.violations).toEqual([]);
  });

  it('the mock itself sends null for unset optional fields, and test mode accepts them', async () => {
    const { server, sgp } = await serveWithClock(50);
    const evaluation = server.fixtures.evaluationIds[2] as string;
    const claimed = await claimAll(() => sgp.evaluations.tasks.claim(evaluation));
    const pending = claimed.find((task) => task.status === 'PENDING') as EvaluationTask;
    expect(pending.task_entity).toMatchObject({
      audit_comment: null,
      archived_at: null,
      completed_at: null,
      annotated_by_user_id: null,
      time_spent_labeling_s: null,
    });
    const flexible = claimed.find(
      (task) => task.task_entity?.test_case_evaluation_data_schema === 'FLEXIBLE',
    );
    expect(flexible?.task_entity?.test_case_evaluation_data).toMatchObject({
      generation_extra_info: null,
    });
    const released = await sgp.evaluations.tasks.update(evaluation, pending.id);
    expect(released).toMatchObject({ assigned_to: pending.assigned_to });
    expect(server.violations).toEqual([]);
  });
});

describe('still rejected: wrong types of required fields', () => {
  it.each([
    ['priority is a string', (task: Json) => ({ ...task, priority: 'high' }), '/priority', 'type'],
    ['id is null', (task: Json) => ({ ...task, id: null }), '/id', 'type'],
    [
      'status is missing',
      (task: Json) => Object.fromEntries(Object.entries(task).filter(([key]) => key !== 'status')),
      '/status',
      'required',
    ],
    [
      'the result id is a number',
      (task: Json) => ({ ...task, task_entity: { ...(task.task_entity as Json), id: 7 } }),
      '/task_entity/id',
      'type',
    ],
    [
      'generation_output is null',
      (task: Json) => ({
        ...task,
        task_entity: {
          ...(task.task_entity as Json),
          test_case_evaluation_data: { generation_output: null },
        },
      }),
      '/task_entity/test_case_evaluation_data/generation_output',
      'type',
    ],
  ] as const)('%s: %s (%s)', async (_name, mutate, pointer, keyword) => {
    const bad = mutate(taskWithNulls() as unknown as Json);
    expect(check('EvaluationTask', bad)).toBe(false);
    expect(
      errors('EvaluationTask', bad).map((issue) => `${issue.path} ${issue.keyword}`),
    ).toContain(`${pointer} ${keyword}`);

    // Test mode catches it (answered 500, recorded with the pointer) ...
    const tamper = (operationId: string, reply: { status: number; body: unknown }) =>
      operationId === 'claimEvaluationTask' ? { ...reply, body: bad } : reply;
    const strict = await serve({ tamper });
    const claim = await sgpFetch(
      strict,
      `/v4/evaluations/${strict.fixtures.evaluationIds[0]}/claim-task`,
      { method: 'POST' },
    );
    expect(claim.status).toBe(500);
    expect(strict.violations[0]?.issues.map((issue) => issue.path)).toContain(pointer);

    // ... and with test mode off, the strict client rejects it with the same pointer.
    const loose = await serve({ tamper, validateResponses: false });
    const error = await clients(loose)
      .sgp.evaluations.tasks.claim(loose.fixtures.evaluationIds[0] as string)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues.map((issue) => issue.path)).toContain(pointer);
  });
});

type Json = Record<string, unknown>;
