/**
 * Which operations may be sent again after a failure, and why. A retry repeats a request whose
 * first attempt may have reached the server, so only requests whose repetition cannot change
 * the outcome are retried by default.
 *
 * - `always`: reads, and writes that set a state (repeating them leaves the same state).
 * - `with-unique-id`: creations are retried only when the body carries a `unique_id`; a repeat
 *   then answers 409 instead of creating a second task.
 * - `never`: each call has a new effect (claiming hands out the next task; an audit adds a record).
 */
export const retryPolicy: Record<
  string,
  { retry: 'always' | 'with-unique-id' | 'never'; why: string }
> = {
  getTask: { retry: 'always', why: 'read' },
  getTasks: { retry: 'always', why: 'read' },
  createChatTask: {
    retry: 'with-unique-id',
    why: 'creates a task; a unique_id makes a repeat a 409, not a duplicate',
  },
  setTaskMetadata: {
    retry: 'always',
    why: 'replaces (or merges the same values into) the metadata: the same result twice',
  },
  getDeliveries: { retry: 'always', why: 'read' },
  getDeliveredTasks: { retry: 'always', why: 'read' },
  getDeliveryTasks: { retry: 'always', why: 'read' },
  getBatch: { retry: 'always', why: 'read' },
  getBatches: { retry: 'always', why: 'read' },
  getProject: { retry: 'always', why: 'read' },
  getProjects: { retry: 'always', why: 'read' },
  getV1Task: { retry: 'always', why: 'read' },
  listV1Tasks: { retry: 'always', why: 'read' },
  createV1Task: {
    retry: 'with-unique-id',
    why: 'creates a task; a unique_id makes a repeat a 409, not a duplicate',
  },
  cancelV1Task: {
    retry: 'always',
    why: 'documented as idempotent: canceling a canceled task answers 200',
  },
  setV1TaskMetadata: { retry: 'always', why: 'replaces the metadata: documented as idempotent' },
  auditV1Task: { retry: 'never', why: 'each call records another audit' },
  setV1TaskUniqueId: { retry: 'always', why: 'sets a value: the same result twice' },
  deleteV1TaskUniqueId: { retry: 'always', why: 'clears a value: the same result twice' },
  replaceV1TaskTags: { retry: 'always', why: 'replaces the tag set' },
  addV1TaskTags: {
    retry: 'always',
    why: 'adds to a set: adding the same tags again changes nothing',
  },
  deleteV1TaskTags: { retry: 'always', why: 'removes from a set' },
  updateEvaluationTask: { retry: 'always', why: 'sets the assignee: the same result twice' },
  claimEvaluationTask: { retry: 'never', why: 'each call claims the next unassigned task' },
  batchAssignEvaluationTasks: { retry: 'always', why: 'sets the assignee of the listed tasks' },
};

/** Whether a request to `operationId` with this JSON body may be retried. */
export function mayRetry(operationId: string | undefined, method: string, body: unknown): boolean {
  const policy = operationId ? retryPolicy[operationId] : undefined;
  if (!policy) {
    // Unknown to the spec: only the methods HTTP defines as idempotent.
    return ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method.toUpperCase());
  }
  if (policy.retry === 'with-unique-id') {
    return Boolean(
      body &&
        typeof body === 'object' &&
        typeof (body as { unique_id?: unknown }).unique_id === 'string',
    );
  }
  return policy.retry === 'always';
}
