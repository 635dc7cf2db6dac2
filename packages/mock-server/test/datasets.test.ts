import {
  check,
  type Dataset,
  type DatasetDelivery,
  type DatasetTask,
} from '@scale-contracts/validators/scale';
import { describe, expect, it } from 'vitest';
import { DatasetStore } from '../src/datasets.js';
import type { MockServer } from '../src/index.js';
import { qs, scaleFetch, serve, walk } from './support.js';

type Json = Record<string, unknown>;
type Turn = { messages: { role: string; content: string; attachments?: { id: string }[] }[] };

type Window = { delivered_after?: string; delivered_before?: string };

const tasksOf = (body: Json) => body.tasks as DatasetTask[];
const idOf = (value: unknown) => (typeof value === 'string' ? value : (value as { id: string }).id);

async function datasets(server: MockServer): Promise<Dataset[]> {
  return ((await scaleFetch(server, '/v2/datasets')).body as Json).datasets as Dataset[];
}
async function deliveries(server: MockServer, query: Json = {}): Promise<DatasetDelivery[]> {
  const answer = await scaleFetch(server, `/v2/datasets/deliveries?${qs(query as never)}`);
  expect(answer.status).toBe(200);
  return (answer.body as Json).deliveries as DatasetDelivery[];
}
/** Every task of a delivery, paging GET /v2/datasets/delivery. */
async function deliveryTasks(server: MockServer, id: string, limit = 2) {
  return (await walk(server, '/v2/datasets/delivery', { delivery_id: id, limit }, tasksOf)).items;
}
const attachmentsOf = (task: DatasetTask) =>
  ((task.response as { turns: Turn[] }).turns ?? []).flatMap((turn) =>
    turn.messages.flatMap((message) => message.attachments ?? []),
  );

/** A raw GET that does not follow redirects. */
const noFollow = (server: MockServer, path: string) =>
  fetch(new URL(path, server.url), {
    headers: { authorization: `Bearer ${server.apiKeys.scale}` },
    redirect: 'manual',
  });

describe.each([1, 2, 99])('seed %i: the dataset data', (seed) => {
  const store = new DatasetStore(seed);

  it('satisfies the schemas in every expand combination; every delivery has an attachment', () => {
    for (const dataset of store.datasets) {
      expect(check('Dataset', store.renderDataset(dataset))).toBe(true);
    }
    for (const delivery of store.deliveries) {
      expect(check('DatasetDelivery', store.renderDelivery(delivery, true))).toBe(true);
    }
    const withAttachment = new Set<number>();
    for (let i = 0; i < store.taskCount; i += 1) {
      for (const expand of [{}, { dataset: true, delivery: true }]) {
        expect(check('DatasetTask', store.renderTask(i, expand))).toBe(true);
      }
      if (attachmentsOf(store.renderTask(i)).length > 0) {
        withAttachment.add(store.taskDelivery[i] as number);
      }
    }
    expect(withAttachment.size).toBe(store.deliveries.length);
    expect(new Set(store.taskIds).size).toBe(store.taskCount);
  });

  it('is the same for the same seed', () => {
    const again = new DatasetStore(seed);
    expect(again.taskIds).toEqual(store.taskIds);
    expect(again.renderTask(store.taskCount - 1)).toEqual(store.renderTask(store.taskCount - 1));
  });
});

describe('GET /v2/datasets', () => {
  it('lists the seeded datasets, the same for the same seed and other ids for another', async () => {
    const [one, again, other] = await Promise.all([serve(), serve(), serve({ seed: 2 })]);
    const list = await datasets(one as MockServer);
    expect(list.map((dataset) => dataset.name)).toEqual([
      'mock-support-conversations',
      'mock-code-review',
    ]);
    for (const dataset of list) {
      expect(dataset.id).toMatch(/^dataset_[0-9a-f]{24}$/);
    }
    expect(await datasets(again as MockServer)).toEqual(list);
    const otherIds = (await datasets(other as MockServer)).map((dataset) => dataset.id);
    expect(otherIds).not.toEqual(list.map((dataset) => dataset.id));
  });
});

