import type {
  Batch,
  CreateChatTaskRequest,
  Delivery,
  DeliveryTaskDoc,
  GetBatchesResponse,
  GetDeliveredTasksResponse,
  GetDeliveryTasksResponse,
  GetTasksResponse,
  Project,
  paths,
  Task,
  V1AuditRequest,
  V1CreateTaskRequest,
  V1Task,
  V1TaskList,
  V1TaskType,
} from '@scale-contracts/types/scale';
import { operations, validateResponse, webhooks } from '@scale-contracts/validators/scale';
import { type CallOptions, type ClientOptions, createCore } from './client-core.js';
import { PaginationError } from './errors.js';
import { Paginator } from './pagination.js';

type Query<Path extends keyof paths, Method extends 'get'> = paths[Path][Method] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

/** Options of the Scale client. */
export interface ScaleClientOptions extends ClientOptions {
  /** `bearer` (default) sends `Authorization: Bearer <key>`; `basic` sends the key as the user name. */
  auth?: 'bearer' | 'basic';
}

/** The query of `tasks.list` (GET /v2/tasks); a `next_token` starts from a saved cursor. */
export type ListTasksParams = Query<'/v2/tasks', 'get'>;
/** The query of `deliveries.tasks` (GET /v2/delivery); a `next_token` starts from a saved cursor. */
export type DeliveryTasksParams = Query<'/v2/delivery', 'get'>;
/** The query of `deliveries.taskResponses` (GET /v2/delivery/tasks); a `next_token` starts from a saved cursor. */
export type DeliveryTaskResponsesParams = Query<'/v2/delivery/tasks', 'get'>;
/** The query of `batches.list` (GET /v2/batches); a `next_token` starts from a saved cursor. */
export type ListBatchesParams = Query<'/v2/batches', 'get'>;
/** The query of `v1.tasks.list` (GET /v1/tasks); a `next_token` starts from a saved cursor. */
export type ListV1TasksParams = Query<'/v1/tasks', 'get'>;

const base64 = (text: string) =>
  typeof btoa === 'function'
    ? btoa(text)
    : (
        globalThis as unknown as { Buffer: { from(s: string): { toString(e: string): string } } }
      ).Buffer.from(text).toString('base64');

/**
 * A client of Scale's task API (v2 and v1): `client.tasks`, `client.deliveries`, `client.batches`,
 * `client.projects`, `client.v1.tasks`, and `client.raw` (the typed openapi-fetch client).
 */
