import { planBatches } from './plan-batches.js';
import { planDatasets } from './plan-datasets.js';
import {
  collect,
  type Json,
  listOf,
  MALFORMED_TOKEN,
  missing,
  none,
  objectOf,
  stringOf,
  WRITES_OFF,
} from './plan-helpers.js';
import {
  acrossPages,
  all,
  attachmentDetails,
  boundsPage,
  countsPage,
  detailedAnnotations,
  equals,
  expandName,
  expands,
  holds,
  idsOf,
  inside,
  itemsOfAll,
  judge,
  modelParameters,
  refIs,
  refuse,
  refused,
  semantic,
  shortForm,
  submissions,
  telling,
  unexpandedName,
  WALK_LIMIT,
  walk,
  windowAround,
} from './plan-semantics.js';
import { planV1, V1_CREATE_OPERATIONS } from './plan-v1.js';
import type { Exchange, QueryValue, Session } from './session.js';
import type { Violation } from './types.js';
import { showValue } from './violations.js';

/** What the Scale plan needs besides the session. */
export interface PlanContext {
  allowWrites: boolean;
  /** Short random id of this run, used in unique_ids, metadata and tags it writes. */
  runId: string;
}

const API = 'scale';
const ALL_OPTS = ['annotation_details', 'attachment_details', 'model_parameters', 'submissions'];
const LIMIT = `limit=${WALK_LIMIT} bounds the page (≤ ${WALK_LIMIT} items)`;
const SHORT_FORM =
  'without opts, the short form: annotations without details, no submissions or model parameters';

export { MALFORMED_TOKEN, V1_CREATE_OPERATIONS };

/**
 * The checks of `opts` on a response read with every opt (`withOpts`), against the same items
 * read without (`plain`): each opt adds what it names.
 */
export function judgeOpts(
  s: Session,
  operationId: string,
  withOpts: Exchange | undefined,
  plain: Exchange | undefined,
): void {
  judge(
    s,
    API,
    operationId,
    'opts=annotation_details adds detailed annotations',
    withOpts,
    detailedAnnotations,
  );
  judge(
    s,
    API,
    operationId,
    'opts=attachment_details adds attachment details',
    withOpts,
    attachmentDetails(plain),
  );
  judge(
    s,
    API,
    operationId,
    'opts=model_parameters adds model parameters',
    withOpts,
    modelParameters,
  );
  judge(s, API, operationId, 'opts=submissions adds submissions', withOpts, submissions);
}

/** A time-window check: a request around the median of `times`, and the window holding. */
export async function windowCheck(
  s: Session,
  operationId: string,
  args: {
    /** `completed_after` and `completed_before`, `start_time` and `end_time`, ... */
    bounds: [after: string, before: string];
    /** What the window is around: `a completed task`. */
    around: string;
    times: unknown[];
    query: Record<string, QueryValue>;
    key: string;
    field: string;
    items: string;
  },
): Promise<void> {
  const [after, before] = args.bounds;
  const names = `${after} and ${before}`;
  const window = windowAround(args.times);
  if (!window) {
    s.skip(
      API,
      operationId,
      `${names} hold for every ${args.items} returned`,
      none(args.around.replace(/^an? /, '')),
    );
    return;
  }
  const exchange = await s.check(
    API,
    operationId,
    `${names} around ${args.around}`,
    { query: { ...args.query, [after]: window.after, [before]: window.before } },
    'success',
  );
  judge(
    s,
    API,
    operationId,
    `${names} hold for every ${args.items} returned`,
    exchange,
    inside(args.key, args.field, window, names),
  );
}

/**
 * Verifies the Scale v2 and v1 APIs: authentication, every read operation with ids discovered
 * by chaining (projects → batches → tasks → annotations → deliveries → response schemas;
 * datasets → deliveries → tasks → attachment downloads; v1 list → v1 task), what each
 * parameter promises (limit, filters, time windows, expand, opts, cursors walked to a cap),
 * negative checks that must be refused with a documented 4xx and error body, and, with
 * `allowWrites`, every write operation on a task or batch it creates itself, read back.
 */
