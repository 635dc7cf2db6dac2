import {
  collect,
  type Json,
  listOf,
  MALFORMED_TOKEN,
  missing,
  none,
  objectOf,
  stringOf,
} from './plan-helpers.js';
import type { PlanContext } from './plan-scale.js';
import {
  acrossPages,
  all,
  boundsPage,
  equals,
  expandName,
  expands,
  holds,
  idsOf,
  inside,
  judge,
  refIs,
  refuse,
  refused,
  unexpandedName,
  WALK_LIMIT,
  walk,
  windowAround,
} from './plan-semantics.js';
import type { Exchange, QueryValue, Session } from './session.js';
import type { Violation } from './types.js';

const API = 'scale';
const EXPAND = ['dataset', 'delivery'];
const LIMIT = `limit=${WALK_LIMIT} bounds the page (≤ ${WALK_LIMIT} items)`;

/** The dataset tasks of a page (`tasks`) or of a single task's response. */
const datasetTasksOf = (exchange: Exchange | undefined): Json[] => {
  if (!exchange || exchange.status >= 300) {
    return [];
  }
  const single = objectOf(exchange.body);
  return single && stringOf(single.task_id) ? [single] : listOf(exchange, 'tasks');
};

/**
 * The first attachment id in a dataset task's free-form `response`: an `id` (or
 * `attachment_id`) of an object in an `attachments` array, or an `attachment_id` anywhere.
 */
function attachmentOf(task: Json): string | undefined {
  for (const attachment of collect(task.response, 'attachments')) {
    const id = stringOf(attachment.id) ?? stringOf(attachment.attachment_id);
    if (id) {
      return id;
    }
  }
  const stack: unknown[] = [task.response];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value !== null && typeof value === 'object') {
      const id = stringOf((value as Json).attachment_id);
      if (id) {
        return id;
      }
      stack.push(...Object.values(value));
    }
  }
  return undefined;
}

/** The spec's 302: a `Location` header (required) holding a URI. */
function redirectsToUri(exchange: Exchange): Violation[] {
  const location = exchange.headers.location;
  if (location === undefined || location === '') {
    return [
      {
        pointer: '',
        keyword: 'header',
        expected: 'a Location header (required for 302)',
        actual: '(absent)',
      },
    ];
  }
  if (!URL.canParse(location)) {
    return [
      {
        pointer: '',
        keyword: 'header',
        expected: 'Location: a URI (format: uri)',
        actual: JSON.stringify(location).slice(0, 200),
      },
    ];
  }
  return [];
}

/** A delivered-window check of a datasets listing around the median of `times`. */
async function deliveredWindow(
  s: Session,
  operationId: string,
  args: {
    times: unknown[];
    query: Record<string, QueryValue>;
    key: string;
    field: string;
    items: string;
  },
): Promise<void> {
  const names = 'delivered_after and delivered_before';
  const title = `${names} hold for every ${args.items} returned`;
  const window = windowAround(args.times);
  if (!window) {
    s.skip(API, operationId, title, none('dataset delivery'));
    return;
  }
  const exchange = await s.check(
    API,
    operationId,
    `${names} around a delivery`,
    { query: { ...args.query, delivered_after: window.after, delivered_before: window.before } },
    'success',
  );
  judge(s, API, operationId, title, exchange, inside(args.key, args.field, window, names));
}

/**
 * The datasets product, read only: datasets → their deliveries (by dataset, every one with
 * expand=dataset, a delivered window) → a delivery's page of tasks (walked to the cap, with
 * expand) → tasks by dataset (walked) and by delivery, in a delivered window → a task (with
 * expand=dataset) → the download redirect of an attachment found in a delivered response. Each
 * filter holds for every item returned, `limit` bounds each first page, `expand` turns the
 * named ids into objects. Negative checks: `limit` out of range, a `delivered_after` that is no
 * date-time, a malformed cursor, a missing `task_id` (400) and unknown ids (404).
 */