describe('GET /v2/datasets/deliveries', () => {
  it('lists deliveries oldest first; task_count and turn_count match the tasks delivered', async () => {
    const server = await serve();
    const all = await deliveries(server);
    expect(all).toHaveLength(6);
    const times = all.map((delivery) => delivery.delivered_at);
    expect([...times].sort()).toEqual(times);
    for (const delivery of all) {
      expect(delivery.id).toMatch(/^dataset_delivery_[0-9a-f]{24}$/);
      expect(delivery.name).toBe(delivery.delivered_at.slice(0, 10));
      const tasks = await deliveryTasks(server, delivery.id);
      const turns = tasks.reduce(
        (sum, task) => sum + (task.response as { turns: Turn[] }).turns.length,
        0,
      );
      expect(delivery.metadata).toEqual({ task_count: tasks.length, turn_count: turns });
      expect(tasks.length).toBeGreaterThan(0);
      // GET /v2/datasets/tasks by delivery_id holds the same tasks.
      const byId = await walk(server, '/v2/datasets/tasks', { delivery_id: delivery.id }, tasksOf);
      expect(byId.items).toEqual(tasks);
    }
    expect(server.violations).toEqual([]);
  });

  it('filters by dataset_id and expands dataset', async () => {
    const server = await serve();
    const [first] = await datasets(server);
    const own = await deliveries(server, { dataset_id: first?.id, expand: ['dataset'] });
    expect(own).toHaveLength(3);
    for (const delivery of own) {
      expect(delivery.dataset).toEqual(first);
    }
    const unexpanded = await deliveries(server, { dataset_id: first?.id });
    expect(unexpanded.map((delivery) => delivery.dataset)).toEqual([
      first?.id,
      first?.id,
      first?.id,
    ]);
  });

  it.each([
    ['after', (times: string[]) => ({ delivered_after: times[1] })],
    ['before', (times: string[]) => ({ delivered_before: times[4] })],
    ['between', (times: string[]) => ({ delivered_after: times[0], delivered_before: times[3] })],
    ['an empty window', (times: string[]) => ({ delivered_after: times[5] })],
  ] as [string, (times: string[]) => Window][])(
    'the delivered window (%s) holds for every item, bounds excluded',
    async (_name, windowOf) => {
      const server = await serve();
      const all = await deliveries(server);
      const window = windowOf(all.map((delivery) => delivery.delivered_at));
      const expected = all.filter(
        (delivery) =>
          (window.delivered_after === undefined ||
            delivery.delivered_at > window.delivered_after) &&
          (window.delivered_before === undefined ||
            delivery.delivered_at < window.delivered_before),
      );
      expect(await deliveries(server, window)).toEqual(expected);
      // The same window on GET /v2/datasets/tasks, per dataset.
      for (const dataset of await datasets(server)) {
        const { items } = await walk(
          server,
          '/v2/datasets/tasks',
          { dataset_id: dataset.id, ...window, expand: ['delivery'], limit: 5 },
          tasksOf,
        );
        const inWindow = expected.filter((delivery) => delivery.dataset === dataset.id);
        expect(items).toHaveLength(
          inWindow.reduce((sum, delivery) => sum + (delivery.metadata.task_count ?? 0), 0),
        );
        for (const task of items) {
          const at = (task.delivery as DatasetDelivery).delivered_at;
          expect(window.delivered_after === undefined || at > window.delivered_after).toBe(true);
          expect(window.delivered_before === undefined || at < window.delivered_before).toBe(true);
        }
      }
    },
  );
});

