import { operations } from '@scale-contracts/validators/scale';
import { planBatches } from './plan-batches.js';
import { planDatasets } from './plan-datasets.js';
import {
  collect,
  listOf,
  MALFORMED_TOKEN,
  missing,
  followPage as nextPage,
  objectOf,
  refOf,
  refused as rejected,
  stringOf,
  WRITES_OFF,
} from './plan-helpers.js';
import type { Exchange, QueryValue, Session } from './session.js';
import { showValue } from './violations.js';

/** What the Scale plan needs besides the session. */
export interface PlanContext {
  allowWrites: boolean;
  /** Short random id of this run, used in unique_ids, metadata and tags it writes. */
  runId: string;
}

const API = 'scale';
const ALL_OPTS = ['annotation_details', 'attachment_details', 'model_parameters', 'submissions'];

export { MALFORMED_TOKEN };
/** The v1 creation operations, one per task type: `createV1<Type>Task`, POST /v1/task/<type>. */
export const V1_CREATE_OPERATIONS = Object.entries(
  operations as Readonly<Record<string, { readonly method: string; readonly path: string }>>,
).flatMap(([operationId, operation]) =>
  operation.method === 'POST' && /^\/v1\/task\/[a-z0-9]+$/.test(operation.path)
    ? [{ operationId, path: operation.path }]
    : [],
);
const CREATE_CATEGORIZATION = 'createV1CategorizationTask';

/**
 * Verifies the Scale v2 and v1 APIs: authentication, every read operation with ids discovered
 * by chaining (projects → batches → tasks → annotations → deliveries → response schemas;
 * datasets → deliveries → tasks → attachment downloads; v1 list → v1 task), a next page of
 * each paginated list, negative checks that must be refused with a documented 4xx, and, with
 * `allowWrites`, every write operation on a task or batch it creates itself.
 */
