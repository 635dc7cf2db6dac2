import type {
  BatchAssignEvaluationTasksRequest,
  ClaimEvaluationTaskRequest,
  EvaluationTask,
  EvaluationTaskType,
  paths,
  UpdateEvaluationTaskRequest,
} from '@scale-contracts/types/sgp';
import { operations, validateResponse } from '@scale-contracts/validators/sgp';
import { type CallOptions, type ClientOptions, createCore } from './client-core.js';

/** Options of the SGP client. */
export interface SgpClientOptions extends ClientOptions {
  /** Sent as `x-selected-account-id`; falls back to `SGP_ACCOUNT_ID`. */
  accountId?: string;
}

/**
 * A client of the SGP evaluation-task API, shaped like the official SGP Node client:
 * `client.evaluations.tasks.update(evaluationId, taskId, body)`, plus `claim` and `batchAssign`.
 *
 * The tasks it returns are the server's JSON as it is. SGP is a FastAPI service: an optional
 * field that is unset comes as `null` (the official `scale-gp` models type these fields
 * `Optional[...]`), so read `task.assigned_to`, `task.assignment_expires_at`,
 * `task.task_entity` and the result's optional fields as "absent or null"
 * (`task.assigned_to ?? undefined`), never only as `undefined`.
 */
export function createSgpClient(options: SgpClientOptions = {}) {
  const env =
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const accountId = options.accountId ?? env.SGP_ACCOUNT_ID;
  const { raw, call } = createCore<paths>({
    options,
    apiName: 'SGP client',
    keyVariable: 'SGP_API_KEY',
    baseUrlVariables: ['SGP_CLIENT_BASE_URL', 'SGP_BASE_URL'],
    defaultBaseUrl: 'https://api.egp.scale.com',
    credentials: (apiKey) => ({ 'x-api-key': apiKey }),
    ...(accountId ? { headers: { 'x-selected-account-id': accountId } } : {}),
    operations,
    validateResponse: validateResponse as never,
  });
  const evaluation = (evaluationId: string) => ({ evaluation_id: evaluationId });

  const tasks = {
    /** PATCH /v4/evaluations/{evaluation_id}/tasks/{task_id}: assigns (or updates) a task. `null` when nothing was updated. */
    update: (
      evaluationId: string,
      taskId: string,
      body: UpdateEvaluationTaskRequest = {},
      call_: CallOptions = {},
    ) =>
      call<EvaluationTask | null>(
        'updateEvaluationTask',
        raw.PATCH('/v4/evaluations/{evaluation_id}/tasks/{task_id}', {
          params: { path: { ...evaluation(evaluationId), task_id: taskId } },
          body,
          signal: call_.signal,
        }),
      ),
    /** POST /v4/evaluations/{evaluation_id}/claim-task: the next task for you, or `null` when none is left. Not retried. */
    claim: (
      evaluationId: string,
      settings: { taskType?: EvaluationTaskType } & ClaimEvaluationTaskRequest & CallOptions = {},
    ) =>
      call<EvaluationTask | null>(
        'claimEvaluationTask',
        raw.POST('/v4/evaluations/{evaluation_id}/claim-task', {
          params: {
            path: evaluation(evaluationId),
            ...(settings.taskType ? { query: { task_type: settings.taskType } } : {}),
          },
          body: settings.skip_current === undefined ? {} : { skip_current: settings.skip_current },
          signal: settings.signal,
        }),
      ),
    /** PATCH /v4/evaluations/{evaluation_id}/tasks/batch-assign: assigns several tasks at once. */
    batchAssign: (
      evaluationId: string,
      body: BatchAssignEvaluationTasksRequest,
      call_: CallOptions = {},
    ) =>
      call<EvaluationTask[] | null>(
        'batchAssignEvaluationTasks',
        raw.PATCH('/v4/evaluations/{evaluation_id}/tasks/batch-assign', {
          params: { path: evaluation(evaluationId) },
          body,
          signal: call_.signal,
        }),
      ),
  };

  return { raw, evaluations: { tasks } };
}

/** The client `createSgpClient` returns. */
export type SgpClient = ReturnType<typeof createSgpClient>;
