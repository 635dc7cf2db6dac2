import type { PlanContext } from './plan-scale.js';
import { equals, holds, itemsOf, judge, refuse, semantic } from './plan-semantics.js';
import type { Session } from './session.js';
import type { Violation } from './types.js';

const API = 'sgp';
const WRITES_OFF = 'writes not allowed (allowWrites / --allow-writes)';
/** Stands in for an evaluation when none is known (only the authentication checks use it). */
const PLACEHOLDER_EVALUATION = 'scale-contracts-no-evaluation';

type Json = Record<string, unknown>;
const objectOf = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Verifies the SGP v4 evaluation-task API. SGP has no read operation and no list endpoint, so
 * the evaluations come from `evaluationIds`. Without writes: authentication, and bodies that
 * must be refused (a conforming server changes nothing). With writes: claim a task, reassign it
 * to the user it is assigned to, batch-assign it, and a claim with a task type outside the enum.
 */
export async function planSgp(
  s: Session,
  context: PlanContext & { evaluationIds: readonly string[] },
): Promise<void> {
  const { runId, evaluationIds } = context;
  const path = (evaluation: string, suffix: string) =>
    `/v4/evaluations/${encodeURIComponent(evaluation)}${suffix}`;
  const first = evaluationIds[0] ?? PLACEHOLDER_EVALUATION;
  const missingTask = `scale-contracts-missing-task-${runId}`;

  await refuse(
    s,
    API,
    'claimEvaluationTask',
    'no API key',
    { path: path(first, '/claim-task'), auth: 'none', body: {} },
    401,
  );
  await refuse(
    s,
    API,
    'batchAssignEvaluationTasks',
    'a wrong API key',
    { path: path(first, '/tasks/batch-assign'), auth: 'wrong', body: { task_ids: [missingTask] } },
    401,
  );
  if (evaluationIds.length === 0) {
    const reason =
      'no evaluation id (SGP has no list endpoint: pass evaluationIds / --evaluation-id)';
    for (const operationId of [
      'claimEvaluationTask',
      'updateEvaluationTask',
      'batchAssignEvaluationTasks',
    ]) {
      s.skip(API, operationId, 'evaluation checks', reason);
    }
    return;
  }

  for (const evaluation of evaluationIds) {
    const of = evaluationIds.length > 1 ? ` (evaluation ${evaluation})` : '';
    s.info(`sgp: evaluation ${evaluation}`);
    const assign = path(evaluation, '/tasks/batch-assign');
    const inBody = { part: 'body', suffix: of } as const;
    await refuse(
      s,
      API,
      'batchAssignEvaluationTasks',
      'empty task_ids',
      { path: assign, body: { task_ids: [] } },
      'rejected',
      inBody,
    );
    await refuse(
      s,
      API,
      'batchAssignEvaluationTasks',
      'task_ids that is not an array',
      { path: assign, body: { task_ids: missingTask } },
      'rejected',
      inBody,
    );
    await refuse(
      s,
      API,
      'batchAssignEvaluationTasks',
      'without a body',
      { path: assign },
      'rejected',
      inBody,
    );
    await refuse(
      s,
      API,
      'updateEvaluationTask',
      'an assigned_to that is not a string',
      { path: path(evaluation, `/tasks/${missingTask}`), body: { assigned_to: 5 } },
      'rejected',
      inBody,
    );

    if (!context.allowWrites) {
      for (const operationId of [
        'claimEvaluationTask',
        'updateEvaluationTask',
        'batchAssignEvaluationTasks',
      ]) {
        s.skip(API, operationId, `write checks${of}`, WRITES_OFF);
      }
      continue;
    }
    const claim = path(evaluation, '/claim-task');
    const claimed = await s.check(
      API,
      'claimEvaluationTask',
      `claim a task${of}`,
      { path: claim, body: {} },
      'success',
    );
    // The claim sent no task_type: the server's default is EVALUATION_ANNOTATION.
    judge(
      s,
      API,
      'claimEvaluationTask',
      `without task_type, the claimed task is an EVALUATION_ANNOTATION${of}`,
      claimed,
      (body) =>
        body === null
          ? { skip: 'nothing left to claim (claim returned null)' }
          : holds(
              '',
              'task_type',
              equals('EVALUATION_ANNOTATION'),
              '"EVALUATION_ANNOTATION" (the default task_type)',
            )(body),
    );
    await refuse(
      s,
      API,
      'claimEvaluationTask',
      'a task_type outside the enum',
      { path: claim, query: { task_type: 'NOT_A_TASK_TYPE' }, body: {} },
      'rejected',
      { part: 'query', suffix: of },
    );
    const task = objectOf(claimed?.body);
    const taskId = stringOf(task?.id);
    // `assigned_to` is a user ID, an expanded user object, or null / absent (SGP is FastAPI,
    // which sends an unset `Optional` field as null; scale-gp 0.1.0a59 `Task.assigned_to`).
    const user = stringOf(task?.assigned_to) ?? stringOf(objectOf(task?.assigned_to)?.id);
    if (!taskId || !user) {
      const reason =
        claimed && claimed.status < 300 && claimed.body === null
          ? 'nothing left to claim (claim returned null)'
          : taskId && task?.assigned_to === null
            ? 'the claimed task has no assignee (assigned_to is null) to reassign it to'
            : 'no claimed task (with an assignee) to chain from';
      s.skip(API, 'updateEvaluationTask', `reassign the claimed task${of}`, reason);
      s.skip(API, 'batchAssignEvaluationTasks', `assign the claimed task${of}`, reason);
      continue;
    }
    const updated = await s.check(
      API,
      'updateEvaluationTask',
      `reassign the claimed task to its assignee${of}`,
      {
        path: path(evaluation, `/tasks/${encodeURIComponent(taskId)}`),
        body: { assigned_to: user },
      },
      'success',
    );
    judge(
      s,
      API,
      'updateEvaluationTask',
      `the reassigned task reads back as written (its id, assigned_to)${of}`,
      updated,
      (body) =>
        body === null
          ? { skip: 'the update returned null (no task was updated)' }
          : assignedTo([{ pointer: '', item: objectOf(body) ?? {} }], [taskId], user),
    );
    const assigned = await s.check(
      API,
      'batchAssignEvaluationTasks',
      `assign the claimed task to its assignee${of}`,
      { path: assign, body: { task_ids: [taskId], assigned_to: user } },
      'success',
    );
    judge(
      s,
      API,
      'batchAssignEvaluationTasks',
      `the tasks returned are the ones asked for, assigned to the user${of}`,
      assigned,
      (body) =>
        body === null
          ? { skip: 'the batch-assign returned null (no task was assigned)' }
          : assignedTo(
              itemsOf({ tasks: body }, 'tasks').map(({ pointer, item }) => ({
                pointer: pointer.replace(/^\/tasks/, ''),
                item,
              })),
              [taskId],
              user,
            ),
    );
  }
}

/** Each task is one of `ids` (and every id is there), assigned to `user` (an id or a user object). */
function assignedTo(
  tasks: { pointer: string; item: Record<string, unknown> }[],
  ids: string[],
  user: string,
): Violation[] {
  const found: Violation[] = [];
  for (const { pointer, item } of tasks) {
    if (!ids.includes(item.id as string)) {
      found.push(
        semantic(
          `${pointer}/id`,
          'state',
          `one of ${JSON.stringify(ids)} (the task_ids sent)`,
          item.id,
        ),
      );
    }
    const to = stringOf(item.assigned_to) ?? stringOf(objectOf(item.assigned_to)?.id);
    if (to !== user) {
      found.push(
        semantic(
          `${pointer}/assigned_to`,
          'state',
          `${JSON.stringify(user)} (the assigned_to sent)`,
          item.assigned_to,
        ),
      );
    }
  }
  for (const id of ids.filter((wanted) => !tasks.some(({ item }) => item.id === wanted))) {
    found.push(
      semantic('', 'state', `the task ${JSON.stringify(id)} among those returned`, undefined),
    );
  }
  return found;
}
