import type { PlanContext } from './plan-scale.js';
import type { Session } from './session.js';

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

  await s.check(
    API,
    'claimEvaluationTask',
    'no API key is refused with 401',
    { path: path(first, '/claim-task'), auth: 'none', body: {} },
    401,
  );
  await s.check(
    API,
    'batchAssignEvaluationTasks',
    'a wrong API key is refused with 401',
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
    await s.check(
      API,
      'batchAssignEvaluationTasks',
      `empty task_ids is rejected${of}`,
      { path: assign, body: { task_ids: [] } },
      'rejected',
    );
    await s.check(
      API,
      'batchAssignEvaluationTasks',
      `task_ids that is not an array is rejected${of}`,
      { path: assign, body: { task_ids: missingTask } },
      'rejected',
    );
    await s.check(
      API,
      'batchAssignEvaluationTasks',
      `without a body is rejected${of}`,
      { path: assign },
      'rejected',
    );
    await s.check(
      API,
      'updateEvaluationTask',
      `an assigned_to that is not a string is rejected${of}`,
      { path: path(evaluation, `/tasks/${missingTask}`), body: { assigned_to: 5 } },
      'rejected',
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
    await s.check(
      API,
      'claimEvaluationTask',
      `a task_type outside the enum is rejected${of}`,
      { path: claim, query: { task_type: 'NOT_A_TASK_TYPE' }, body: {} },
      'rejected',
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
    await s.check(
      API,
      'updateEvaluationTask',
      `reassign the claimed task to its assignee${of}`,
      {
        path: path(evaluation, `/tasks/${encodeURIComponent(taskId)}`),
        body: { assigned_to: user },
      },
      'success',
    );
    await s.check(
      API,
      'batchAssignEvaluationTasks',
      `assign the claimed task to its assignee${of}`,
      { path: assign, body: { task_ids: [taskId], assigned_to: user } },
      'success',
    );
  }
}