export async function planDatasets(s: Session, context: PlanContext): Promise<void> {
  const { runId } = context;
  s.info('scale: datasets');
  const datasets = await s.check(API, 'getDatasets', 'list datasets', {}, 'success');
  const datasetId = stringOf(listOf(datasets, 'datasets')[0]?.id);

  // Deliveries.
  let deliveries: Exchange | undefined;
  if (datasetId) {
    deliveries = await s.check(
      API,
      'getDatasetDeliveries',
      'by dataset_id',
      { query: { dataset_id: datasetId } },
      'success',
    );
    judge(
      s,
      API,
      'getDatasetDeliveries',
      'dataset_id holds for every delivery returned',
      deliveries,
      holds('deliveries', 'dataset', refIs(datasetId), `the dataset ${JSON.stringify(datasetId)}`),
    );
    judge(
      s,
      API,
      'getDatasetDeliveries',
      unexpandedName(['dataset']),
      deliveries,
      expands('deliveries', [], ['dataset']),
    );
  } else {
    s.skip(API, 'getDatasetDeliveries', 'by dataset_id', none('dataset'));
  }
  const everyDelivery = await s.check(
    API,
    'getDatasetDeliveries',
    'of every dataset, with expand=dataset',
    { query: { expand: ['dataset'] } },
    'success',
  );
  judge(
    s,
    API,
    'getDatasetDeliveries',
    expandName(['dataset']),
    everyDelivery,
    expands('deliveries', ['dataset']),
  );
  await deliveredWindow(s, 'getDatasetDeliveries', {
    times: listOf(everyDelivery, 'deliveries').map((item) => item.delivered_at),
    query: {},
    key: 'deliveries',
    field: 'delivered_at',
    items: 'delivery',
  });
  await refused(s, 'getDatasetDeliveries', [
    [
      'a delivered_after that is no date-time',
      { dataset_id: datasetId, delivered_after: 'yesterday' },
    ],
    ['an unknown dataset_id', { dataset_id: missing(runId, 'dataset') }, 404],
  ]);
  const deliveryId =
    stringOf(listOf(deliveries, 'deliveries')[0]?.id) ??
    stringOf(listOf(everyDelivery, 'deliveries')[0]?.id);

  // A delivery's page of tasks.
  const seen: (Exchange | undefined)[] = [];
  if (deliveryId) {
    const query = { delivery_id: deliveryId, limit: WALK_LIMIT };
    const page = await s.check(
      API,
      'getDatasetDelivery',
      'by delivery_id, limit=2',
      { query },
      'success',
    );
    judge(s, API, 'getDatasetDelivery', LIMIT, page, boundsPage('tasks', WALK_LIMIT), {
      stateful: false,
    });
    judge(
      s,
      API,
      'getDatasetDelivery',
      unexpandedName(EXPAND),
      page,
      all(expands('', [], ['delivery']), expands('tasks', [], EXPAND)),
    );
    const walked = await walk(s, API, 'getDatasetDelivery', page, query, {
      key: 'tasks',
      id: 'task_id',
    });
    seen.push(...walked.pages);
    judge(
      s,
      API,
      'getDatasetDelivery',
      'delivery_id holds for every page of the walk and every task returned',
      walked.pages.at(-1),
      acrossPages(
        walked.pages,
        all(
          holds('', 'delivery', refIs(deliveryId), `the delivery ${JSON.stringify(deliveryId)}`),
          holds(
            'tasks',
            'delivery',
            refIs(deliveryId),
            `the delivery ${JSON.stringify(deliveryId)}`,
          ),
        ),
      ),
    );
    const expanded = await s.check(
      API,
      'getDatasetDelivery',
      'with expand=dataset,delivery',
      { query: { ...query, expand: EXPAND } },
      'success',
    );
    seen.push(expanded);
    judge(
      s,
      API,
      'getDatasetDelivery',
      expandName(EXPAND),
      expanded,
      all(
        expands('', ['delivery'], [], () => deliveryId),
        expands('tasks', EXPAND, [], idsOf(page)),
      ),
    );
  } else {
    s.skip(API, 'getDatasetDelivery', 'by delivery_id', none('dataset delivery'));
  }
  const deliveryQuery = { delivery_id: deliveryId ?? missing(runId, 'delivery') };
  await refused(s, 'getDatasetDelivery', [
    ['limit=0', { ...deliveryQuery, limit: 0 }],
    ['a malformed next_token', { ...deliveryQuery, next_token: MALFORMED_TOKEN }],
    ['an unknown delivery_id', { delivery_id: missing(runId, 'delivery') }, 404],
  ]);

  // Tasks by dataset and by delivery.
  if (datasetId) {
    const query = { dataset_id: datasetId, limit: WALK_LIMIT };
    const page = await s.check(
      API,
      'getDatasetTasks',
      'by dataset_id, limit=2',
      { query },
      'success',
    );
    judge(s, API, 'getDatasetTasks', LIMIT, page, boundsPage('tasks', WALK_LIMIT), {
      stateful: false,
    });
    judge(s, API, 'getDatasetTasks', unexpandedName(EXPAND), page, expands('tasks', [], EXPAND));
    const walked = await walk(s, API, 'getDatasetTasks', page, query, {
      key: 'tasks',
      id: 'task_id',
    });
    seen.push(...walked.pages);
    judge(
      s,
      API,
      'getDatasetTasks',
      'dataset_id holds for every task returned (every page of the walk)',
      walked.pages.at(-1),
      acrossPages(
        walked.pages,
        holds('tasks', 'dataset', refIs(datasetId), `the dataset ${JSON.stringify(datasetId)}`),
      ),
    );
    // The window is judged on each task's delivery, expanded: its delivered_at.
    await deliveredWindow(s, 'getDatasetTasks', {
      times: listOf(deliveries, 'deliveries').map((item) => item.delivered_at),
      query: { ...query, expand: ['delivery'] },
      key: 'tasks',
      field: 'delivery/delivered_at',
      items: 'task',
    });
  } else {
    s.skip(API, 'getDatasetTasks', 'by dataset_id', none('dataset'));
  }
  if (deliveryId) {
    const byDelivery = await s.check(
      API,
      'getDatasetTasks',
      'by delivery_id with expand=dataset,delivery',
      { query: { delivery_id: deliveryId, limit: WALK_LIMIT, expand: EXPAND } },
      'success',
    );
    seen.push(byDelivery);
    judge(
      s,
      API,
      'getDatasetTasks',
      'delivery_id holds for every task returned',
      byDelivery,
      holds('tasks', 'delivery', refIs(deliveryId), `the delivery ${JSON.stringify(deliveryId)}`),
    );
    judge(s, API, 'getDatasetTasks', expandName(EXPAND), byDelivery, expands('tasks', EXPAND));
  } else {
    s.skip(API, 'getDatasetTasks', 'by delivery_id', none('dataset delivery'));
  }
  const tasksQuery = datasetId ? { dataset_id: datasetId } : deliveryQuery;
  await refused(s, 'getDatasetTasks', [
    ['limit=101', { ...tasksQuery, limit: 101 }],
    ['a delivered_before that is no date-time', { ...tasksQuery, delivered_before: 'tomorrow' }],
  ]);

  // One task.
  const taskId = seen.flatMap(datasetTasksOf).map((task) => stringOf(task.task_id))[0];
  if (taskId) {
    const byId = await s.check(
      API,
      'getDatasetTask',
      'by task_id',
      { query: { task_id: taskId } },
      'success',
    );
    seen.push(byId);
    judge(
      s,
      API,
      'getDatasetTask',
      'the task returned has the task_id asked for',
      byId,
      holds('', 'task_id', equals(taskId), JSON.stringify(taskId)),
    );
    judge(s, API, 'getDatasetTask', unexpandedName(EXPAND), byId, expands('', [], EXPAND));
    const expanded = await s.check(
      API,
      'getDatasetTask',
      'with expand=dataset',
      { query: { task_id: taskId, expand: ['dataset'] } },
      'success',
    );
    judge(
      s,
      API,
      'getDatasetTask',
      expandName(['dataset'], ['delivery']),
      expanded,
      expands('', ['dataset'], ['delivery'], idsOf(byId)),
    );
  } else {
    s.skip(API, 'getDatasetTask', 'by task_id', none('dataset task'));
  }
  await refused(s, 'getDatasetTask', [
    ['without task_id', {}, 400],
    ['an unknown task_id', { task_id: missing(runId, 'task') }, 404],
  ]);

  // The download redirect of an attachment of a delivered response.
  const withAttachment = seen
    .flatMap(datasetTasksOf)
    .map((task) => ({ taskId: stringOf(task.task_id), attachmentId: attachmentOf(task) }))
    .find((found) => found.taskId && found.attachmentId);
  const url = (task: string, attachment: string) =>
    `/v2/datasets/task/${encodeURIComponent(task)}/response_url/${encodeURIComponent(attachment)}`;
  if (withAttachment?.taskId && withAttachment.attachmentId) {
    // Judged, not followed: the session never follows a redirect.
    await s.check(
      API,
      'getDatasetTaskResponseUrl',
      'an attachment redirects (302) to its URL',
      { path: url(withAttachment.taskId, withAttachment.attachmentId) },
      302,
      { assert: redirectsToUri },
    );
  } else {
    s.skip(
      API,
      'getDatasetTaskResponseUrl',
      'an attachment redirects (302) to its URL',
      none('attachment in a delivered dataset task'),
    );
  }
  await refuse(
    s,
    API,
    'getDatasetTaskResponseUrl',
    'an unknown attachment',
    { path: url(taskId ?? missing(runId, 'task'), missing(runId, 'attachment')) },
    404,
  );
}
