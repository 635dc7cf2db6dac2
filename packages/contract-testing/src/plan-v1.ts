import { operations } from '@scale-contracts/validators/scale';
import {
  type Json,
  listOf,
  missing,
  none,
  objectOf,
  stringOf,
  WRITES_OFF,
} from './plan-helpers.js';
import type { PlanContext } from './plan-scale.js';
import {
  boundsPage,
  equals,
  holds,
  itemsOf,
  itemsOfAll,
  judge,
  lastV1Page,
  refuse,
  refused,
  semantic,
  telling,
  type Verdict,
  WALK_LIMIT,
  walk,
  windowAround,
} from './plan-semantics.js';
import type { Exchange, QueryValue, Session } from './session.js';
import type { Violation } from './types.js';

const API = 'scale';

/** The v1 creation operations, one per task type: `createV1<Type>Task`, POST /v1/task/<type>. */
export const V1_CREATE_OPERATIONS = Object.entries(
  operations as Readonly<Record<string, { readonly method: string; readonly path: string }>>,
).flatMap(([operationId, operation]) =>
  operation.method === 'POST' && /^\/v1\/task\/[a-z0-9]+$/.test(operation.path)
    ? [{ operationId, path: operation.path }]
    : [],
);
const CREATE_CATEGORIZATION = 'createV1CategorizationTask';
const WRITE_OPERATIONS = [
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

const instant = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

/** A filter of `listV1Tasks` holds for every task returned. */
const taskFilter = (
  s: Session,
  name: string,
  exchange: Exchange | undefined,
  field: string,
  accept: (value: unknown) => boolean,
  expected: string,
) =>
  judge(
    s,
    API,
    'listV1Tasks',
    `${name} holds for every task returned`,
    exchange,
    holds('docs', field, accept, expected),
  );

/** v1's `project` and `batch` are names the task object docs do not list: absent is not judged. */
const nameIs = (name: string) => (value: unknown) => value === undefined || value === name;

/**
 * The v1 reads: a page (walked to the cap, newest first), the filters (project and
 * customer_review_status, status and type, tags and batch, unique_id, the three time windows)
 * each holding for every task returned, `offset`, a task by id. Returns the writes, run last.
 */
export async function planV1(
  s: Session,
  context: PlanContext & { projectName?: string },
): Promise<{ writes: () => Promise<void> }> {
  const { runId } = context;
  s.info('scale: v1 tasks');
  const query = { limit: WALK_LIMIT };
  const first = await s.check(API, 'listV1Tasks', 'limit=2', { query }, 'success');
  judge(
    s,
    API,
    'listV1Tasks',
    `limit=${WALK_LIMIT} bounds the page (≤ ${WALK_LIMIT} items, limit: ${WALK_LIMIT})`,
    first,
    boundsPage('docs', WALK_LIMIT, true),
    { stateful: false },
  );
  const walked = await walk(s, API, 'listV1Tasks', first, query, {
    key: 'docs',
    id: 'task_id',
    hasMore: true,
  });
  const seen = itemsOfAll(walked.pages, 'docs');
  judge(
    s,
    API,
    'listV1Tasks',
    'tasks come newest first (descending created_at)',
    walked.pages.at(-1),
    () => newestFirst(walked.pages),
  );
  const v1Task = listOf(first, 'docs')[0];
  const v1TaskId = stringOf(v1Task?.task_id);

  // project and customer_review_status.
  const v1Project = stringOf(v1Task?.project) ?? context.projectName;
  if (v1Project) {
    const review = stringOf(
      seen.find((task) => task.project === v1Project && stringOf(task.customer_review_status))
        ?.customer_review_status,
    );
    const byProject = await s.check(
      API,
      'listV1Tasks',
      review ? 'by project name and customer_review_status' : 'by project name',
      { query: { project: v1Project, customer_review_status: review, limit: WALK_LIMIT } },
      'success',
    );
    taskFilter(s, 'project', byProject, 'project', nameIs(v1Project), JSON.stringify(v1Project));
    if (review) {
      taskFilter(
        s,
        'customer_review_status',
        byProject,
        'customer_review_status',
        equals(review),
        JSON.stringify(review),
      );
    } else {
      s.skip(
        API,
        'listV1Tasks',
        'customer_review_status holds for every task returned',
        none('v1 task with a customer_review_status'),
      );
    }
  } else {
    s.skip(API, 'listV1Tasks', 'by project name', none('v1 project'));
  }

  // status and type, each chosen so that the first page does not hold it throughout.
  const firstDocs = listOf(first, 'docs');
  const status = telling(firstDocs, seen, 'status', 'completed');
  const type = stringOf(telling(firstDocs, seen, 'type', stringOf(seen[0]?.type) ?? ''));
  const completed = await s.check(
    API,
    'listV1Tasks',
    type ? `status=${status}, by the type of a task seen` : `status=${status}`,
    { query: { status, type, limit: WALK_LIMIT } },
    'success',
  );
  taskFilter(s, `status=${status}`, completed, 'status', equals(status), JSON.stringify(status));
  if (type) {
    taskFilter(s, 'type', completed, 'type', equals(type), JSON.stringify(type));
  } else {
    s.skip(API, 'listV1Tasks', 'type holds for every task returned', none('v1 task with a type'));
  }

  // tags and batch.
  const tagged = seen.find((task) => Array.isArray(task.tags) && task.tags.some(stringOf));
  const tag = stringOf((tagged?.tags as unknown[] | undefined)?.find(stringOf));
  if (tagged && tag) {
    const batch = stringOf(tagged.batch);
    const byTags = await s.check(
      API,
      'listV1Tasks',
      batch ? 'by a tag and the batch of a task seen' : 'by a tag of a task seen',
      { query: { tags: [tag], batch, limit: WALK_LIMIT } },
      'success',
    );
    taskFilter(
      s,
      'tags',
      byTags,
      'tags',
      (value) => Array.isArray(value) && value.includes(tag),
      `tags including ${JSON.stringify(tag)}`,
    );
    if (batch) {
      taskFilter(s, 'batch', byTags, 'batch', nameIs(batch), JSON.stringify(batch));
    }
  } else {
    s.skip(API, 'listV1Tasks', 'tags holds for every task returned', none('v1 task with tags'));
  }

  // unique_id: a listing of one task, its own last page.
  const uniqueId = stringOf(seen.find((task) => stringOf(task.unique_id))?.unique_id);
  if (uniqueId) {
    const byUniqueId = await s.check(
      API,
      'listV1Tasks',
      'by the unique_id of a task seen',
      { query: { unique_id: [uniqueId] } },
      'success',
    );
    taskFilter(s, 'unique_id', byUniqueId, 'unique_id', equals(uniqueId), JSON.stringify(uniqueId));
    judge(
      s,
      API,
      'listV1Tasks',
      'a listing of one unique_id is its last page: has_more: false and no next_token',
      byUniqueId,
      lastV1Page,
    );
  } else {
    s.skip(
      API,
      'listV1Tasks',
      'unique_id holds for every task returned',
      none('v1 task with a unique_id'),
    );
  }

  // The time windows, around the median of the tasks seen.
  for (const [after, before, field, around] of [
    ['start_time', 'end_time', 'created_at', 'a task'],
    ['completed_after', 'completed_before', 'completed_at', 'a completed task'],
    ['updated_after', 'updated_before', 'updated_at', 'a task'],
  ] as const) {
    const names = `${after} and ${before}`;
    const title = `${names} hold for every task returned (${field})`;
    const window = windowAround([...seen, ...listOf(completed, 'docs')].map((task) => task[field]));
    if (!window) {
      s.skip(API, 'listV1Tasks', title, none(around.replace(/^an? /, '')));
      continue;
    }
    const exchange = await s.check(
      API,
      'listV1Tasks',
      `${names} around ${around}`,
      { query: { [after]: window.after, [before]: window.before, limit: WALK_LIMIT } },
      'success',
    );
    judge(
      s,
      API,
      'listV1Tasks',
      title,
      exchange,
      holds(
        'docs',
        field,
        (value) => instant(value) >= window.from && instant(value) <= window.to,
        `a ${field} from ${window.after} to ${window.before} (${names})`,
      ),
    );
  }

  // offset: the listing as of the first page (end_time), one task in.
  const second = stringOf(listOf(first, 'docs')[1]?.task_id);
  const newest = instant(v1Task?.created_at);
  if (second && Number.isFinite(newest)) {
    const offset = await s.check(
      API,
      'listV1Tasks',
      'offset=1, limit=1, up to the newest task seen',
      { query: { offset: 1, limit: 1, end_time: new Date(newest + 1000).toISOString() } },
      'success',
    );
    judge(
      s,
      API,
      'listV1Tasks',
      'offset=1 skips one: the task is the second of the limit=2 page',
      offset,
      (body) => offsetSkips(body, second),
    );
  } else {
    s.skip(API, 'listV1Tasks', 'offset=1 skips one', none('page of two v1 tasks'));
  }
  await refused(s, 'listV1Tasks', [
    ['limit=0', { limit: 0 }],
    ['limit=101', { limit: 101 }],
    ['a status outside the enum', { status: 'not_a_status' }],
    ['a type outside the enum', { type: 'not_a_task_type' }],
  ]);

  // One task.
  if (v1TaskId) {
    const task = await s.check(
      API,
      'getV1Task',
      'by task_id',
      { path: `/v1/task/${encodeURIComponent(v1TaskId)}` },
      'success',
    );
    judge(
      s,
      API,
      'getV1Task',
      'the task returned has the task_id asked for',
      task,
      holds('', 'task_id', equals(v1TaskId), JSON.stringify(v1TaskId)),
    );
  } else {
    s.skip(API, 'getV1Task', 'by task_id', none('v1 task'));
  }
  await refuse(s, API, 'getV1Task', 'an unknown task_id', {
    path: `/v1/task/${missing(runId, 'task')}`,
  });

  const categorization = seen.find((task) => task.type === 'categorization');
  return {
    writes: () =>
      planV1Writes(s, {
        ...context,
        createProject: stringOf(categorization?.project) ?? v1Project,
        completed: [...listOf(completed, 'docs'), ...seen].find(
          (task) => task.status === 'completed',
        ),
      }),
  };
}

/** Over the pages of a walk, in order, `created_at` never increases. */
function newestFirst(pages: Exchange[]): Verdict {
  const found: Violation[] = [];
  let previous = Number.POSITIVE_INFINITY;
  pages.forEach((page, index) => {
    for (const { pointer, item } of itemsOf(page.body, 'docs')) {
      const at = instant(item.created_at);
      if (at > previous) {
        found.push(
          semantic(
            `${pointer}/created_at`,
            'order',
            `no later than the task before it (page ${index + 1} of ${pages.length}: newest first)`,
            item.created_at,
          ),
        );
      }
      previous = Number.isFinite(at) ? at : previous;
    }
  });
  return found;
}

/** `offset=1`: the page's one task is `second`, and `offset` (when sent back) is 1. */
function offsetSkips(body: unknown, second: string): Violation[] {
  const page = objectOf(body);
  const task = objectOf(listOf({ body } as Exchange, 'docs')[0]);
  return [
    ...(task?.task_id === second
      ? []
      : [
          semantic(
            '/docs/0/task_id',
            'offset',
            `${JSON.stringify(second)} (the second task of the limit=2 page)`,
            task?.task_id,
          ),
        ]),
    ...(page?.offset === undefined || page.offset === 1
      ? []
      : [semantic('/offset', 'offset', '1 (the offset sent)', page.offset)]),
  ];
}

/** `field` of the task in the body (`V1Task`) is `expected` (deep, for arrays and objects). */
const fieldIs =
  (field: string, expected: unknown) =>
  (body: unknown): Violation[] => {
    const actual = objectOf(body)?.[field];
    return JSON.stringify(actual) === JSON.stringify(expected)
      ? []
      : [semantic(`/${field}`, 'state', JSON.stringify(expected), actual)];
  };
const sameTags =
  (expected: string[]) =>
  (body: unknown): Violation[] => {
    const tags = objectOf(body)?.tags;
    const actual = Array.isArray(tags) ? [...tags].sort() : tags;
    return JSON.stringify(actual) === JSON.stringify([...expected].sort())
      ? []
      : [semantic('/tags', 'state', `${JSON.stringify(expected)} (in any order)`, tags)];
  };
const noUniqueId = (body: unknown): Violation[] => {
  const value = objectOf(body)?.unique_id;
  return value === undefined || value === null
    ? []
    : [semantic('/unique_id', 'state', 'absent or null (cleared)', value)];
};
const combine =
  (...asserts: ((body: unknown) => Violation[])[]) =>
  (body: unknown): Violation[] =>
    asserts.flatMap((assert) => assert(body));

/**
 * The v1 writes, on a categorization task this run creates: create it (and a 409 for its
 * unique_id), replace its metadata, clear and set its unique_id, replace, add and remove tags,
 * cancel it (clearing the unique_id; twice: idempotent), read it back; accept one completed
 * task. Each write's effect is a check of its own, judged on its response.
 */
async function planV1Writes(
  s: Session,
  context: PlanContext & { createProject?: string; completed?: Json },
): Promise<void> {
  const { runId, createProject } = context;
  if (!context.allowWrites) {
    for (const operationId of WRITE_OPERATIONS) {
      s.skip(API, operationId, 'write checks', WRITES_OFF);
    }
    return;
  }
  const uniqueId = `scale-contracts-${runId}`;
  const run = { scale_contracts_run: runId };
  const v1Body = {
    ...(createProject ? { project: createProject } : {}),
    instruction: 'scale-contracts verify: contract check',
    attachment_type: 'text',
    attachment: 'scale-contracts verify',
    categories: ['conforms', 'drifts'],
    metadata: run,
    unique_id: `${uniqueId}-v1`,
  };
  const created = await s.check(
    API,
    CREATE_CATEGORIZATION,
    'create a categorization task',
    { body: v1Body },
    'success',
  );
  judge(
    s,
    API,
    CREATE_CATEGORIZATION,
    'a created task reads back as written (type, project, instruction, params, metadata, unique_id)',
    created,
    (body) => [
      ...fieldIs('type', 'categorization')(body),
      ...(createProject
        ? holds(
            '',
            'project',
            (value) => value === undefined || value === createProject,
            JSON.stringify(createProject),
            'state',
          )(body)
        : []),
      ...fieldIs('instruction', v1Body.instruction)(body),
      ...fieldIs('metadata', run)(body),
      ...fieldIs('unique_id', v1Body.unique_id)(body),
      ...['attachment_type', 'attachment', 'categories'].flatMap((field) => {
        const value = objectOf(objectOf(body)?.params)?.[field];
        const expected = v1Body[field as keyof typeof v1Body];
        return JSON.stringify(value) === JSON.stringify(expected)
          ? []
          : [semantic(`/params/${field}`, 'state', JSON.stringify(expected), value)];
      }),
    ],
  );
  await refuse(s, API, CREATE_CATEGORIZATION, 'a repeated unique_id', { body: v1Body }, 409);
  const { categories: _categories, ...withoutCategories } = v1Body;
  await refuse(s, API, CREATE_CATEGORIZATION, 'without categories', {
    body: { ...withoutCategories, unique_id: `${uniqueId}-no-categories` },
  });
  await refuse(
    s,
    API,
    CREATE_CATEGORIZATION,
    'a task type without a path',
    { path: '/v1/task/not_a_task_type', body: { ...v1Body, unique_id: `${uniqueId}-bad-type` } },
    404,
  );
  // Every other type's path exists and wants a key. Creating one task of each type on a live
  // account would cost money (and need projects set up per type), so each gets a request that
  // cannot create anything: no credential, no body.
  for (const { operationId } of V1_CREATE_OPERATIONS) {
    if (operationId !== CREATE_CATEGORIZATION) {
      await refuse(s, API, operationId, 'no API key', { auth: 'none' }, 401);
    }
  }
  const createdId = stringOf(objectOf(created?.body)?.task_id);
  const task = (id: string, suffix = '') => `/v1/task/${encodeURIComponent(id)}${suffix}`;
  if (createdId) {
    const step = async (
      operationId: string,
      name: string,
      spec: { path: string; body?: unknown; query?: Record<string, QueryValue> },
      effect: string,
      assert: (body: unknown) => Violation[],
    ) => {
      const exchange = await s.check(API, operationId, name, spec, 'success');
      judge(s, API, operationId, effect, exchange, assert);
    };
    const metadata = { ...run, scale_contracts_step: 'set' };
    await step(
      'setV1TaskMetadata',
      'replace the metadata of the created task',
      { path: task(createdId, '/setMetadata'), body: metadata },
      'setMetadata replaces the metadata with the body',
      fieldIs('metadata', metadata),
    );
    await step(
      'deleteV1TaskUniqueId',
      'clear the unique_id',
      { path: task(createdId, '/unique_id') },
      'the unique_id is then cleared',
      noUniqueId,
    );
    const renamed = `${uniqueId}-v1-renamed`;
    await step(
      'setV1TaskUniqueId',
      'set a unique_id',
      { path: task(createdId, '/unique_id'), body: { unique_id: renamed } },
      'the unique_id reads back as set',
      fieldIs('unique_id', renamed),
    );
    await refuse(s, API, 'setV1TaskUniqueId', 'without unique_id', {
      path: task(createdId, '/unique_id'),
      body: {},
    });
    const tags = ['scale-contracts', `run-${runId}`];
    await step(
      'replaceV1TaskTags',
      'replace the tags',
      { path: task(createdId, '/tags'), body: tags },
      'the tags are then exactly the body',
      sameTags(tags),
    );
    await refuse(s, API, 'replaceV1TaskTags', 'a body that is not an array', {
      path: task(createdId, '/tags'),
      body: { tags: ['scale-contracts'] },
    });
    await step(
      'addV1TaskTags',
      'add a tag',
      { path: task(createdId, '/tags'), body: ['scale-contracts-added'] },
      'the added tag joins the tags it had',
      sameTags([...tags, 'scale-contracts-added']),
    );
    await step(
      'deleteV1TaskTags',
      'remove the added tag',
      { path: task(createdId, '/tags'), body: ['scale-contracts-added'] },
      'the removed tag is gone and the others stay',
      sameTags(tags),
    );
    await step(
      'cancelV1Task',
      'cancel the created task (clear_unique_id=true)',
      { path: task(createdId, '/cancel'), query: { clear_unique_id: true } },
      'the task is then canceled, its unique_id cleared (clear_unique_id=true)',
      combine(fieldIs('status', 'canceled'), noUniqueId),
    );
    await step(
      'cancelV1Task',
      'cancel it again (idempotent)',
      { path: task(createdId, '/cancel') },
      'it stays canceled',
      fieldIs('status', 'canceled'),
    );
    await s.check(
      API,
      'getV1Task',
      'the created task reads back by task_id as last written',
      { path: task(createdId) },
      'success',
      {
        stateful: true,
        assert: (exchange) =>
          combine(
            fieldIs('status', 'canceled'),
            fieldIs('metadata', metadata),
            sameTags(tags),
            noUniqueId,
          )(exchange.body),
      },
    );
  } else {
    for (const operationId of WRITE_OPERATIONS.slice(V1_CREATE_OPERATIONS.length, -2)) {
      s.skip(API, operationId, 'on the created task', none('created v1 task'));
    }
    s.skip(API, 'cancelV1Task', 'cancel the created task', none('created v1 task'));
  }
  await refuse(s, API, 'cancelV1Task', 'an unknown task_id', {
    path: task(missing(runId, 'task'), '/cancel'),
  });
  const completedId = stringOf(context.completed?.task_id);
  if (completedId) {
    const before = context.completed?.audits;
    const audited = await s.check(
      API,
      'auditV1Task',
      'accept a completed task',
      {
        path: task(completedId, '/audit'),
        body: { accepted: true, comments: 'scale-contracts verify: contract check' },
      },
      'success',
    );
    judge(
      s,
      API,
      'auditV1Task',
      'the audit is recorded: audits gains an entry',
      audited,
      (body) => {
        if (!Array.isArray(before)) {
          return { skip: 'the listed task showed no audits to compare with' };
        }
        const audits = objectOf(body)?.audits;
        return Array.isArray(audits) && audits.length === before.length + 1
          ? []
          : [
              semantic(
                '/audits',
                'state',
                `${before.length + 1} audits (one more than listed)`,
                audits,
              ),
            ];
      },
    );
    await refuse(s, API, 'auditV1Task', 'without accepted', {
      path: task(completedId, '/audit'),
      body: { comments: 'no decision' },
    });
  } else {
    s.skip(API, 'auditV1Task', 'accept a completed task', none('completed v1 task'));
  }
}
