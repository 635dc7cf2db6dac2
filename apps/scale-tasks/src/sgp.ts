import type { SgpClient } from './config.js';

type EvaluationTask = {
  id: string;
  task_type: string;
  status: string;
  priority: number;
  assigned_to?: unknown;
  assignment_expires_at?: string;
  task_entity_id: string;
};

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
export function describeTask(task: EvaluationTask): string {
  const parts = [`${task.task_type}`, `priority ${task.priority}`, `status ${task.status}`];
  parts.push(`assigned to ${assignee(task.assigned_to)}`);
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
  const task = (await client.evaluations.tasks.claim(evaluationId, {
    ...(options.taskType ? { taskType: options.taskType as 'EVALUATION_ANNOTATION' } : {}),
    ...(options.skipCurrent ? { skip_current: true } : {}),
    ...(signal ? { signal } : {}),
  })) as EvaluationTask | null;
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
  const task = (await client.evaluations.tasks.update(evaluationId, taskId, {
    assigned_to: user,
  })) as EvaluationTask | null;
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
  const tasks = (await client.evaluations.tasks.batchAssign(evaluationId, {
    task_ids: taskIds,
    assigned_to: user,
  })) as EvaluationTask[] | null;
  const count = tasks?.length ?? 0;
  const line = `assigned ${count} task${count === 1 ? '' : 's'} in evaluation ${evaluationId} to ${user}: ${(tasks ?? []).map((task) => task.id).join(', ') || '(none)'}`;
  return { tasks, line };
}
