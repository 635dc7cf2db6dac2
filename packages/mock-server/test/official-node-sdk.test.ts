/**
 * The official npm Scale SDK (`scaleapi` 2.3.2, pinned in the catalog) driven against the mock:
 * every task method it has, over real HTTP. Agreement with Scale's own client is the point, so
 * nothing here is mocked: the SDK's `request` calls reach the loopback mock and its answers come
 * back through the SDK's own parsing.
 *
 * The SDK hard-codes `https://api.scaleapi.com/v1/` and takes no base URL, so the one thing
 * changed is at the transport boundary: the `get` and `post` of the `request` module that the SDK
 * requires (the same module instance, resolved from the SDK's own location) are wrapped to
 * rewrite that prefix to the mock's URL. Method, query string, JSON body and Basic auth are the
 * SDK's, untouched.
 */
import { createRequire } from 'node:module';
import type { V1Task, V1TaskList } from '@scale-contracts/validators/scale';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { qs, scaleFetch } from './support.js';

const SDK_ENDPOINT = 'https://api.scaleapi.com/v1/';
const require = createRequire(import.meta.url);
const sdkPath = require.resolve('scaleapi');
interface RequestOptions {
  url: string;
  [key: string]: unknown;
}
type Verb = (options: RequestOptions, callback: unknown) => unknown;
const request = createRequire(sdkPath)('request') as { get: Verb; post: Verb };
const scaleapi = require('scaleapi') as {
  ScaleClient: new (apiKey: string) => SdkClient;
  ScaleException: new (...args: unknown[]) => Error;
};

type Callback<T> = (error: SdkError | null, value: T) => void;
interface SdkError extends Error {
  errcode?: number;
}
/** A task as the SDK hands it out: the JSON plus `id`, `client`, `refresh` and `cancel`. */
interface SdkTask extends V1Task {
  id: string;
  refresh(callback: Callback<SdkTask>): void;
  cancel(callback: Callback<SdkTask>): void;
}
type SdkTaskList = Omit<V1TaskList, 'docs'> & { docs: SdkTask[] };
interface SdkClient {
  fetchTask(id: string, callback: Callback<SdkTask>): void;
  cancelTask(id: string, callback: Callback<SdkTask>): void;
  tasks(params: Record<string, unknown>, callback: Callback<SdkTaskList>): void;
  createTask(type: string, params: Record<string, unknown>, callback: Callback<SdkTask>): void;
  [method: string]: unknown;
}

/** The SDK's callback style as a promise: rejects with the SDK's own error. */
const promised = <T>(start: (callback: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => {
    start((error, value) => (error ? reject(error) : resolve(value)));
  });
/** The SDK's error for a call that must fail. */
const failure = (start: (callback: Callback<unknown>) => void) =>
  promised(start).then(
    () => {
      throw new Error('expected the SDK call to fail');
    },
    (error: SdkError) => error,
  );

let mock: MockServer;
let client: SdkClient;
const originals = { get: request.get, post: request.post };
/** The URLs the SDK asked for, after the rewrite, and the query (`qs`) it gave with each. */
const sent: string[] = [];
const sentQuery: unknown[] = [];

beforeAll(async () => {
  mock = await startMockServer({ seed: 7, size: 250 });
  const redirect =
    (verb: Verb): Verb =>
    (options, callback) => {
      if (!options.url.startsWith(SDK_ENDPOINT)) {
        throw new Error(`the SDK asked for ${options.url}, outside its endpoint`);
      }
      const url = `${mock.url}/v1/${options.url.slice(SDK_ENDPOINT.length)}`;
      sent.push(url);
      sentQuery.push(options.qs);
      return verb.call(request, { ...options, url }, callback);
    };
  request.get = redirect(originals.get);
  request.post = redirect(originals.post);
  client = new scaleapi.ScaleClient(mock.apiKeys.scale);
});

afterAll(async () => {
  request.get = originals.get;
  request.post = originals.post;
  await mock?.close();
});

/** The mock's own answer, for comparison (Bearer auth, raw fetch). */
const direct = async (path: string) => (await scaleFetch(mock, path)).body;
/** Every task id of a listing, through next_token (the mock's documented paging). */
async function listedIds(query: Record<string, string | number | undefined>) {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = (await direct(`/v1/tasks?${qs({ ...query, next_token: token })}`)) as V1TaskList;
    ids.push(...page.docs.map((task) => task.task_id));
    token = page.next_token ?? undefined;
  } while (token);
  return ids;
}

