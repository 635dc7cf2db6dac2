import type { SgpClient } from './config.js';

/**
 * An SGP evaluation task as the client returns it. Optional fields may be absent or `null`:
 * SGP (FastAPI) sends an unset optional field as `null` (the official `scale-gp` models type
 * them `Optional[...]`), e.g. `assigned_to` of an unassigned task.
 */
type EvaluationTask = NonNullable<Awaited<ReturnType<SgpClient['evaluations']['tasks']['claim']>>>;
/** The fields `describeTask` reads. */
type TaskSummary = Pick<EvaluationTask, 'id' | 'task_type' | 'status' | 'priority'> &
  Partial<Pick<EvaluationTask, 'assigned_to' | 'assignment_expires_at'>>;

/** Who holds the task: a user ID, an expanded user's e-mail (or ID), or `nobody` (absent or null). */
const assignee = (value: unknown): string => {
  if (typeof value === 'string') {
    return value;
  }
  if (value && typeof value === 'object') {
    const user = value as Record<string, unknown>;
    return String(user.email ?? user.id ?? user.name ?? 'a user');
  }
  return 'nobody';
};

/** One readable line for an evaluation task. */
export function describeTask(task: TaskSummary): string {
  const parts = [`${task.task_type}`, `priority ${task.priority}`, `status ${task.status}`];
  parts.push(`assigned to ${assignee(task.assigned_to)}`);
  // Absent, or null for an assignment that does not expire.
  if (task.assignment_expires_at) {
    parts.push(`until ${task.assignment_expires_at}`);
  }
  return `task ${task.id} (${parts.join(', ')})`;
}

export interface ClaimOptions {
  taskType?: string;
  skipCurrent?: boolean;
}

export async function claim(
  client: SgpClient,
  evaluationId: string,
  options: ClaimOptions,
  signal?: AbortSignal,
) {
  const task: EvaluationTask | null = await client.evaluations.tasks.claim(evaluationId, {
    ...(options.taskType ? { taskType: options.taskType as 'EVALUATION_ANNOTATION' } : {}),
    ...(options.skipCurrent ? { skip_current: true } : {}),
    ...(signal ? { signal } : {}),
  });
  const line = task
    ? `claimed ${describeTask(task)} in evaluation ${evaluationId}`
    : `no task left to claim in evaluation ${evaluationId}${options.taskType ? ` (task type ${options.taskType})` : ''}`;
  return { task, line };
}

export async function assign(
  client: SgpClient,
  evaluationId: string,
  taskId: string,
  user: string,
) {
  const task: EvaluationTask | null = await client.evaluations.tasks.update(evaluationId, taskId, {
    assigned_to: user,
  });
  const line = task
    ? `assigned ${describeTask(task)} in evaluation ${evaluationId}`
    : `task ${taskId} in evaluation ${evaluationId} was not updated`;
  return { task, line };
}

export async function batchAssign(
  client: SgpClient,
  evaluationId: string,
  taskIds: string[],
  user: string,
) {
  const tasks: EvaluationTask[] | null = await client.evaluations.tasks.batchAssign(evaluationId, {
    task_ids: taskIds,
    assigned_to: user,
  });
  const count = tasks?.length ?? 0;
  const line = `assigned ${count} task${count === 1 ? '' : 's'} in evaluation ${evaluationId} to ${user}: ${(tasks ?? []).map((task) => task.id).join(', ') || '(none)'}`;
  return { tasks, line };
}