export function createScaleClient(options: ScaleClientOptions = {}) {
  const auth = options.auth ?? 'bearer';
  const { raw, call } = createCore<paths>({
    options,
    apiName: 'Scale client',
    keyVariable: 'SCALE_API_KEY',
    baseUrlVariables: ['SCALE_BASE_URL'],
    defaultBaseUrl: 'https://api.scale.com',
    credentials: (apiKey) => ({
      authorization: auth === 'basic' ? `Basic ${base64(`${apiKey}:`)}` : `Bearer ${apiKey}`,
    }),
    operations: { ...operations, ...webhooks },
    validateResponse: validateResponse as never,
  });

  const nextToken = (page: { next_token?: string | null }) => page.next_token ?? undefined;
  /** The list's query with the page cursor, when there is one. */
  const withCursor = <Q extends object>(query: Q, cursor: string | undefined) =>
    cursor ? { ...query, next_token: cursor } : query;

  const tasks = {
    /** GET /v2/task: one task. */
    get: (
      taskId: string,
      query: Omit<Query<'/v2/task', 'get'>, 'task_id'> = {},
      call_: CallOptions = {},
    ) =>
      call<Task>(
        'getTask',
        raw.GET('/v2/task', {
          params: { query: { ...query, task_id: taskId } },
          signal: call_.signal,
        }),
      ),
    /** GET /v2/tasks: every task that matches, page by page (`for await`, or `.pages()`). */
    list: (query: ListTasksParams, call_: CallOptions = {}) =>
      new Paginator<Task, GetTasksResponse>(
        (cursor) =>
          call<GetTasksResponse>(
            'getTasks',
            raw.GET('/v2/tasks', {
              params: { query: withCursor(query, cursor) },
              signal: call_.signal,
            }),
          ),
        (page) => page.tasks,
        nextToken,
        (task) => task.task_id,
        'getTasks',
      ),
    /** POST /v2/task/chat: creates a chat task. With a `unique_id`, a retried request cannot create two. */
    createChat: (body: CreateChatTaskRequest, call_: CallOptions = {}) =>
      call<Task>('createChatTask', raw.POST('/v2/task/chat', { body, signal: call_.signal })),
    /** POST /v2/task/metadata: replaces the metadata, or deep-merges it with `{ merge: true }`. */
    setMetadata: (
      taskId: string,
      metadata: Record<string, unknown>,
      settings: { merge?: boolean } & CallOptions = {},
    ) =>
      call<Task>(
        'setTaskMetadata',
        raw.POST('/v2/task/metadata', {
          body: {
            task_id: taskId,
            metadata,
            ...(settings.merge === undefined ? {} : { merge: settings.merge }),
          },
          signal: settings.signal,
        }),
      ),
  };

  const deliveries = {
    /** GET /v2/deliveries: all deliveries of a project. */
    list: async (
      query: Query<'/v2/deliveries', 'get'>,
      call_: CallOptions = {},
    ): Promise<Delivery[]> =>
      (
        await call<{ deliveries: Delivery[] }>(
          'getDeliveries',
          raw.GET('/v2/deliveries', { params: { query }, signal: call_.signal }),
        )
      ).deliveries,
    /** GET /v2/delivery: the tasks of one delivery, page by page. */
    tasks: (query: DeliveryTasksParams, call_: CallOptions = {}) =>
      new Paginator<Task, GetDeliveredTasksResponse>(
        (cursor) =>
          call<GetDeliveredTasksResponse>(
            'getDeliveredTasks',
            raw.GET('/v2/delivery', {
              params: { query: withCursor(query, cursor) },
              signal: call_.signal,
            }),
          ),
        (page) => page.tasks,
        nextToken,
        (task) => task.task_id,
        'getDeliveredTasks',
      ),
    /** GET /v2/delivery/tasks: a project's tasks with their delivered responses, page by page. */
    taskResponses: (query: DeliveryTaskResponsesParams, call_: CallOptions = {}) =>
      new Paginator<DeliveryTaskDoc, GetDeliveryTasksResponse>(
        (cursor) =>
          call<GetDeliveryTasksResponse>(
            'getDeliveryTasks',
            raw.GET('/v2/delivery/tasks', {
              params: { query: withCursor(query, cursor) },
              signal: call_.signal,
            }),
          ),
        (page) => page.docs,
        nextToken,
        (doc) => doc.task_id,
        'getDeliveryTasks',
      ),
  };

  const batches = {
    /** GET /v2/batch: one batch, by `batch_id` or `batch_name`. */
    get: (query: Query<'/v2/batch', 'get'>, call_: CallOptions = {}) =>
      call<Batch>('getBatch', raw.GET('/v2/batch', { params: { query }, signal: call_.signal })),
    /** GET /v2/batches: batches, page by page. */
    list: (query: ListBatchesParams = {}, call_: CallOptions = {}) =>
      new Paginator<Batch, GetBatchesResponse>(
        (cursor) =>
          call<GetBatchesResponse>(
            'getBatches',
            raw.GET('/v2/batches', {
              params: { query: withCursor(query, cursor) },
              signal: call_.signal,
            }),
          ),
        (page) => page.batches,
        nextToken,
        (batch) => batch.id,
        'getBatches',
      ),
  };

  const projects = {
    /** GET /v2/project: one project, by `project_id` or `project_name`. */
    get: (query: Query<'/v2/project', 'get'>, call_: CallOptions = {}) =>
      call<Project>(
        'getProject',
        raw.GET('/v2/project', { params: { query }, signal: call_.signal }),
      ),
    /** GET /v2/projects: every project the key can see. */
    list: async (
      query: Query<'/v2/projects', 'get'> = {},
      call_: CallOptions = {},
    ): Promise<Project[]> =>
      (
        await call<{ projects: Project[] }>(
          'getProjects',
          raw.GET('/v2/projects', { params: { query }, signal: call_.signal }),
        )
      ).projects,
  };

  const path = (taskId: string) => ({ path: { task_id: taskId } });
  const v1 = {
    tasks: {
      /** GET /v1/task/{task_id}. */
      get: (taskId: string, call_: CallOptions = {}) =>
        call<V1Task>(
          'getV1Task',
          raw.GET('/v1/task/{task_id}', { params: path(taskId), signal: call_.signal }),
        ),
      /** GET /v1/tasks: newest first, page by page while `has_more`. */
      list: (query: ListV1TasksParams = {}, call_: CallOptions = {}) =>
        new Paginator<V1Task, V1TaskList>(
          (cursor) =>
            call<V1TaskList>(
              'listV1Tasks',
              raw.GET('/v1/tasks', {
                params: { query: withCursor(query, cursor) },
                signal: call_.signal,
              }),
            ),
          (page) => page.docs,
          (page) => {
            if (!page.has_more) {
              return undefined;
            }
            if (!page.next_token) {
              throw new PaginationError(
                'listV1Tasks: has_more is true but the page has no next_token',
                { operationId: 'listV1Tasks' },
              );
            }
            return page.next_token;
          },
          (task) => task.task_id,
          'listV1Tasks',
        ),
      /** POST /v1/task/{type}: creates a task. Give a `unique_id` so that a retry cannot create two. */
      create: (type: V1TaskType, body: V1CreateTaskRequest, call_: CallOptions = {}) =>
        call<V1Task>(
          'createV1Task',
          raw.POST('/v1/task/{type}', { params: { path: { type } }, body, signal: call_.signal }),
        ),
      /** POST /v1/task/{task_id}/cancel: only pending tasks; canceling again answers 200. */
      cancel: (taskId: string, settings: { clearUniqueId?: boolean } & CallOptions = {}) =>
        call<V1Task>(
          'cancelV1Task',
          raw.POST('/v1/task/{task_id}/cancel', {
            params: {
              ...path(taskId),
              ...(settings.clearUniqueId === undefined
                ? {}
                : { query: { clear_unique_id: settings.clearUniqueId } }),
            },
            signal: settings.signal,
          }),
        ),
      /** POST /v1/task/{task_id}/setMetadata: replaces the metadata. */
      setMetadata: (taskId: string, metadata: Record<string, unknown>, call_: CallOptions = {}) =>
        call<V1Task>(
          'setV1TaskMetadata',
          raw.POST('/v1/task/{task_id}/setMetadata', {
            params: path(taskId),
            body: metadata,
            signal: call_.signal,
          }),
        ),
      /** POST /v1/task/{task_id}/audit: accepts or rejects the task (not retried: each call is a record). */
      audit: (taskId: string, body: V1AuditRequest, call_: CallOptions = {}) =>
        call<V1Task>(
          'auditV1Task',
          raw.POST('/v1/task/{task_id}/audit', {
            params: path(taskId),
            body,
            signal: call_.signal,
          }),
        ),
      /** POST /v1/task/{task_id}/unique_id. */
      setUniqueId: (taskId: string, uniqueId: string, call_: CallOptions = {}) =>
        call<V1Task>(
          'setV1TaskUniqueId',
          raw.POST('/v1/task/{task_id}/unique_id', {
            params: path(taskId),
            body: { unique_id: uniqueId },
            signal: call_.signal,
          }),
        ),
      /** DELETE /v1/task/{task_id}/unique_id. */
      deleteUniqueId: (taskId: string, call_: CallOptions = {}) =>
        call<V1Task>(
          'deleteV1TaskUniqueId',
          raw.DELETE('/v1/task/{task_id}/unique_id', {
            params: path(taskId),
            signal: call_.signal,
          }),
        ),
      /** POST /v1/task/{task_id}/tags: replaces the tags. */
      setTags: (taskId: string, tags: string[], call_: CallOptions = {}) =>
        call<V1Task>(
          'replaceV1TaskTags',
          raw.POST('/v1/task/{task_id}/tags', {
            params: path(taskId),
            body: tags,
            signal: call_.signal,
          }),
        ),
      /** PUT /v1/task/{task_id}/tags: adds tags. */
      addTags: (taskId: string, tags: string[], call_: CallOptions = {}) =>
        call<V1Task>(
          'addV1TaskTags',
          raw.PUT('/v1/task/{task_id}/tags', {
            params: path(taskId),
            body: tags,
            signal: call_.signal,
          }),
        ),
      /** DELETE /v1/task/{task_id}/tags: removes tags. */
      deleteTags: (taskId: string, tags: string[], call_: CallOptions = {}) =>
        call<V1Task>(
          'deleteV1TaskTags',
          raw.DELETE('/v1/task/{task_id}/tags', {
            params: path(taskId),
            body: tags,
            signal: call_.signal,
          }),
        ),
    },
  };

  return { raw, tasks, deliveries, batches, projects, v1 };
}

/** The client `createScaleClient` returns. */
export type ScaleClient = ReturnType<typeof createScaleClient>;
