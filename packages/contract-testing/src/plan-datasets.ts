import {
  collect,
  followPage,
  type Json,
  listOf,
  MALFORMED_TOKEN,
  missing,
  none,
  objectOf,
  refused,
  stringOf,
} from './plan-helpers.js';
import type { PlanContext } from './plan-scale.js';
import type { Exchange, Session } from './session.js';
import type { Violation } from './types.js';

const API = 'scale';
const EXPAND = ['dataset', 'delivery'];

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

/**
 * The datasets product, read only: datasets → their deliveries → a delivery's page of tasks
 * (and the next page) → tasks by dataset and by delivery (next page) → a task → the download
 * redirect of an attachment found in a delivered response. Negative checks: `limit` out of
 * range, a `delivered_after` that is no date-time, a malformed cursor, a missing `task_id`
 * (400) and unknown ids (404).
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
  await refused(s, 'getDatasetDeliveries', [
    [
      'a delivered_after that is no date-time is rejected',
      { dataset_id: datasetId, delivered_after: 'yesterday' },
    ],
    ['an unknown dataset_id is refused with 404', { dataset_id: missing(runId, 'dataset') }, 404],
  ]);
  const deliveryId =
    stringOf(listOf(deliveries, 'deliveries')[0]?.id) ??
    stringOf(listOf(everyDelivery, 'deliveries')[0]?.id);

  // A delivery's page of tasks.
  const seen: (Exchange | undefined)[] = [];
  if (deliveryId) {
    const query = { delivery_id: deliveryId, limit: 2 };
    const page = await s.check(
      API,
      'getDatasetDelivery',
      'by delivery_id, limit=2',
      { query },
      'success',
    );
    seen.push(page, await followPage(s, 'getDatasetDelivery', page, query));
    seen.push(
      await s.check(
        API,
        'getDatasetDelivery',
        'with expand=dataset,delivery',
        { query: { ...query, expand: EXPAND } },
        'success',
      ),
    );
  } else {
    s.skip(API, 'getDatasetDelivery', 'by delivery_id', none('dataset delivery'));
  }
  const deliveryQuery = { delivery_id: deliveryId ?? missing(runId, 'delivery') };
  await refused(s, 'getDatasetDelivery', [
    ['limit=0 is rejected', { ...deliveryQuery, limit: 0 }],
    ['a malformed next_token is rejected', { ...deliveryQuery, next_token: MALFORMED_TOKEN }],
    [
      'an unknown delivery_id is refused with 404',
      { delivery_id: missing(runId, 'delivery') },
      404,
    ],
  ]);

  // Tasks by dataset and by delivery.
  if (datasetId) {
    const query = { dataset_id: datasetId, limit: 2 };
    const page = await s.check(
      API,
      'getDatasetTasks',
      'by dataset_id, limit=2',
      { query },
      'success',
    );
    seen.push(page, await followPage(s, 'getDatasetTasks', page, query));
  } else {
    s.skip(API, 'getDatasetTasks', 'by dataset_id', none('dataset'));
  }
  if (deliveryId) {
    seen.push(
      await s.check(
        API,
        'getDatasetTasks',
        'by delivery_id with expand=dataset,delivery',
        { query: { delivery_id: deliveryId, limit: 2, expand: EXPAND } },
        'success',
      ),
    );
  } else {
    s.skip(API, 'getDatasetTasks', 'by delivery_id', none('dataset delivery'));
  }
  const tasksQuery = datasetId ? { dataset_id: datasetId } : deliveryQuery;
  await refused(s, 'getDatasetTasks', [
    ['limit=101 is rejected', { ...tasksQuery, limit: 101 }],
    [
      'a delivered_before that is no date-time is rejected',
      { ...tasksQuery, delivered_before: 'tomorrow' },
    ],
  ]);

  // One task.
  const taskId = seen.flatMap(datasetTasksOf).map((task) => stringOf(task.task_id))[0];
  if (taskId) {
    seen.push(
      await s.check(API, 'getDatasetTask', 'by task_id', { query: { task_id: taskId } }, 'success'),
    );
    await s.check(
      API,
      'getDatasetTask',
      'with expand=dataset,delivery',
      { query: { task_id: taskId, expand: EXPAND } },
      'success',
    );
  } else {
    s.skip(API, 'getDatasetTask', 'by task_id', none('dataset task'));
  }
  await refused(s, 'getDatasetTask', [
    ['without task_id is refused with 400', {}, 400],
    ['an unknown task_id is refused with 404', { task_id: missing(runId, 'task') }, 404],
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
  await s.check(
    API,
    'getDatasetTaskResponseUrl',
    'an unknown attachment is refused with 404',
    { path: url(taskId ?? missing(runId, 'task'), missing(runId, 'attachment')) },
    404,
  );
}
