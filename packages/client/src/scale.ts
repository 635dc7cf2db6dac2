import type {
  Annotation,
  Batch,
  BatchOperationResponse,
  BatchStatus,
  CreateBatchRequest,
  CreateChatTaskRequest,
  Dataset,
  DatasetDelivery,
  DatasetTask,
  Delivery,
  DeliveryTaskDoc,
  GetBatchesResponse,
  GetDatasetDeliveriesResponse,
  GetDatasetDeliveryResponse,
  GetDatasetsResponse,
  GetDatasetTasksResponse,
  GetDeliveredTasksResponse,
  GetDeliveryTasksResponse,
  GetSchemaResponse,
  GetTasksResponse,
  Project,
  paths,
  SetBatchMetadataRequest,
  Task,
  V1AuditRequest,
  V1Task,
  V1TaskList,
  V1TaskType,
} from '@scale-contracts/types/scale';
import { operations, validateResponse, webhooks } from '@scale-contracts/validators/scale';
import { type CallOptions, type ClientOptions, createCore } from './client-core.js';
import {
  AbortError,
  BadRequestError,
  ConflictError,
  PaginationError,
  ScaleClientError,
} from './errors.js';
import { Paginator } from './pagination.js';
import { type JsonSchemaObject, parseSchemaJson } from './schema-json.js';
import { retriesOf } from './transport.js';

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
/**
 * The body of `v1.tasks.create(type, body)`: the request body of `POST /v1/task/<type>`
 * (`V1Create<Type>TaskRequest`), the common fields plus the parameters known for that type.
 */