/** A pending task the test may change, from the mock's listing. */
async function pendingTaskIds(count: number) {
  const page = (await direct(`/v1/tasks?${qs({ status: 'pending', limit: count })}`)) as V1TaskList;
  expect(page.docs).toHaveLength(count);
  return page.docs.map((task) => task.task_id);
}

/**
 * One creation body per type the SDK has a `create<Type>Task` for (its `TASK_TYPES`), written
 * after the shapes its own test suite sends (callback, instruction, attachment(s), and the
 * type's own parameters).
 */
const SDK_TYPES: [type: string, body: Record<string, unknown>][] = [
  [
    'categorization',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Is this company public or private?',
      attachment_type: 'website',
      attachment: 'https://www.example.com/',
      categories: ['public', 'private'],
    },
  ],
  [
    'transcription',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Transcribe the fields of the page.',
      attachment_type: 'website',
      attachment: 'https://www.example.com/',
      fields: { title: 'Title of the page', top_result: 'Title of the top result' },
      repeatable_fields: { username: 'Username of the submitter' },
    },
  ],
  [
    'comparison',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Do the objects in these images have the same pattern?',
      attachment_type: 'image',
      attachments: ['https://www.example.com/a.jpg', 'https://www.example.com/b.jpg'],
      choices: ['yes', 'no'],
    },
  ],
  [
    'annotation',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Draw a box around each baby cow and big cow.',
      attachment_type: 'image',
      attachment: 'https://www.example.com/cows.jpg',
      objects_to_annotate: ['baby cow', 'big cow'],
      with_labels: true,
      min_width: '30',
    },
  ],
  [
    'polygonannotation',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Draw a tight shape around the big cow.',
      attachment_type: 'image',
      attachment: 'https://www.example.com/cows.jpg',
      objects_to_annotate: ['big cow'],
      with_labels: true,
    },
  ],
  [
    'lineannotation',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Draw lines along the legs of the big cow.',
      attachment_type: 'image',
      attachment: 'https://www.example.com/cows.jpg',
      objects_to_annotate: ['leg'],
      splines: true,
      with_labels: true,
    },
  ],
  [
    'datacollection',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Find the URL of the hiring page.',
      attachment_type: 'website',
      attachment: 'https://www.example.com/',
      fields: { hiring_page: 'Hiring page URL' },
    },
  ],
  [
    'audiotranscription',
    {
      callback_url: 'https://www.example.com/callback',
      attachment_type: 'audio',
      attachment: 'https://www.example.com/speaker-3.wav',
      verbatim: false,
    },
  ],
  [
    'pointannotation',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Draw a point on the big cow.',
      attachment_type: 'image',
      attachment: 'https://www.example.com/cows.jpg',
      objects_to_annotate: ['big cow'],
      with_labels: true,
    },
  ],
  [
    'cuboidannotation',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Draw a cuboid around every car.',
      attachment_type: 'image',
      attachment: 'https://www.example.com/street.jpg',
    },
  ],
  [
    'segmentannotation',
    {
      callback_url: 'https://www.example.com/callback',
      instruction: 'Segment the image.',
      attachment_type: 'image',
      attachment: 'https://www.example.com/cows.jpg',
      labels: ['big cow', 'background'],
      allow_unlabeled: true,
    },
  ],
];
const COMMON = ['callback_url', 'instruction'];
const paramsOf = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([key]) => !COMMON.includes(key)));