export async function planScale(s: Session, context: PlanContext): Promise<void> {
  const { runId } = context;

  // Authentication.
  await refuse(s, API, 'getProjects', 'no API key', { auth: 'none' }, 401);
  await refuse(s, API, 'getProjects', 'a wrong API key', { auth: 'wrong' }, 401);
  await refuse(s, API, 'listV1Tasks', 'no API key', { auth: 'none', query: { limit: 1 } }, 401);

  // Projects.
  s.info('scale: projects');
  const projects = await s.check(API, 'getProjects', 'list projects', {}, 'success');
  const project = listOf(projects, 'projects')[0];
  const projectId = stringOf(project?.id);
  const projectName = stringOf(project?.name);
  await windowCheck(s, 'getProjects', {
    bounds: ['created_after', 'created_before'],
    around: 'a project',
    times: listOf(projects, 'projects').map((item) => item.created_at),
    query: {},
    key: 'projects',
    field: 'created_at',
    items: 'project',
  });
  if (projectId && projectName) {
    const byId = await s.check(
      API,
      'getProject',
      'by project_id',
      { query: { project_id: projectId } },
      'success',
    );
    judge(
      s,
      API,
      'getProject',
      'the project returned has the project_id asked for',
      byId,
      holds('', 'id', equals(projectId), JSON.stringify(projectId)),
    );
    const byName = await s.check(
      API,
      'getProject',
      'by project_name',
      { query: { project_name: projectName } },
      'success',
    );
    judge(
      s,
      API,
      'getProject',
      'the project returned has the project_name asked for',
      byName,
      holds('', 'name', equals(projectName), JSON.stringify(projectName)),
    );
  } else {
    s.skip(API, 'getProject', 'by project_id and by project_name', none('project'));
  }
  await refuse(s, API, 'getProject', 'without project_id or project_name', {});
  await refuse(s, API, 'getProject', 'an unknown project_id', {
    query: { project_id: missing(runId, 'project') },
  });

  // Batches.
  s.info('scale: batches');
  let batchId: string | undefined;
  let batchName: string | undefined;
  const ofProject = (what: string) => `the project ${JSON.stringify(projectId)} (${what})`;
  if (projectId && projectName) {
    const query = { project_id: projectId, limit: WALK_LIMIT };
    const page = await s.check(API, 'getBatches', 'by project_id, limit=2', { query }, 'success');
    judge(s, API, 'getBatches', LIMIT, page, boundsPage('batches', WALK_LIMIT), {
      stateful: false,
    });
    judge(
      s,
      API,
      'getBatches',
      unexpandedName(['project']),
      page,
      expands('batches', [], ['project']),
    );
    const batch = listOf(page, 'batches')[0];
    batchId = stringOf(batch?.id);
    batchName = stringOf(batch?.name);
    const walked = await walk(s, API, 'getBatches', page, query, { key: 'batches', id: 'id' });
    judge(
      s,
      API,
      'getBatches',
      'project_id holds for every batch returned (every page of the walk)',
      walked.pages.at(-1),
      acrossPages(
        walked.pages,
        holds('batches', 'project', refIs(projectId), ofProject('project_id')),
      ),
    );
    const expanded = await s.check(
      API,
      'getBatches',
      'by project_name with expand=project',
      { query: { project_name: projectName, expand: ['project'], limit: WALK_LIMIT } },
      'success',
    );
    judge(
      s,
      API,
      'getBatches',
      expandName(['project']),
      expanded,
      expands('batches', ['project'], [], () => projectId),
    );
    judge(
      s,
      API,
      'getBatches',
      'project_name holds for every batch returned',
      expanded,
      holds('batches', 'project/name', equals(projectName), JSON.stringify(projectName)),
    );
    const status = telling(
      listOf(page, 'batches'),
      itemsOfAll(walked.pages, 'batches'),
      'status',
      'completed',
    );
    const completed = await s.check(
      API,
      'getBatches',
      `status=${status}`,
      { query: { project_id: projectId, status, limit: WALK_LIMIT } },
      'success',
    );
    judge(
      s,
      API,
      'getBatches',
      `status=${status} holds for every batch returned`,
      completed,
      holds('batches', 'status', equals(status), JSON.stringify(status)),
    );
    const seen = itemsOfAll([...walked.pages, expanded, completed], 'batches');
    for (const [field, bounds, around] of [
      ['created_at', ['created_after', 'created_before'], 'a batch'],
      ['completed_at', ['completed_after', 'completed_before'], 'a completed batch'],
    ] as const) {
      await windowCheck(s, 'getBatches', {
        bounds: [...bounds],
        around,
        times: seen.map((item) => item[field]),
        query: { project_id: projectId, limit: WALK_LIMIT },
        key: 'batches',
        field,
        items: 'batch',
      });
    }
  } else {
    s.skip(API, 'getBatches', 'by project', none('project'));
  }
  const batchesQuery: Record<string, QueryValue> = projectId ? { project_id: projectId } : {};
  await refused(s, 'getBatches', [
    ['limit=0', { ...batchesQuery, limit: 0 }],
    ['limit=101', { ...batchesQuery, limit: 101 }],
    ['a status outside the enum', { ...batchesQuery, status: 'not_a_status' }],
    ['a malformed next_token', { ...batchesQuery, next_token: MALFORMED_TOKEN }],
  ]);
  if (batchId && batchName) {
    const byId = await s.check(
      API,
      'getBatch',
      'by batch_id',
      { query: { batch_id: batchId } },
      'success',
    );
    judge(
      s,
      API,
      'getBatch',
      'the batch returned has the batch_id asked for',
      byId,
      holds('', 'id', equals(batchId), JSON.stringify(batchId)),
    );
    judge(s, API, 'getBatch', unexpandedName(['project']), byId, expands('', [], ['project']));
    const byName = await s.check(
      API,
      'getBatch',
      'by batch_name with expand=project',
      { query: { batch_name: batchName, expand: ['project'] } },
      'success',
    );
    judge(
      s,
      API,
      'getBatch',
      'the batch returned has the batch_name asked for',
      byName,
      holds('', 'name', equals(batchName), JSON.stringify(batchName)),
    );
    judge(
      s,
      API,
      'getBatch',
      expandName(['project']),
      byName,
      expands('', ['project'], [], idsOf(byId)),
    );
  } else {
    s.skip(API, 'getBatch', 'by batch_id and by batch_name', none('batch'));
  }
  await refused(s, 'getBatch', [
    ['without batch_id or batch_name', {}],
    ['an unknown batch_id', { batch_id: missing(runId, 'batch') }],
  ]);
  await planBatches(s, { ...context, projectId, projectName });

  // Tasks.
  s.info('scale: tasks');
  let taskId: string | undefined;
  /** Responses with `opts=annotation_details`: where annotation ids come from. */
  const detailed: (Exchange | undefined)[] = [];
  if (projectId && projectName) {
    const query = { project_id: projectId, limit: WALK_LIMIT };
    const page = await s.check(API, 'getTasks', 'by project_id, limit=2', { query }, 'success');
    judge(s, API, 'getTasks', LIMIT, page, boundsPage('tasks', WALK_LIMIT), { stateful: false });
    judge(
      s,
      API,
      'getTasks',
      unexpandedName(['project', 'batch']),
      page,
      expands('tasks', [], ['project', 'batch']),
    );
    judge(s, API, 'getTasks', SHORT_FORM, page, shortForm);
    taskId = stringOf(listOf(page, 'tasks')[0]?.task_id);
    const walked = await walk(s, API, 'getTasks', page, query, { key: 'tasks', id: 'task_id' });
    judge(
      s,
      API,
      'getTasks',
      'project_id holds for every task returned (every page of the walk)',
      walked.pages.at(-1),
      acrossPages(
        walked.pages,
        holds('tasks', 'project', refIs(projectId), ofProject('project_id')),
      ),
    );
    const status = telling(
      listOf(page, 'tasks'),
      itemsOfAll(walked.pages, 'tasks'),
      'status',
      'completed',
    );
    const completed = await s.check(
      API,
      'getTasks',
      `by project_name, status=${status}`,
      { query: { project_name: projectName, status, limit: WALK_LIMIT } },
      'success',
    );
    judge(
      s,
      API,
      'getTasks',
      `status=${status} holds for every task returned`,
      completed,
      holds('tasks', 'status', equals(status), JSON.stringify(status)),
    );
    judge(
      s,
      API,
      'getTasks',
      'project_name holds for every task returned',
      completed,
      holds('tasks', 'project', refIs(projectId), ofProject(`project_name ${projectName}`)),
    );
    // A completed task shows the most (threads, annotations): prefer it for getTask.
    taskId =
      stringOf(
        itemsOfAll([...walked.pages, completed], 'tasks').find(
          (task) => task.status === 'completed',
        )?.task_id,
      ) ?? taskId;
    const everyOpt = await s.check(
      API,
      'getTasks',
      'with expand=project,batch and every opt',
      { query: { ...query, expand: ['project', 'batch'], opts: ALL_OPTS } },
      'success',
    );
    detailed.push(everyOpt);
    // The same query as the first page: the same tasks, now expanded and with every opt.
    judge(
      s,
      API,
      'getTasks',
      expandName(['project', 'batch']),
      everyOpt,
      expands('tasks', ['project', 'batch'], [], idsOf(page)),
    );
    judgeOpts(s, 'getTasks', everyOpt, page);
    const byBatch: (Exchange | undefined)[] = [];
    if (batchId && batchName) {
      for (const [name, filter] of [
        ['batch_id', { batch_id: batchId }],
        ['batch_name', { batch_name: batchName }],
      ] as const) {
        const exchange = await s.check(
          API,
          'getTasks',
          `by ${name}`,
          { query: { ...filter, limit: WALK_LIMIT } },
          'success',
        );
        byBatch.push(exchange);
        judge(
          s,
          API,
          'getTasks',
          `${name} holds for every task returned`,
          exchange,
          holds('tasks', 'batch', refIs(batchId), `the batch ${JSON.stringify(batchId)} (${name})`),
        );
      }
    } else {
      s.skip(API, 'getTasks', 'by batch_id and by batch_name', none('batch'));
    }
    await windowCheck(s, 'getTasks', {
      bounds: ['completed_after', 'completed_before'],
      around: 'a completed task',
      times: itemsOfAll([...walked.pages, completed, ...byBatch], 'tasks').map(
        (task) => task.completed_at,
      ),
      query,
      key: 'tasks',
      field: 'completed_at',
      items: 'task',
    });
  } else {
    s.skip(API, 'getTasks', 'by project', none('project'));
  }
  await refused(s, 'getTasks', [
    ['limit=0', { ...batchesQuery, limit: 0 }],
    ['limit=101', { ...batchesQuery, limit: 101 }],
    ['a status outside the enum', { ...batchesQuery, status: 'not_a_status' }],
    ['without project or batch filter', { limit: 2 }],
    ['a malformed next_token', { ...batchesQuery, next_token: MALFORMED_TOKEN }],
    ['a completed_after that is no date-time', { ...batchesQuery, completed_after: 'yesterday' }],
  ]);
  if (taskId) {
    const byId = await s.check(
      API,
      'getTask',
      'by task_id',
      { query: { task_id: taskId } },
      'success',
    );
    judge(
      s,
      API,
      'getTask',
      'the task returned has the task_id asked for',
      byId,
      holds('', 'task_id', equals(taskId), JSON.stringify(taskId)),
    );
    judge(
      s,
      API,
      'getTask',
      unexpandedName(['project', 'batch']),
      byId,
      expands('', [], ['project', 'batch']),
    );
    judge(s, API, 'getTask', SHORT_FORM, byId, shortForm);
    const withOpts = await s.check(
      API,
      'getTask',
      'with expand=batch and every opt',
      { query: { task_id: taskId, expand: ['batch'], opts: ALL_OPTS } },
      'success',
    );
    detailed.unshift(withOpts);
    judge(
      s,
      API,
      'getTask',
      expandName(['batch'], ['project']),
      withOpts,
      expands('', ['batch'], ['project'], idsOf(byId)),
    );
    judgeOpts(s, 'getTask', withOpts, byId);
  } else {
    s.skip(API, 'getTask', 'by task_id', none('task'));
  }
  await refused(s, 'getTask', [
    ['without task_id', {}],
    ['an unknown task_id', { task_id: missing(runId, 'task') }],
    [
      'an opt outside the enum',
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
    const annotation = await s.check(
      API,
      'getAnnotation',
      'by annotation_id (from a task with opts=annotation_details)',
      { query: { annotation_id: annotationId } },
      'success',
    );
    judge(
      s,
      API,
      'getAnnotation',
      'the annotation returned has the annotation_id asked for',
      annotation,
      holds('', 'id', equals(annotationId), JSON.stringify(annotationId)),
    );
  } else {
    s.skip(API, 'getAnnotation', 'by annotation_id', none('annotation with an id'));
  }
  await refused(s, 'getAnnotation', [
    ['without annotation_id', {}, 400],
    ['an unknown annotation_id', { annotation_id: missing(runId, 'annotation') }, 404],
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
    judge(
      s,
      API,
      'getDeliveries',
      'project_id holds for every delivery returned',
      deliveries,
      holds('deliveries', 'project', refIs(projectId), ofProject('project_id')),
    );
    judge(
      s,
      API,
      'getDeliveries',
      unexpandedName(['project']),
      deliveries,
      expands('deliveries', [], ['project']),
    );
    const expanded = await s.check(
      API,
      'getDeliveries',
      'by project_name with expand=project',
      { query: { project_name: projectName, expand: ['project'] } },
      'success',
    );
    judge(
      s,
      API,
      'getDeliveries',
      expandName(['project']),
      expanded,
      expands('deliveries', ['project'], [], () => projectId),
    );
    judge(
      s,
      API,
      'getDeliveries',
      'project_name holds for every delivery returned',
      expanded,
      holds('deliveries', 'project/name', equals(projectName), JSON.stringify(projectName)),
    );
    await windowCheck(s, 'getDeliveries', {
      bounds: ['delivered_after', 'delivered_before'],
      around: 'a delivery',
      times: listOf(deliveries, 'deliveries').map((item) => item.delivered_at),
      query: { project_id: projectId },
      key: 'deliveries',
      field: 'delivered_at',
      items: 'delivery',
    });
    const delivery = listOf(deliveries, 'deliveries')[0];
    deliveryId = stringOf(delivery?.id);
    const deliveryName = stringOf(delivery?.name);
    if (deliveryId && deliveryName) {
      await planDeliveredTasks(s, { projectId, projectName, deliveryId, deliveryName });
    } else {
      s.skip(API, 'getDeliveredTasks', 'by delivery', none('delivery'));
    }
    const query = { project_id: projectId, limit: WALK_LIMIT };
    const docs = await s.check(
      API,
      'getDeliveryTasks',
      'by project_id, limit=2',
      { query },
      'success',
    );
    deliveryDocs.push(docs);
    judge(s, API, 'getDeliveryTasks', LIMIT, docs, boundsPage('docs', WALK_LIMIT), {
      stateful: false,
    });
    judge(
      s,
      API,
      'getDeliveryTasks',
      'total counts the docs of the page',
      docs,
      countsPage('docs'),
      { stateful: false },
    );
    await walk(s, API, 'getDeliveryTasks', docs, query, { key: 'docs', id: 'task_id' });
    if (deliveryId) {
      const byDelivery = await s.check(
        API,
        'getDeliveryTasks',
        'by project_name and delivery_id',
        { query: { project_name: projectName, delivery_id: deliveryId, limit: WALK_LIMIT } },
        'success',
      );
      deliveryDocs.push(byDelivery);
      judge(
        s,
        API,
        'getDeliveryTasks',
        'delivery_id holds for every doc returned',
        byDelivery,
        holds('docs', 'delivery_id', equals(deliveryId), JSON.stringify(deliveryId)),
      );
    }
  } else {
    s.skip(API, 'getDeliveries', 'by project', none('project'));
    s.skip(API, 'getDeliveredTasks', 'by delivery', none('project'));
    s.skip(API, 'getDeliveryTasks', 'by project', none('project'));
  }
  await refused(s, 'getDeliveries', [['without project_id or project_name', {}]]);
  await refused(s, 'getDeliveredTasks', [
    ['without delivery_id or delivery_name', { limit: 2 }],
    ['limit=101', { delivery_id: deliveryId ?? missing(runId, 'delivery'), limit: 101 }],
  ]);
  await refused(s, 'getDeliveryTasks', [
    ['without project_id or project_name', { limit: 2 }],
    ['a status outside the enum', { ...batchesQuery, status: 'not_a_status' }],
  ]);

  // Response schemas, by the response_schema_id of a delivered task.
  const schemaId = deliveryDocs
    .flatMap((exchange) => (exchange && exchange.status < 300 ? listOf(exchange, 'docs') : []))
    .map((doc) => stringOf(doc.response_schema_id))
    .find(Boolean);
  if (schemaId) {
    const schema = await s.check(
      API,
      'getSchema',
      "by a delivered task's response_schema_id",
      { query: { schema_id: schemaId } },
      'success',
      { assert: schemaJsonParses },
    );
    judge(
      s,
      API,
      'getSchema',
      'the schema returned has the schema_id asked for',
      schema,
      holds('', 'schema/id', equals(schemaId), JSON.stringify(schemaId)),
    );
  } else {
    s.skip(
      API,
      'getSchema',
      'by response_schema_id',
      none('delivered task with a response_schema_id'),
    );
  }
  await refused(s, 'getSchema', [
    ['without schema_id', {}, 400],
    ['an unknown schema_id', { schema_id: missing(runId, 'schema') }, 404],
  ]);

  await planDatasets(s, context);
  const v1 = await planV1(s, { ...context, projectName });

  // Writes: a chat task (v2); the v1 writes are planV1's.
  if (!context.allowWrites) {
    for (const operationId of ['createChatTask', 'setTaskMetadata']) {
      s.skip(API, operationId, 'write checks', WRITES_OFF);
    }
  } else {
    await planChatWrites(s, { ...context, projectId, projectName });
  }
  await v1.writes();
}

/** getDeliveredTasks: a delivery's page (walked), by name with expand=delivery and every opt. */
async function planDeliveredTasks(
  s: Session,
  ids: { projectId: string; projectName: string; deliveryId: string; deliveryName: string },
): Promise<void> {
  const { projectId, projectName, deliveryId, deliveryName } = ids;
  const query = { delivery_id: deliveryId, limit: WALK_LIMIT };
  const page = await s.check(
    API,
    'getDeliveredTasks',
    'by delivery_id, limit=2',
    { query },
    'success',
  );
  judge(s, API, 'getDeliveredTasks', LIMIT, page, boundsPage('tasks', WALK_LIMIT), {
    stateful: false,
  });
  judge(
    s,
    API,
    'getDeliveredTasks',
    unexpandedName(['delivery', 'project', 'batch']),
    page,
    all(expands('', [], ['delivery']), expands('tasks', [], ['project', 'batch'])),
  );
  judge(s, API, 'getDeliveredTasks', SHORT_FORM, page, shortForm);
  const walked = await walk(s, API, 'getDeliveredTasks', page, query, {
    key: 'tasks',
    id: 'task_id',
  });
  judge(
    s,
    API,
    'getDeliveredTasks',
    'delivery_id names the delivery of every page of the walk',
    walked.pages.at(-1),
    // `delivery` is optional in this response: a page without it is not judged.
    acrossPages(
      walked.pages,
      holds(
        '',
        'delivery',
        (value) => value === undefined || refIs(deliveryId)(value),
        `the delivery ${JSON.stringify(deliveryId)}`,
      ),
    ),
  );
  // The same delivery (and page) by name: now with the delivery expanded and every opt.
  const byName = await s.check(
    API,
    'getDeliveredTasks',
    'by delivery_name and project_name with expand=delivery and every opt',
    {
      query: {
        delivery_name: deliveryName,
        project_name: projectName,
        limit: WALK_LIMIT,
        expand: ['delivery'],
        opts: ALL_OPTS,
      },
    },
    'success',
  );
  judge(
    s,
    API,
    'getDeliveredTasks',
    expandName(['delivery'], ['project', 'batch']),
    byName,
    all(
      expands('', ['delivery'], [], () => deliveryId),
      expands('tasks', [], ['project', 'batch']),
    ),
  );
  judge(
    s,
    API,
    'getDeliveredTasks',
    'delivery_name names the delivery of the page',
    byName,
    holds('', 'delivery/name', equals(deliveryName), JSON.stringify(deliveryName)),
  );
  judge(
    s,
    API,
    'getDeliveredTasks',
    'project_name holds for every task returned',
    byName,
    holds('tasks', 'project', refIs(projectId), `the project ${JSON.stringify(projectId)}`),
  );
  judgeOpts(s, 'getDeliveredTasks', byName, page);
}

/** The metadata of a v2 task (or batch) has `expected`'s keys and values, and no `absent` key. */
export function metadataIs(expected: Json, absent: string[] = []) {
  return (body: unknown): Violation[] => {
    const metadata = objectOf(objectOf(body)?.metadata);
    return [
      ...Object.entries(expected)
        .filter(([key, value]) => metadata?.[key] !== value)
        .map(([key, value]) =>
          semantic(`/metadata/${key}`, 'state', JSON.stringify(value), metadata?.[key]),
        ),
      ...absent
        .filter((key) => metadata?.[key] !== undefined)
        .map((key) => semantic(`/metadata/${key}`, 'state', '(absent: replaced)', metadata?.[key])),
    ];
  };
}

/**
 * Creates a chat task (and a 409 for its unique_id), merges a key into its metadata, replaces
 * the metadata, and reads the task back: each write's effect is a check of its own.
 */
async function planChatWrites(
  s: Session,
  context: PlanContext & { projectId?: string; projectName?: string },
): Promise<void> {
  const { runId, projectId, projectName } = context;
  s.info('scale: writes');
  const run = { scale_contracts_run: runId };
  if (projectName) {
    const chatBody = {
      project_name: projectName,
      template_variables: { prompt: 'scale-contracts verify: contract check' },
      metadata: run,
      unique_id: `scale-contracts-${runId}-chat`,
    };
    const chat = await s.check(
      API,
      'createChatTask',
      'create a chat task',
      { body: chatBody },
      'success',
    );
    judge(
      s,
      API,
      'createChatTask',
      'a created chat task reads back as written (project, metadata)',
      chat,
      all(
        projectId
          ? holds(
              '',
              'project',
              refIs(projectId),
              `the project ${JSON.stringify(projectId)}`,
              'state',
            )
          : () => [],
        metadataIs(run),
      ),
    );
    await refuse(s, API, 'createChatTask', 'a repeated unique_id', { body: chatBody }, 409);
    const chatId = stringOf(objectOf(chat?.body)?.task_id);
    if (chatId) {
      const merged = await s.check(
        API,
        'setTaskMetadata',
        'merge a key into the created task (merge=true)',
        { body: { task_id: chatId, metadata: { scale_contracts_step: 'merged' }, merge: true } },
        'success',
      );
      judge(
        s,
        API,
        'setTaskMetadata',
        'merge=true keeps the metadata it was created with and adds the key',
        merged,
        metadataIs({ ...run, scale_contracts_step: 'merged' }),
      );
      const replaced = await s.check(
        API,
        'setTaskMetadata',
        'replace its metadata (no merge)',
        { body: { task_id: chatId, metadata: run } },
        'success',
      );
      judge(
        s,
        API,
        'setTaskMetadata',
        'without merge, the metadata is replaced by the one sent',
        replaced,
        metadataIs(run, ['scale_contracts_step']),
      );
      await s.check(
        API,
        'getTask',
        'the created chat task reads back by task_id with the metadata last set',
        { query: { task_id: chatId } },
        'success',
        {
          stateful: true,
          assert: (exchange) =>
            [
              ...holds(
                '',
                'task_id',
                equals(chatId),
                JSON.stringify(chatId),
                'state',
              )(exchange.body),
              ...metadataIs(run, ['scale_contracts_step'])(exchange.body),
            ] as Violation[],
        },
      );
    } else {
      s.skip(API, 'setTaskMetadata', 'the metadata of the created task', none('created task'));
    }
  } else {
    s.skip(API, 'createChatTask', 'create a chat task', none('project'));
    s.skip(API, 'setTaskMetadata', 'the metadata of the created task', none('project'));
  }
  await refuse(s, API, 'createChatTask', 'without a project', {
    body: { template_variables: { prompt: 'x' } },
  });
  await refuse(s, API, 'setTaskMetadata', 'without task_id', { body: { metadata: {} } });
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