export type V1CreateTaskBody<Type extends V1TaskType> = paths[`/v1/task/${Type}`] extends {
  post: { requestBody: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

/** `createV1<Type>Task` by task type, from the spec's operations (one path per v1 task type). */
const v1CreateOperations = new Map(
  Object.entries(operations as Readonly<Record<string, { method: string; path: string }>>).flatMap(
    ([operationId, operation]) => {
      const match = /^\/v1\/task\/([a-z0-9]+)$/.exec(operation.path);
      return operation.method === 'POST' && match
        ? [[match[1] as string, operationId] as const]
        : [];
    },
  ),
);
/**
 * A batch, by its ID or by its name: exactly one of the two (the server answers 400 without
 * either, and both would leave it to guess).
 */
export type BatchRef =
  | { batch_id: string; batch_name?: never }
  | { batch_name: string; batch_id?: never };
/** The project of a new batch, by its ID or by its name: exactly one of the two. */
export type ProjectRef =
  | { project_id: string; project_name?: never }
  | { project_name: string; project_id?: never };
/** The body of `batches.create` (POST /v2/batch): a name, and the project by ID or by name. */
export type CreateBatchParams = Omit<CreateBatchRequest, 'project_id' | 'project_name'> &
  ProjectRef;
/** The body of `batches.setMetadata` (POST /v2/batch/metadata): the batch by ID or by name. */
export type SetBatchMetadataParams = Omit<SetBatchMetadataRequest, 'batch_id' | 'batch_name'> &
  BatchRef;
/** The query of `datasets.deliveries` (GET /v2/datasets/deliveries). */
export type DatasetDeliveriesParams = Query<'/v2/datasets/deliveries', 'get'>;
/** The query of `datasets.delivery` (GET /v2/datasets/delivery); a `next_token` starts from a saved cursor. */
export type DatasetDeliveryParams = Query<'/v2/datasets/delivery', 'get'>;
/** The query of `datasets.tasks` (GET /v2/datasets/tasks); a `next_token` starts from a saved cursor. */
export type DatasetTasksParams = Query<'/v2/datasets/tasks', 'get'>;
/** The query of `datasets.task` (GET /v2/datasets/task) besides the task id. */
export type DatasetTaskParams = Omit<Query<'/v2/datasets/task', 'get'>, 'task_id'>;
/** What `schemas.getParsed` returns: the schema's id and its `json`, parsed. */
export interface ParsedSchema {
  id: string;
  schema: JsonSchemaObject;
}

/**
 * How far before the first attempt of `batches.create` the batch found after a retried 409 may
 * say it was created (clocks differ) and still count as made by that call.
 */
const CREATED_CLOCK_SKEW_MS = 5 * 60_000;
const redirectStatuses = [301, 302, 303, 307, 308] as const;

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
 * `client.projects`, `client.annotations`, `client.datasets`, `client.schemas`, `client.v1.tasks`,
 * and `client.raw` (the typed openapi-fetch client).
 */
export function createScaleClient(options: ScaleClientOptions = {}) {
  const auth = options.auth ?? 'bearer';
  const { raw, call, log, baseUrl } = createCore<paths>({
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

  /**
   * The batch as it is now, to settle an answer that may echo an earlier attempt; undefined when
   * it cannot be read (the original error then stands). The caller's abort still aborts.
   */
  const currentBatch = (ref: BatchRef, signal: AbortSignal | undefined, expand: 'project'[] = []) =>
    call<Batch>(
      'getBatch',
      raw.GET('/v2/batch', {
        params: {
          query: {
            ...(ref.batch_id !== undefined
              ? { batch_id: ref.batch_id }
              : { batch_name: ref.batch_name }),
            ...(expand.length > 0 ? { expand } : {}),
          },
        },
        signal,
      }),
    ).catch((lookup: unknown) => {
      if (lookup instanceof AbortError) {
        throw lookup;
      }
      return undefined;
    });

  /**
   * Pauses, resumes or cancels. Each is retried (it sets a state), but repeating one after it
   * succeeded answers 400 (the batch is no longer in a state it applies to). So when a retried
   * attempt answers 400, the batch is read: already in the state asked for, an earlier attempt
   * did it, and the batch is the result (`{ batch }`, no message); otherwise the 400 stands. A
   * 400 on the first attempt is always a BadRequestError.
   */
  const setBatchState = async (
    operationId: 'pauseBatch' | 'resumeBatch' | 'cancelBatch',
    pending: Promise<{ data?: BatchOperationResponse; error?: unknown; response: Response }>,
    ref: BatchRef,
    state: BatchStatus,
    signal: AbortSignal | undefined,
  ): Promise<BatchOperationResponse> => {
    try {
      return await call<BatchOperationResponse>(operationId, pending);
    } catch (error) {
      if (!(error instanceof BadRequestError) || retriesOf((await pending).response) === 0) {
        throw error;
      }
      const batch = await currentBatch(ref, signal);
      if (batch?.status !== state) {
        throw error;
      }
      log.info(
        `${operationId}: a retry answered 400, but batch ${batch.id} is ${state}: an earlier attempt of this call did it`,
        { operationId, requestId: error.requestId },
      );
      return { batch };
    }
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
    /**
     * POST /v2/batch: creates a batch (in `staging` with `staging_batch: true`). Retried: the name
     * is unique per project, so a repeat cannot make a second batch. When a retried attempt
     * answers 409, an earlier attempt created it: the batch of that name is read and returned if
     * it is in the same project and was created during this call. A 409 on the first attempt
     * (the name was taken already) is always a ConflictError.
     */
    create: async (body: CreateBatchParams, call_: CallOptions = {}): Promise<Batch> => {
      const started = Date.now();
      const pending = raw.POST('/v2/batch', { body, signal: call_.signal });
      try {
        return await call<Batch>('createBatch', pending);
      } catch (error) {
        if (!(error instanceof ConflictError) || retriesOf((await pending).response) === 0) {
          throw error;
        }
        const byName = body.project_name !== undefined;
        const found = await currentBatch(
          { batch_name: body.name },
          call_.signal,
          byName ? ['project'] : [],
        );
        const project =
          found &&
          (typeof found.project === 'string'
            ? { id: found.project, name: undefined }
            : found.project);
        const created = found ? Date.parse(found.created_at) : Number.NaN;
        if (
          !found ||
          !project ||
          found.name !== body.name ||
          (byName ? project.name !== body.project_name : project.id !== body.project_id) ||
          (body.callback !== undefined && found.callback !== body.callback) ||
          !(created >= started - CREATED_CLOCK_SKEW_MS)
        ) {
          throw error;
        }
        log.info(
          `createBatch: a retry answered 409; batch ${found.id} was created by an earlier attempt of this call`,
          { operationId: 'createBatch', requestId: error.requestId },
        );
        return { ...found, project: project.id };
      }
    },
    /** POST /v2/batch/finalize: starts a `staging` batch (an `in_progress` one is returned unchanged). */
    finalize: (ref: BatchRef, call_: CallOptions = {}) =>
      call<Batch>(
        'finalizeBatch',
        raw.POST('/v2/batch/finalize', { body: ref, signal: call_.signal }),
      ),
    /** POST /v2/batch/pause: pauses an `in_progress` batch. */
    pause: (ref: BatchRef, call_: CallOptions = {}) =>
      setBatchState(
        'pauseBatch',
        raw.POST('/v2/batch/pause', { body: ref, signal: call_.signal }),
        ref,
        'paused',
        call_.signal,
      ),
    /** POST /v2/batch/resume: resumes a `paused` batch. */
    resume: (ref: BatchRef, call_: CallOptions = {}) =>
      setBatchState(
        'resumeBatch',
        raw.POST('/v2/batch/resume', { body: ref, signal: call_.signal }),
        ref,
        'in_progress',
        call_.signal,
      ),
    /** POST /v2/batch/cancel: cancels a batch that is not `completed` or `cancelled` (cannot be undone). */
    cancel: (ref: BatchRef, call_: CallOptions = {}) =>
      setBatchState(
        'cancelBatch',
        raw.POST('/v2/batch/cancel', { body: ref, signal: call_.signal }),
        ref,
        'cancelled',
        call_.signal,
      ),
    /** POST /v2/batch/metadata: replaces the metadata, or deep-merges it with `merge: true`. */
    setMetadata: (body: SetBatchMetadataParams, call_: CallOptions = {}) =>
      call<Batch>(
        'setBatchMetadata',
        raw.POST('/v2/batch/metadata', { body, signal: call_.signal }),
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

  const annotations = {
    /** GET /v2/annotation: one annotation, by the `id` it has in a task's turns. */
    get: (annotationId: string, call_: CallOptions = {}) =>
      call<Annotation>(
        'getAnnotation',
        raw.GET('/v2/annotation', {
          params: { query: { annotation_id: annotationId } },
          signal: call_.signal,
        }),
      ),
  };

  const datasets = {
    /** GET /v2/datasets: every dataset of the account (one answer, not paginated). */
    list: async (call_: CallOptions = {}): Promise<Dataset[]> =>
      (
        await call<GetDatasetsResponse>(
          'getDatasets',
          raw.GET('/v2/datasets', { signal: call_.signal }),
        )
      ).datasets,
    /** GET /v2/datasets/deliveries: deliveries to a dataset (or all), oldest first (not paginated). */
    deliveries: async (
      query: DatasetDeliveriesParams = {},
      call_: CallOptions = {},
    ): Promise<DatasetDelivery[]> =>
      (
        await call<GetDatasetDeliveriesResponse>(
          'getDatasetDeliveries',
          raw.GET('/v2/datasets/deliveries', { params: { query }, signal: call_.signal }),
        )
      ).deliveries,
    /** GET /v2/datasets/delivery: the tasks of one delivery, page by page (`.pages()` also has `delivery`). */
    delivery: (query: DatasetDeliveryParams, call_: CallOptions = {}) =>
      new Paginator<DatasetTask, GetDatasetDeliveryResponse>(
        (cursor) =>
          call<GetDatasetDeliveryResponse>(
            'getDatasetDelivery',
            raw.GET('/v2/datasets/delivery', {
              params: { query: withCursor(query, cursor) },
              signal: call_.signal,
            }),
          ),
        (page) => page.tasks,
        nextToken,
        (task) => task.task_id,
        'getDatasetDelivery',
      ),
    /** GET /v2/datasets/tasks: tasks delivered to a dataset or in a delivery, page by page. */
    tasks: (query: DatasetTasksParams, call_: CallOptions = {}) =>
      new Paginator<DatasetTask, GetDatasetTasksResponse>(
        (cursor) =>
          call<GetDatasetTasksResponse>(
            'getDatasetTasks',
            raw.GET('/v2/datasets/tasks', {
              params: { query: withCursor(query, cursor) },
              signal: call_.signal,
            }),
          ),
        (page) => page.tasks,
        nextToken,
        (task) => task.task_id,
        'getDatasetTasks',
      ),
    /** GET /v2/datasets/task: one delivered dataset task. */
    task: (taskId: string, query: DatasetTaskParams = {}, call_: CallOptions = {}) =>
      call<DatasetTask>(
        'getDatasetTask',
        raw.GET('/v2/datasets/task', {
          params: { query: { ...query, task_id: taskId } },
          signal: call_.signal,
        }),
      ),
    /**
     * GET /v2/datasets/task/{taskId}/response_url/{attachmentId}: the short-lived URL of an
     * attachment. The API answers 302; the redirect is not followed (nothing is sent to the
     * URL, and no credentials could be): its `Location` is returned, resolved to an absolute URL.
     */
    responseUrl: async (
      taskId: string,
      attachmentId: string,
      call_: CallOptions = {},
    ): Promise<string> => {
      const operationId = 'getDatasetTaskResponseUrl';
      const pending = raw.GET('/v2/datasets/task/{taskId}/response_url/{attachmentId}', {
        params: { path: { taskId, attachmentId } },
        redirect: 'manual',
        signal: call_.signal,
      });
      await call<unknown>(operationId, pending, { accept: redirectStatuses });
      const { response } = await pending;
      const location = response.headers.get('location');
      if (response.type === 'opaqueredirect') {
        throw new ScaleClientError(
          `${operationId}: this runtime's fetch hides the Location of a redirect (a browser's does); call it from a server`,
          { operationId },
        );
      }
      if (!location) {
        throw new ScaleClientError(
          `${operationId} answered ${response.status} without a Location header`,
          { operationId },
        );
      }
      return new URL(location, response.url || `${baseUrl}/`).toString();
    },
  };

  const schemas = {
    /** GET /v2/schema: a response schema, its JSON Schema serialized in `schema.json`. */
    get: (schemaId: string, call_: CallOptions = {}) =>
      call<GetSchemaResponse>(
        'getSchema',
        raw.GET('/v2/schema', { params: { query: { schema_id: schemaId } }, signal: call_.signal }),
      ),
    /**
     * GET /v2/schema, with `schema.json` parsed into an object. Missing or malformed JSON (or
     * JSON that is not an object) is a SchemaParseError naming the schema and where it broke.
     */
    getParsed: async (schemaId: string, call_: CallOptions = {}): Promise<ParsedSchema> => {
      const { schema } = await schemas.get(schemaId, call_);
      const id = schema.id ?? schemaId;
      return { id, schema: parseSchemaJson(id, schema.json) };
    },
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
      /**
       * POST /v1/task/<type> (`createV1<Type>Task`): creates a task of `type`; the body's type
       * follows it. Give a `unique_id` so that a retry cannot create two.
       */
      create: <Type extends V1TaskType>(
        type: Type,
        body: V1CreateTaskBody<Type>,
        call_: CallOptions = {},
      ): Promise<V1Task> => {
        const operationId = v1CreateOperations.get(type);
        if (operationId === undefined) {
          // Only reachable around the types (a string cast to V1TaskType).
          return Promise.reject(
            new ScaleClientError(
              `v1.tasks.create: ${JSON.stringify(type)} is not a v1 task type of the spec (V1TaskType)`,
            ),
          );
        }
        // One typed path per type: the template literal is one of them, and the body its body.
        const path = `/v1/task/${type}` as '/v1/task/categorization';
        return call<V1Task>(
          operationId,
          raw.POST(path, {
            body: body as V1CreateTaskBody<'categorization'>,
            signal: call_.signal,
          }),
        );
      },
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

  return { raw, tasks, deliveries, batches, projects, annotations, datasets, schemas, v1 };
}

/** The client `createScaleClient` returns. */
export type ScaleClient = ReturnType<typeof createScaleClient>;