describe('GET /v2/datasets/tasks', () => {
  it("pages with limit=1 through exactly the dataset's tasks, no duplicates, no next_token at the end", async () => {
    const server = await serve();
    const all = await deliveries(server);
    const everyId = new Set<string>();
    for (const dataset of await datasets(server)) {
      const own = all.filter((delivery) => delivery.dataset === dataset.id);
      const expected: string[] = [];
      for (const delivery of own) {
        expected.push(...(await deliveryTasks(server, delivery.id)).map((task) => task.task_id));
      }
      const paged = await walk(
        server,
        '/v2/datasets/tasks',
        { dataset_id: dataset.id, limit: 1 },
        tasksOf,
      );
      const ids = paged.items.map((task) => task.task_id);
      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(ids.length);
      expect(paged.pages).toBe(ids.length);
      expect(paged.items.every((task) => task.dataset === dataset.id)).toBe(true);
      for (const id of ids) {
        expect(id).toMatch(/^task_[0-9a-f]{24}$/);
        everyId.add(id);
      }
    }
    // The two datasets share no task.
    const total = all.reduce((sum, delivery) => sum + (delivery.metadata.task_count ?? 0), 0);
    expect(everyId.size).toBe(total);
    const last = await scaleFetch(
      server,
      `/v2/datasets/tasks?${qs({ dataset_id: (await datasets(server))[0]?.id as string })}`,
    );
    expect(Object.keys(last.body as Json)).toEqual(['tasks']);
  });

  it.each([
    [[], 'string', 'string'],
    [['dataset'], 'object', 'string'],
    [['delivery'], 'string', 'object'],
    [['dataset', 'delivery'], 'object', 'object'],
  ])('expand=%j turns ids into objects', async (expand, datasetType, deliveryType) => {
    const server = await serve();
    const [dataset] = await datasets(server);
    const all = await deliveries(server, { dataset_id: dataset?.id, expand: ['dataset'] });
    const { items } = await walk(
      server,
      '/v2/datasets/tasks',
      { dataset_id: dataset?.id, expand, limit: 4 },
      tasksOf,
    );
    for (const task of items) {
      expect(typeof task.dataset).toBe(datasetType);
      expect(typeof task.delivery).toBe(deliveryType);
      if (datasetType === 'object') {
        expect(task.dataset).toEqual(dataset);
      }
      if (deliveryType === 'object') {
        const delivery = all.find((d) => d.id === idOf(task.delivery));
        expect(task.delivery).toEqual({ ...delivery, dataset: dataset?.id });
      }
      expect(check('DatasetTask', task)).toBe(true);
    }
    expect(server.violations).toEqual([]);
  });
});

describe('GET /v2/datasets/delivery and /v2/datasets/task', () => {
  it('GET /v2/datasets/delivery echoes the delivery (expand=delivery: the object) on every page', async () => {
    const server = await serve();
    const [delivery] = await deliveries(server);
    const id = delivery?.id as string;
    const pages = await walk(
      server,
      '/v2/datasets/delivery',
      { delivery_id: id, limit: 1, expand: ['delivery'] },
      (body) => [body.delivery],
    );
    expect(pages.pages).toBe(delivery?.metadata.task_count);
    for (const echoed of pages.items) {
      expect(echoed).toEqual(delivery);
    }
    const plain = await scaleFetch(server, `/v2/datasets/delivery?${qs({ delivery_id: id })}`);
    expect((plain.body as Json).delivery).toBe(id);
  });

  it('GET /v2/datasets/task returns the listed task (with expand); 404 for an unknown one', async () => {
    const server = await serve();
    const [delivery] = await deliveries(server);
    const [listed] = await deliveryTasks(server, delivery?.id as string);
    const one = await scaleFetch(
      server,
      `/v2/datasets/task?${qs({ task_id: listed?.task_id as string })}`,
    );
    expect(one.body).toEqual(listed);
    const expanded = await scaleFetch(
      server,
      `/v2/datasets/task?${qs({ task_id: listed?.task_id as string, expand: ['delivery'] })}`,
    );
    expect((expanded.body as DatasetTask).delivery).toEqual(delivery);
    // A v2 task id is not a dataset task.
    const v2 = await scaleFetch(
      server,
      `/v2/tasks?${qs({ project_name: 'mock-chat-sft', limit: 1 })}`,
    );
    const v2Id = ((v2.body as Json).tasks as { task_id: string }[])[0]?.task_id as string;
    for (const id of ['task_nope', v2Id]) {
      expect(await scaleFetch(server, `/v2/datasets/task?${qs({ task_id: id })}`)).toMatchObject({
        status: 404,
        body: { status_code: 404, error: 'Task not found.' },
      });
    }
  });
});