export async function planScale(s: Session, context: PlanContext): Promise<void> {
  const { runId } = context;
  const none = (what: string) => `no ${what} to chain from`;

  // Authentication.
  await s.check(API, 'getProjects', 'no API key is refused with 401', { auth: 'none' }, 401);
  await s.check(API, 'getProjects', 'a wrong API key is refused with 401', { auth: 'wrong' }, 401);
  await s.check(
    API,
    'listV1Tasks',
    'no API key is refused with 401',
    { auth: 'none', query: { limit: 1 } },
    401,
  );

  // Projects.
  s.info('scale: projects');
  const projects = await s.check(API, 'getProjects', 'list projects', {}, 'success');
  const project = listOf(projects, 'projects')[0];
  const projectId = stringOf(project?.id);
  const projectName = stringOf(project?.name);
  if (projectId && projectName) {
    await s.check(
      API,
      'getProject',
      'by project_id',
      { query: { project_id: projectId } },
      'success',
    );
    await s.check(
      API,
      'getProject',
      'by project_name',
      { query: { project_name: projectName } },
      'success',
    );
  } else {
    s.skip(API, 'getProject', 'by project_id and by project_name', none('project'));
  }
  await s.check(
    API,
    'getProject',
    'without project_id or project_name is rejected',
    {},
    'rejected',
  );
  await s.check(
    API,
    'getProject',
    'an unknown project_id is rejected',
    { query: { project_id: missing(runId, 'project') } },
    'rejected',
  );

  // Batches.
  s.info('scale: batches');
  let batchId: string | undefined;
  let batchName: string | undefined;
  if (projectId && projectName) {
    const page = await s.check(
      API,
      'getBatches',
      'by project_id, limit=2',
      { query: { project_id: projectId, limit: 2 } },
      'success',
    );
    const batch = listOf(page, 'batches')[0];
    batchId = stringOf(batch?.id);
    batchName = stringOf(batch?.name);
    await nextPage(s, 'getBatches', page, { project_id: projectId, limit: 2 });
    await s.check(
      API,
      'getBatches',
      'by project_name with expand=project',
      { query: { project_name: projectName, expand: ['project'], limit: 2 } },
      'success',
    );
    await s.check(
      API,
      'getBatches',
      'status=completed',
      { query: { project_id: projectId, status: 'completed', limit: 2 } },
      'success',
    );
  } else {
    s.skip(API, 'getBatches', 'by project', none('project'));
  }
  const batchesQuery: Record<string, QueryValue> = projectId ? { project_id: projectId } : {};
  await rejected(s, 'getBatches', [
    ['limit=0 is rejected', { ...batchesQuery, limit: 0 }],
    ['limit=101 is rejected', { ...batchesQuery, limit: 101 }],
    ['a status outside the enum is rejected', { ...batchesQuery, status: 'not_a_status' }],
    ['a malformed next_token is rejected', { ...batchesQuery, next_token: MALFORMED_TOKEN }],
  ]);
  if (batchId && batchName) {
    await s.check(API, 'getBatch', 'by batch_id', { query: { batch_id: batchId } }, 'success');
    await s.check(
      API,
      'getBatch',
      'by batch_name with expand=project',
      { query: { batch_name: batchName, expand: ['project'] } },
      'success',
    );
  } else {
    s.skip(API, 'getBatch', 'by batch_id and by batch_name', none('batch'));
  }
  await rejected(s, 'getBatch', [
    ['without batch_id or batch_name is rejected', {}],
    ['an unknown batch_id is rejected', { batch_id: missing(runId, 'batch') }],
  ]);
  await planBatches(s, { ...context, projectId, projectName });

  // Tasks.
  s.info('scale: tasks');
  let taskId: string | undefined;
  /** Responses with `opts=annotation_details`: where annotation ids come from. */
  const detailed: (Exchange | undefined)[] = [];
  if (projectId && projectName) {
    const page = await s.check(
      API,
      'getTasks',
      'by project_id, limit=2',
      { query: { project_id: projectId, limit: 2 } },
      'success',
    );
    taskId = stringOf(listOf(page, 'tasks')[0]?.task_id);
    await nextPage(s, 'getTasks', page, { project_id: projectId, limit: 2 });
    const completed = await s.check(
      API,
      'getTasks',
      'by project_name, status=completed',
      { query: { project_name: projectName, status: 'completed', limit: 2 } },
      'success',
    );
    // A completed task shows the most (threads, annotations): prefer it for getTask.
    taskId = stringOf(listOf(completed, 'tasks')[0]?.task_id) ?? taskId;
    const everyOpt = await s.check(
      API,
      'getTasks',
      'with expand=project,batch and every opt',
      { query: { project_id: projectId, limit: 2, expand: ['project', 'batch'], opts: ALL_OPTS } },
      'success',
    );
    detailed.push(everyOpt);
  } else {
    s.skip(API, 'getTasks', 'by project', none('project'));
  }
  if (batchId) {
    await s.check(
      API,
      'getTasks',
      'by batch_id',
      { query: { batch_id: batchId, limit: 2 } },
      'success',
    );
  } else {
    s.skip(API, 'getTasks', 'by batch_id', none('batch'));
  }
  await rejected(s, 'getTasks', [
    ['limit=0 is rejected', { ...batchesQuery, limit: 0 }],
    ['limit=101 is rejected', { ...batchesQuery, limit: 101 }],
    ['a status outside the enum is rejected', { ...batchesQuery, status: 'not_a_status' }],
    ['without project or batch filter is rejected', { limit: 2 }],
    ['a malformed next_token is rejected', { ...batchesQuery, next_token: MALFORMED_TOKEN }],
    [
      'a completed_after that is no date-time is rejected',
      { ...batchesQuery, completed_after: 'yesterday' },
    ],
  ]);
  if (taskId) {
    await s.check(API, 'getTask', 'by task_id', { query: { task_id: taskId } }, 'success');
    detailed.unshift(
      await s.check(
        API,
        'getTask',
        'with every opt',
        { query: { task_id: taskId, opts: ALL_OPTS } },
        'success',
      ),
    );
    await s.check(
      API,
      'getTask',
      'with expand=project,batch',
      { query: { task_id: taskId, expand: ['project', 'batch'] } },
      'success',
    );
  } else {
    s.skip(API, 'getTask', 'by task_id', none('task'));
  }
  await rejected(s, 'getTask', [
    ['without task_id is rejected', {}],
    ['an unknown task_id is rejected', { task_id: missing(runId, 'task') }],
    [
      'an opt outside the enum is rejected',
      { task_id: taskId ?? missing(runId, 'task'), opts: ['not_an_option'] },
    ],
  ]);

  // Annotations, by an id found in a task fetched with opts=annotation_details.
  const annotationId = detailed
    .filter((exchange) => exchange !== undefined && exchange.status < 300)
    .flatMap((exchange) => collect(exchange?.body, 'annotations'))
    .map((annotation) => stringOf(annotation.id))
    .find(Boolean);
  if (annotationId) {
    await s.check(
      API,
      'getAnnotation',
      'by annotation_id (from a task with opts=annotation_details)',
      { query: { annotation_id: annotationId } },
      'success',
    );
  } else {
    s.skip(API, 'getAnnotation', 'by annotation_id', none('annotation with an id'));
  }
  await rejected(s, 'getAnnotation', [
    ['without annotation_id is refused with 400', {}, 400],
    [
      'an unknown annotation_id is refused with 404',
      { annotation_id: missing(runId, 'annotation') },
      404,
    ],
  ]);

  // Deliveries.
  s.info('scale: deliveries');
  let deliveryId: string | undefined;
  /** getDeliveryTasks pages: where response_schema_ids come from. */
  const deliveryDocs: (Exchange | undefined)[] = [];
  if (projectId && projectName) {
    const deliveries = await s.check(
      API,
      'getDeliveries',
      'by project_id',
      { query: { project_id: projectId } },
      'success',
    );
    await s.check(
      API,
      'getDeliveries',
      'by project_name with expand=project',
      { query: { project_name: projectName, expand: ['project'] } },
      'success',
    );
    const delivery = listOf(deliveries, 'deliveries')[0];
    deliveryId = stringOf(delivery?.id);
    const deliveryName = stringOf(delivery?.name);
    if (deliveryId && deliveryName) {
      const page = await s.check(
        API,
        'getDeliveredTasks',
        'by delivery_id, limit=2',
        { query: { delivery_id: deliveryId, limit: 2 } },
        'success',
      );
      await nextPage(s, 'getDeliveredTasks', page, { delivery_id: deliveryId, limit: 2 });
      await s.check(
        API,
        'getDeliveredTasks',
        'by delivery_name and project_name with expand=delivery',
        {
          query: {
            delivery_name: deliveryName,
            project_name: projectName,
            limit: 2,
            expand: ['delivery'],
          },
        },
        'success',
      );
    } else {
      s.skip(API, 'getDeliveredTasks', 'by delivery', none('delivery'));
    }
    const docs = await s.check(
      API,
      'getDeliveryTasks',
      'by project_id, limit=2',
      { query: { project_id: projectId, limit: 2 } },
      'success',
    );
    deliveryDocs.push(docs);
    await nextPage(s, 'getDeliveryTasks', docs, { project_id: projectId, limit: 2 });
    if (deliveryId) {
      deliveryDocs.push(
        await s.check(
          API,
          'getDeliveryTasks',
          'by project_name and delivery_id',
          { query: { project_name: projectName, delivery_id: deliveryId, limit: 2 } },
          'success',
        ),
      );
    }
  } else {
    s.skip(API, 'getDeliveries', 'by project', none('project'));
    s.skip(API, 'getDeliveredTasks', 'by delivery', none('project'));
    s.skip(API, 'getDeliveryTasks', 'by project', none('project'));
  }
  await rejected(s, 'getDeliveries', [['without project_id or project_name is rejected', {}]]);
  await rejected(s, 'getDeliveredTasks', [
    ['without delivery_id or delivery_name is rejected', { limit: 2 }],
    [
      'limit=101 is rejected',
      { delivery_id: deliveryId ?? missing(runId, 'delivery'), limit: 101 },
    ],
  ]);
  await rejected(s, 'getDeliveryTasks', [
    ['without project_id or project_name is rejected', { limit: 2 }],
    ['a status outside the enum is rejected', { ...batchesQuery, status: 'not_a_status' }],
  ]);

  // Response schemas, by the response_schema_id of a delivered task.
  const schemaId = deliveryDocs
    .flatMap((exchange) => (exchange && exchange.status < 300 ? listOf(exchange, 'docs') : []))
    .map((doc) => stringOf(doc.response_schema_id))
    .find(Boolean);
  if (schemaId) {
    await s.check(
      API,
      'getSchema',
      "by a delivered task's response_schema_id",
      { query: { schema_id: schemaId } },
      'success',
      { assert: schemaJsonParses },
    );
  } else {
    s.skip(
      API,
      'getSchema',
      'by response_schema_id',
      none('delivered task with a response_schema_id'),
    );
  }
  await rejected(s, 'getSchema', [
    ['without schema_id is refused with 400', {}, 400],
    ['an unknown schema_id is refused with 404', { schema_id: missing(runId, 'schema') }, 404],
  ]);

  await planDatasets(s, context);

  // v1 tasks.
  s.info('scale: v1 tasks');
  const v1 = await s.check(API, 'listV1Tasks', 'limit=2', { query: { limit: 2 } }, 'success');
  const v1Task = listOf(v1, 'docs')[0];
  const v1TaskId = stringOf(v1Task?.task_id);
  if (objectOf(v1?.body)?.has_more === true) {
    await nextPage(s, 'listV1Tasks', v1, { limit: 2 });
  } else {
    s.skip(API, 'listV1Tasks', 'next page', 'the first page was the last (has_more is false)');
  }
  const v1Project = refOf(v1Task?.project, 'name') ?? projectName;
  if (v1Project) {
    await s.check(
      API,
      'listV1Tasks',
      'by project name',
      { query: { project: v1Project, limit: 2 } },
      'success',
    );
  }
  const v1Completed = await s.check(
    API,
    'listV1Tasks',
    'status=completed',
    { query: { status: 'completed', limit: 2 } },
    'success',
  );
  await rejected(s, 'listV1Tasks', [
    ['limit=0 is rejected', { limit: 0 }],
    ['limit=101 is rejected', { limit: 101 }],
    ['a status outside the enum is rejected', { status: 'not_a_status' }],
    ['a type outside the enum is rejected', { type: 'not_a_task_type' }],
  ]);
  if (v1TaskId) {
    await s.check(
      API,
      'getV1Task',
      'by task_id',
      { path: `/v1/task/${encodeURIComponent(v1TaskId)}` },
      'success',
    );
  } else {
    s.skip(API, 'getV1Task', 'by task_id', none('v1 task'));
  }
  await s.check(
    API,
    'getV1Task',
    'an unknown task_id is rejected',
    { path: `/v1/task/${missing(runId, 'task')}` },
    'rejected',
  );

  // Writes.
  const writeOperations = [
    'createChatTask',
    'setTaskMetadata',
    ...V1_CREATE_OPERATIONS.map((operation) => operation.operationId),
    'setV1TaskMetadata',
    'setV1TaskUniqueId',
    'deleteV1TaskUniqueId',
    'replaceV1TaskTags',
    'addV1TaskTags',
    'deleteV1TaskTags',
    'auditV1Task',
    'cancelV1Task',
  ];
  if (!context.allowWrites) {
    for (const operationId of writeOperations) {
      s.skip(API, operationId, 'write checks', WRITES_OFF);
    }
    return;
  }
  s.info('scale: writes');
  const uniqueId = `scale-contracts-${runId}`;
  if (projectName) {
    const chatBody = {
      project_name: projectName,
      template_variables: { prompt: 'scale-contracts verify: contract check' },
      metadata: { scale_contracts_run: runId },
      unique_id: `${uniqueId}-chat`,
    };
    const chat = await s.check(
      API,
      'createChatTask',
      'create a chat task',
      { body: chatBody },
      'success',
    );
    await s.check(
      API,
      'createChatTask',
      'a repeated unique_id is refused with 409',
      { body: chatBody },
      409,
    );
    const chatId = stringOf(objectOf(chat?.body)?.task_id);
    if (chatId) {
      await s.check(
        API,
        'setTaskMetadata',
        'merge metadata into the created task',
        { body: { task_id: chatId, metadata: { scale_contracts_run: runId }, merge: true } },
        'success',
      );
    } else {
      s.skip(API, 'setTaskMetadata', 'merge metadata into the created task', none('created task'));
    }
  } else {
    s.skip(API, 'createChatTask', 'create a chat task', none('project'));
    s.skip(API, 'setTaskMetadata', 'merge metadata into the created task', none('project'));
  }
  await s.check(
    API,
    'createChatTask',
    'without a project is rejected',
    { body: { template_variables: { prompt: 'x' } } },
    'rejected',
  );
  await s.check(
    API,
    'setTaskMetadata',
    'without task_id is rejected',
    { body: { metadata: {} } },
    'rejected',
  );

  const categorization = listOf(v1, 'docs').find((task) => task.type === 'categorization');
  const createProject = refOf(categorization?.project, 'name') ?? v1Project;
  const v1Body = {
    ...(createProject ? { project: createProject } : {}),
    instruction: 'scale-contracts verify: contract check',
    attachment_type: 'text',
    attachment: 'scale-contracts verify',
    categories: ['conforms', 'drifts'],
    metadata: { scale_contracts_run: runId },
    unique_id: `${uniqueId}-v1`,
  };
  const created = await s.check(
    API,
    CREATE_CATEGORIZATION,
    'create a categorization task',
    { body: v1Body },
    'success',
  );
  await s.check(
    API,
    CREATE_CATEGORIZATION,
    'a repeated unique_id is refused with 409',
    { body: v1Body },
    409,
  );
  const { categories: _categories, ...withoutCategories } = v1Body;
  await s.check(
    API,
    CREATE_CATEGORIZATION,
    'without categories is rejected',
    { body: { ...withoutCategories, unique_id: `${uniqueId}-no-categories` } },
    'rejected',
  );
  await s.check(
    API,
    CREATE_CATEGORIZATION,
    'a task type without a path is refused with 404',
    { path: '/v1/task/not_a_task_type', body: { ...v1Body, unique_id: `${uniqueId}-bad-type` } },
    404,
  );
  // Every other type's path exists and wants a key. Creating one task of each type on a live
  // account would cost money (and need projects set up per type), so each gets a request that
  // cannot create anything: no credential, no body.
  for (const { operationId } of V1_CREATE_OPERATIONS) {
    if (operationId !== CREATE_CATEGORIZATION) {
      await s.check(API, operationId, 'no API key is refused with 401', { auth: 'none' }, 401);
    }
  }
  const createdId = stringOf(objectOf(created?.body)?.task_id);
  const task = (id: string, suffix = '') => `/v1/task/${encodeURIComponent(id)}${suffix}`;
  if (createdId) {
    await s.check(
      API,
      'setV1TaskMetadata',
      'replace the metadata of the created task',
      { path: task(createdId, '/setMetadata'), body: { scale_contracts_run: runId } },
      'success',
    );
    await s.check(
      API,
      'setV1TaskUniqueId',
      'set a unique_id',
      { path: task(createdId, '/unique_id'), body: { unique_id: `${uniqueId}-v1-renamed` } },
      'success',
    );
    await s.check(
      API,
      'setV1TaskUniqueId',
      'without unique_id is rejected',
      { path: task(createdId, '/unique_id'), body: {} },
      'rejected',
    );
    await s.check(
      API,
      'deleteV1TaskUniqueId',
      'clear the unique_id',
      { path: task(createdId, '/unique_id') },
      'success',
    );
    await s.check(
      API,
      'replaceV1TaskTags',
      'replace the tags',
      { path: task(createdId, '/tags'), body: ['scale-contracts', `run-${runId}`] },
      'success',
    );
    await s.check(
      API,
      'replaceV1TaskTags',
      'a body that is not an array is rejected',
      { path: task(createdId, '/tags'), body: { tags: ['scale-contracts'] } },
      'rejected',
    );
    await s.check(
      API,
      'addV1TaskTags',
      'add a tag',
      { path: task(createdId, '/tags'), body: ['scale-contracts-added'] },
      'success',
    );
    await s.check(
      API,
      'deleteV1TaskTags',
      'remove the added tag',
      { path: task(createdId, '/tags'), body: ['scale-contracts-added'] },
      'success',
    );
    await s.check(
      API,
      'cancelV1Task',
      'cancel the created task',
      { path: task(createdId, '/cancel'), query: { clear_unique_id: true } },
      'success',
    );
    await s.check(
      API,
      'cancelV1Task',
      'cancel it again (idempotent)',
      { path: task(createdId, '/cancel') },
      'success',
    );
  } else {
    for (const operationId of writeOperations.slice(3, 9)) {
      s.skip(API, operationId, 'on the created task', none('created v1 task'));
    }
    s.skip(API, 'cancelV1Task', 'cancel the created task', none('created v1 task'));
  }
  await s.check(
    API,
    'cancelV1Task',
    'an unknown task_id is rejected',
    { path: task(missing(runId, 'task'), '/cancel') },
    'rejected',
  );
  const completedId = stringOf(listOf(v1Completed, 'docs')[0]?.task_id);
  if (completedId) {
    await s.check(
      API,
      'auditV1Task',
      'accept a completed task',
      {
        path: task(completedId, '/audit'),
        body: { accepted: true, comments: 'scale-contracts verify: contract check' },
      },
      'success',
    );
    await s.check(
      API,
      'auditV1Task',
      'without accepted is rejected',
      { path: task(completedId, '/audit'), body: { comments: 'no decision' } },
      'rejected',
    );
  } else {
    s.skip(API, 'auditV1Task', 'accept a completed task', none('completed v1 task'));
  }
}

/** `schema.json` is a JSON Schema serialized to a string: it must parse (to an object or a boolean). */
function schemaJsonParses(exchange: Exchange) {
  const json = objectOf(objectOf(exchange.body)?.schema)?.json;
  if (typeof json !== 'string') {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(json);
    // A JSON Schema is an object, or a boolean (`true` accepts anything).
    if (
      typeof parsed === 'boolean' ||
      (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
    ) {
      return [];
    }
  } catch {
    // reported below
  }
  return [
    {
      pointer: '/schema/json',
      keyword: 'json',
      expected: 'a JSON Schema serialized as a string (an object or a boolean once parsed)',
      actual: showValue(json),
    },
  ];
}
