import { operations } from '@scale-contracts/validators/scale';

/**
 * Which operations may be sent again after a failure, and why. A retry repeats a request whose
 * first attempt may have reached the server, so only requests whose repetition cannot change
 * the outcome are retried by default.
 *
 * - `always`: reads, and writes that set a state (repeating them leaves the same state). Some
 *   answer a repeat after success with an error (a batch name already taken: 409; a batch
 *   already paused: 400); the `batches` methods settle such an answer after a retry by reading
 *   the batch (see each `why`), and `client.raw` leaves it to the caller.
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
  createBatch: {
    retry: 'always',
    why: 'the name is unique per project, so a repeat answers 409 and never makes a second batch; batches.create returns the batch when a retried attempt answers 409 (a first-attempt 409 is thrown)',
  },
  finalizeBatch: {
    retry: 'always',
    why: 'documented as idempotent: finalizing an in_progress batch returns it unchanged',
  },
  pauseBatch: {
    retry: 'always',
    why: 'sets a state; a repeat after success answers 400, which batches.pause settles by reading the batch (paused: done)',
  },
  resumeBatch: {
    retry: 'always',
    why: 'sets a state; a repeat after success answers 400, which batches.resume settles by reading the batch (in_progress: done)',
  },
  cancelBatch: {
    retry: 'always',
    why: 'sets a final state; a repeat after success answers 400, which batches.cancel settles by reading the batch (cancelled: done)',
  },
  setBatchMetadata: {
    retry: 'always',
    why: 'replaces (or merges the same values into) the metadata: the same result twice',
  },
  getAnnotation: { retry: 'always', why: 'read' },
  getDatasets: { retry: 'always', why: 'read' },
  getDatasetDeliveries: { retry: 'always', why: 'read' },
  getDatasetDelivery: { retry: 'always', why: 'read' },
  getDatasetTasks: { retry: 'always', why: 'read' },
  getDatasetTask: { retry: 'always', why: 'read' },
  getDatasetTaskResponseUrl: {
    retry: 'always',
    why: 'read: each answer is a fresh short-lived URL, nothing changes',
  },
  getSchema: { retry: 'always', why: 'read' },
  getV1Task: { retry: 'always', why: 'read' },
  listV1Tasks: { retry: 'always', why: 'read' },
  // createV1<Type>Task (one per v1 task type): added below, from the spec's operations.
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

// Every v1 creation operation (POST /v1/task/<type>, one per task type) is a creation like
// createChatTask: retried only when the body carries a unique_id.
for (const [operationId, operation] of Object.entries(
  operations as Readonly<Record<string, { method: string; path: string }>>,
)) {
  if (operation.method === 'POST' && /^\/v1\/task\/[a-z0-9]+$/.test(operation.path)) {
    retryPolicy[operationId] = {
      retry: 'with-unique-id',
      why: 'creates a task; a unique_id makes a repeat a 409, not a duplicate',
    };
  }
}

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