describe('GET /v2/datasets/task/{taskId}/response_url/{attachmentId}', () => {
  it('redirects (302, Location, no body) for every attachment a task really has', async () => {
    const server = await serve();
    const [dataset] = await datasets(server);
    const { items } = await walk(
      server,
      '/v2/datasets/tasks',
      { dataset_id: dataset?.id },
      tasksOf,
    );
    const withAttachments = items.filter((task) => attachmentsOf(task).length > 0);
    expect(withAttachments.length).toBeGreaterThan(0);
    for (const task of withAttachments) {
      for (const attachment of attachmentsOf(task)) {
        expect(attachment.id).toMatch(/^attachment_[0-9a-f]{16}$/);
        const answer = await noFollow(
          server,
          `/v2/datasets/task/${task.task_id}/response_url/${attachment.id}`,
        );
        expect(answer.status).toBe(302);
        expect(await answer.text()).toBe('');
        expect(answer.headers.get('content-type')).toBeNull();
        const location = new URL(answer.headers.get('location') as string);
        expect(location.protocol).toBe('https:');
        expect(location.host).toBe('storage.example.com');
        expect(location.pathname).toContain(`/${task.task_id}/${attachment.id}/`);
        expect(Number(location.searchParams.get('expires'))).toBeGreaterThan(Date.now() / 1000);
        expect(location.searchParams.get('signature')).toMatch(/^[0-9a-f]{8}$/);
      }
    }
    expect(server.violations).toEqual([]);
  });

  it('answers 404 with the documented body for an unknown task or an attachment the task lacks', async () => {
    const server = await serve();
    const [dataset] = await datasets(server);
    const { items } = await walk(
      server,
      '/v2/datasets/tasks',
      { dataset_id: dataset?.id },
      tasksOf,
    );
    const owner = items.find((task) => attachmentsOf(task).length > 0) as DatasetTask;
    const other = items.find((task) => task.task_id !== owner.task_id) as DatasetTask;
    const attachment = attachmentsOf(owner)[0]?.id as string;
    for (const [path, error] of [
      [`/v2/datasets/task/task_nope/response_url/${attachment}`, 'Task not found.'],
      [`/v2/datasets/task/${owner.task_id}/response_url/attachment_nope`, 'Attachment not found.'],
      [`/v2/datasets/task/${other.task_id}/response_url/${attachment}`, 'Attachment not found.'],
    ]) {
      const answer = await noFollow(server, path as string);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({ status_code: 404, error });
    }
    expect(server.violations).toEqual([]);
  });
});