describe('the official npm SDK (scaleapi 2.3.2) against the mock', () => {
  it('has exactly the 11 creation methods this test drives, audiotranscription among them', () => {
    const methods = Object.keys(scaleapi.ScaleClient.prototype).filter((name) =>
      /^create.+Task$/.test(name),
    );
    expect(methods.sort()).toEqual(
      SDK_TYPES.map(([type]) => `create${type[0]?.toUpperCase()}${type.slice(1)}Task`).sort(),
    );
  });

  it('fetchTask: the task as the mock serves it, with the SDK’s id; an unknown id is its 404', async () => {
    const id = mock.fixtures.v1TaskIds[3] as string;
    const task = await promised<SdkTask>((cb) => client.fetchTask(id, cb));
    expect(sent.at(-1)).toBe(`${mock.url}/v1/task/${id}`);
    expect(task.id).toBe(id);
    const { client: _client, id: _id, ...json } = task as SdkTask & { client: unknown };
    expect(json).toEqual(await direct(`/v1/task/${id}`));
    const error = await failure((cb) => client.fetchTask('ffffffffffffffffffffffff', cb));
    expect(error).toBeInstanceOf(scaleapi.ScaleException);
    expect(error).toMatchObject({ errcode: 404, message: 'Task not found.' });
  });

  it('cancelTask: pending becomes canceled, again answers 200; a completed task is its 400', async () => {
    const [id] = await pendingTaskIds(1);
    const canceled = await promised<SdkTask>((cb) => client.cancelTask(id as string, cb));
    expect(sent.at(-1)).toBe(`${mock.url}/v1/task/${id}/cancel`);
    expect(canceled).toMatchObject({ id, task_id: id, status: 'canceled' });
    const again = await promised<SdkTask>((cb) => client.cancelTask(id as string, cb));
    expect(again.status).toBe('canceled');
    const completed = (await direct('/v1/tasks?status=completed&limit=1')) as V1TaskList;
    const completedId = completed.docs[0]?.task_id as string;
    const error = await failure((cb) => client.cancelTask(completedId, cb));
    expect(error).toMatchObject({ errcode: 400 });
    expect(((await direct(`/v1/task/${completedId}`)) as V1Task).status).toBe('completed');
  });

  it.each([
    ['everything, 100 a page', { limit: 100 }],
    ['everything, 37 a page', { limit: 37 }],
    ['one type, 7 a page', { type: 'categorization', limit: 7 }],
    ['one status, 25 a page', { status: 'completed', limit: 25 }],
  ])(
    'tasks(): paging by offset until has_more is false gives exactly the mock’s list (%s)',
    async (_name, filters) => {
      const expected = await listedIds(filters);
      expect(expected.length).toBeGreaterThan(filters.limit);
      const ids: string[] = [];
      let offset = 0;
      let pages = 0;
      let page: SdkTaskList;
      do {
        page = await promised<SdkTaskList>((cb) => client.tasks({ ...filters, offset }, cb));
        expect(page.offset).toBe(offset);
        expect(page.docs.every((task) => task.id === task.task_id)).toBe(true);
        ids.push(...page.docs.map((task) => task.id));
        offset += page.limit;
        pages += 1;
        expect(pages).toBeLessThanOrEqual(50);
      } while (page.has_more);
      // The SDK sent the offset itself (as `qs`), and the last page was the one past it.
      expect(sent.at(-1)).toBe(`${mock.url}/v1/tasks`);
      expect(sentQuery.at(-1)).toEqual({ ...filters, offset: offset - page.limit });
      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(ids.length);
      expect(page.total).toBe(expected.length);
      expect(pages).toBe(Math.ceil(expected.length / filters.limit));
    },
  );

  it('tasks(): start_time and end_time as the SDK documents them (toISOString) window created_at', async () => {
    const all = (await direct('/v1/tasks?limit=100')) as V1TaskList;
    const newest = all.docs[0] as V1Task;
    const tenth = all.docs[10] as V1Task;
    const page = await promised<SdkTaskList>((cb) =>
      client.tasks(
        {
          start_time: new Date(Date.parse(tenth.created_at) - 1).toISOString(),
          end_time: new Date(Date.parse(newest.created_at)).toISOString(),
          limit: 100,
        },
        cb,
      ),
    );
    // Open window: the newest task sits on end_time and is left out; 2nd..11th are in.
    expect(page.docs.map((task) => task.id)).toEqual(
      all.docs.slice(1, 11).map((task) => task.task_id),
    );
  });

  it.each(SDK_TYPES)(
    'createTask(%j): a pending task of that type, its parameters in params',
    async (type, body) => {
      const task = await promised<SdkTask>((cb) => client.createTask(type, body, cb));
      expect(sent.at(-1)).toBe(`${mock.url}/v1/task/${type}`);
      expect(task).toMatchObject({
        id: task.task_id,
        type,
        status: 'pending',
        params: paramsOf(body),
        callback_url: body.callback_url,
      });
      const { client: _client, id: _id, ...json } = task as SdkTask & { client: unknown };
      expect(json).toEqual(await direct(`/v1/task/${task.id}`));
    },
  );

  it.each(SDK_TYPES)(
    'create<Type>Task for %j: the same operation as createTask',
    async (type, body) => {
      const method = `create${type[0]?.toUpperCase()}${type.slice(1)}Task`;
      const create = client[method] as (body: unknown, cb: Callback<SdkTask>) => void;
      const unique = { ...body, unique_id: `sdk-${type}` };
      const task = await promised<SdkTask>((cb) => create.call(client, unique, cb));
      expect(sent.at(-1)).toBe(`${mock.url}/v1/task/${type}`);
      expect(task).toMatchObject({ type, status: 'pending', unique_id: `sdk-${type}` });
      // The SDK has no unique_id handling of its own: a repeat is the API's 409.
      const error = await failure((cb) => create.call(client, unique, cb));
      expect(error).toMatchObject({
        errcode: 409,
        message: 'A task with this unique_id already exists.',
      });
      const found = (await direct(`/v1/tasks?${qs({ unique_id: `sdk-${type}` })}`)) as V1TaskList;
      expect(found.docs.map((doc) => doc.task_id)).toEqual([task.id]);
    },
  );

  it.each([
    ['a categorization without categories', 'categorization', { attachment: 'car' }, 400],
    ['an audio transcription without attachment', 'audiotranscription', { verbatim: true }, 400],
    ['a type with no creation path', 'notatype', { attachment: 'car' }, 404],
  ])('createTask: %s is the SDK’s ScaleException %s', async (_name, type, body, status) => {
    const error = await failure((cb) => client.createTask(type, body, cb));
    expect(error).toBeInstanceOf(scaleapi.ScaleException);
    expect(error.errcode).toBe(status);
    expect(error.message).toEqual(expect.any(String));
  });

  it('Task.refresh: picks up a change made elsewhere, on the same object', async () => {
    const task = await promised<SdkTask>((cb) =>
      client.createTask('categorization', { categories: ['big', 'small'], attachment: 'ant' }, cb),
    );
    expect(task.status).toBe('pending');
    const set = await scaleFetch(mock, `/v1/task/${task.id}/tags`, {
      method: 'POST',
      body: ['refreshed'],
    });
    expect(set.status).toBe(200);
    const refreshed = await promised<SdkTask>((cb) => task.refresh(cb));
    expect(refreshed).toBe(task);
    expect(task.tags).toEqual(['refreshed']);
    expect(sent.at(-1)).toBe(`${mock.url}/v1/task/${task.id}`);
  });

  it('Task.cancel: cancels through the SDK; the mock agrees', async () => {
    const [id] = await pendingTaskIds(2);
    const task = await promised<SdkTask>((cb) => client.fetchTask(id as string, cb));
    const canceled = await promised<SdkTask>((cb) => task.cancel(cb));
    expect(canceled).toMatchObject({ id, status: 'canceled' });
    expect(((await direct(`/v1/task/${id}`)) as V1Task).status).toBe('canceled');
  });

  it('broke no response of the spec in test mode', () => {
    expect(mock.violations).toEqual([]);
  });
});