describe('hostile input on the dataset operations', () => {
  it.each([
    [
      'no dataset_id nor delivery_id',
      '/v2/datasets/tasks',
      {},
      400,
      'Please include a dataset_id or a delivery_id.',
    ],
    [
      'an unknown dataset_id',
      '/v2/datasets/tasks',
      { dataset_id: 'dataset_nope' },
      404,
      'Dataset not found.',
    ],
    [
      'an unknown delivery_id',
      '/v2/datasets/tasks',
      { delivery_id: 'dataset_delivery_nope' },
      404,
      'Delivery not found.',
    ],
    [
      'an oversize limit',
      '/v2/datasets/tasks',
      { dataset_id: 'D0', limit: 101 },
      400,
      '/query/limit: must be <= 100',
    ],
    [
      'limit=0',
      '/v2/datasets/delivery',
      { delivery_id: 'E0', limit: 0 },
      400,
      '/query/limit: must be >= 1',
    ],
    [
      'a non-numeric limit',
      '/v2/datasets/tasks',
      { dataset_id: 'D0', limit: 'ten' },
      400,
      '/query/limit: must be integer',
    ],
    [
      'an unknown expand',
      '/v2/datasets/tasks',
      { dataset_id: 'D0', expand: 'project' },
      400,
      '/query/expand/0: must be equal to one of the allowed values',
    ],
    [
      'a forged next_token',
      '/v2/datasets/tasks',
      { dataset_id: 'D0', next_token: 'bm9wZQ' },
      400,
      'next_token: not a token this server issued',
    ],
    ['no delivery_id', '/v2/datasets/delivery', {}, 400, 'Please include a delivery_id.'],
    [
      'an unknown delivery',
      '/v2/datasets/delivery',
      { delivery_id: 'dataset_delivery_nope' },
      404,
      'Delivery not found.',
    ],
    [
      'no task_id',
      '/v2/datasets/task',
      {},
      400,
      '/query/task_id: must have required property task_id',
    ],
    [
      'an unknown dataset_id on deliveries',
      '/v2/datasets/deliveries',
      { dataset_id: 'dataset_nope' },
      404,
      'Dataset not found.',
    ],
  ])('%s answers %s', async (_name, path, query, status, error) => {
    const server = await serve();
    const [dataset] = await datasets(server);
    const [delivery] = await deliveries(server);
    const resolved = Object.fromEntries(
      Object.entries(query).map(([key, value]) => [
        key,
        value === 'D0' ? dataset?.id : value === 'E0' ? delivery?.id : value,
      ]),
    );
    const answer = await scaleFetch(server, `${path}?${qs(resolved as never)}`);
    expect(answer).toMatchObject({ status, body: { status_code: status, error } });
    expect(server.violations).toEqual([]);
  });

  it('refuses a bad delivered_after, a delivery of another dataset and a token used with other filters', async () => {
    const server = await serve();
    const [first, second] = await datasets(server);
    const bad = await scaleFetch(
      server,
      `/v2/datasets/deliveries?${qs({ delivered_after: 'yesterday' })}`,
    );
    expect(bad.status).toBe(400);
    expect((bad.body as Json).error).toMatch(/^\/query\/delivered_after: /);
    // Well-formed but not a calendar date: refused by the handler, naming the parameter.
    const impossible = await scaleFetch(
      server,
      `/v2/datasets/tasks?${qs({ dataset_id: first?.id as string, delivered_before: '2025-02-30T00:00:00Z' })}`,
    );
    expect(impossible.status).toBe(400);
    expect((impossible.body as Json).error).toMatch(/^\/query\/delivered_before: /);
    const [foreign] = await deliveries(server, { dataset_id: second?.id });
    expect(
      await scaleFetch(
        server,
        `/v2/datasets/tasks?${qs({ dataset_id: first?.id as string, delivery_id: foreign?.id as string })}`,
      ),
    ).toMatchObject({ status: 404, body: { error: 'Delivery not found in this dataset.' } });
    const page = await scaleFetch(
      server,
      `/v2/datasets/tasks?${qs({ dataset_id: first?.id as string, limit: 1 })}`,
    );
    const token = (page.body as Json).next_token as string;
    expect(
      await scaleFetch(
        server,
        `/v2/datasets/tasks?${qs({ dataset_id: second?.id as string, next_token: token })}`,
      ),
    ).toMatchObject({ status: 400, body: { error: expect.stringContaining('other filters') } });
    // The same token on the same filters works, and can be replayed.
    const next = `/v2/datasets/tasks?${qs({ dataset_id: first?.id as string, limit: 1, next_token: token })}`;
    const replay = [await scaleFetch(server, next), await scaleFetch(server, next)];
    expect(replay[0]?.status).toBe(200);
    expect(replay[1]?.body).toEqual(replay[0]?.body);
  });
});
