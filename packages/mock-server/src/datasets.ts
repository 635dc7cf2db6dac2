import type { Dataset, DatasetDelivery, DatasetTask } from '@scale-contracts/validators/scale';
import { badRequest, notFound } from './errors.js';
import { instant, inWindow, type Pager } from './paging.js';
import { hashString, hexOf, mix, random, Stream } from './prng.js';
import { ANSWERS, PROMPTS } from './text.js';
import { type Clock, type Handler, ok } from './types.js';
import { expandOf, type Json, limitOf, pick, str } from './v2-common.js';
import { DAY, EPOCH, HOUR, iso } from './world.js';

/**
 * The datasets product (`/v2/datasets/...`): a few datasets, each with a few deliveries of
 * tasks, all fixed by the seed and read-only. Per task only its delivery and turn count are
 * kept; the task JSON (turns of a user and an assistant message, some user messages with an
 * attachment) is rendered on demand. Each delivery's `task_count` and `turn_count` are counted
 * from the tasks it really holds.
 */

const DATASETS = ['mock-support-conversations', 'mock-code-review'] as const;
export const DELIVERIES_PER_DATASET = 3;
/** Tasks per delivery, drawn from this range. */
const TASKS_PER_DELIVERY = [3, 8] as const;

/** Keys under `Stream.world` (1 to 4 are world.ts's). */
const Key = { datasetId: 5, deliveryId: 6, taskId: 7, attachmentId: 8, task: 9, delivery: 10 };

export interface DatasetRecord {
  index: number;
  id: string;
  name: string;
}
export interface DatasetDeliveryRecord {
  index: number;
  id: string;
  name: string;
  dataset: number;
  deliveredAt: number;
  taskCount: number;
  turnCount: number;
}
interface Attachment {
  id: string;
  name: string;
  mime_type: string;
  size_in_bytes: number;
}

/** What a rendering expands, from `expand`. */
export interface DatasetExpand {
  dataset?: boolean;
  delivery?: boolean;
}

export class DatasetStore {
  readonly datasets: DatasetRecord[];
  /** Every dataset's deliveries, oldest first (index order is time order). */
  readonly deliveries: DatasetDeliveryRecord[] = [];
  /** Per task (in delivery order): its id, its delivery's index and its number of turns. */
  readonly taskIds: string[] = [];
  readonly taskDelivery: number[] = [];
  readonly taskTurns: number[] = [];
  readonly datasetById = new Map<string, DatasetRecord>();
  readonly deliveryById = new Map<string, DatasetDeliveryRecord>();
  readonly taskById = new Map<string, number>();

  constructor(readonly seed: number) {
    this.datasets = DATASETS.map((name, index) => ({
      index,
      id: `dataset_${hexOf(24, seed, Stream.world, Key.datasetId, index)}`,
      name,
    }));
    for (let d = 0; d < DELIVERIES_PER_DATASET; d += 1) {
      for (const dataset of this.datasets) {
        const index = this.deliveries.length;
        const r = random(seed, Stream.world, Key.delivery, index);
        const deliveredAt =
          EPOCH + (d + 1) * 20 * DAY + dataset.index * DAY + 18 * HOUR + r.int(0, HOUR - 1);
        const delivery: DatasetDeliveryRecord = {
          index,
          id: `dataset_delivery_${hexOf(24, seed, Stream.world, Key.deliveryId, index)}`,
          name: iso(deliveredAt).slice(0, 10),
          dataset: dataset.index,
          deliveredAt,
          taskCount: r.int(...TASKS_PER_DELIVERY),
          turnCount: 0,
        };
        for (let t = 0; t < delivery.taskCount; t += 1) {
          const task = this.taskIds.length;
          const turns = r.int(1, 3);
          this.taskIds.push(`task_${hexOf(24, seed, Stream.world, Key.taskId, task)}`);
          this.taskDelivery.push(index);
          this.taskTurns.push(turns);
          delivery.turnCount += turns;
        }
        this.deliveries.push(delivery);
      }
    }
    for (const dataset of this.datasets) {
      this.datasetById.set(dataset.id, dataset);
    }
    for (const delivery of this.deliveries) {
      this.deliveryById.set(delivery.id, delivery);
    }
    this.taskIds.forEach((id, index) => {
      this.taskById.set(id, index);
    });
  }

  get taskCount(): number {
    return this.taskIds.length;
  }

  renderDataset(dataset: DatasetRecord): Dataset {
    return { id: dataset.id, name: dataset.name };
  }

  renderDelivery(delivery: DatasetDeliveryRecord, expandDataset = false): DatasetDelivery {
    const dataset = this.datasets[delivery.dataset] as DatasetRecord;
    return {
      id: delivery.id,
      name: delivery.name,
      delivered_at: iso(delivery.deliveredAt),
      metadata: { task_count: delivery.taskCount, turn_count: delivery.turnCount },
      dataset: expandDataset ? this.renderDataset(dataset) : dataset.id,
    };
  }

  /** The delivery of task `index`. */
  deliveryOf(index: number): DatasetDeliveryRecord {
    return this.deliveries[this.taskDelivery[index] as number] as DatasetDeliveryRecord;
  }

  /** The turns of task `index`: a user and an assistant message each, some with attachments. */
  private turnsOf(index: number): { messages: Json[] }[] {
    const r = random(this.seed, Stream.world, Key.task, index);
    return Array.from({ length: this.taskTurns[index] as number }, (_, turn) => {
      const prompt = r.int(0, PROMPTS.length - 1);
      const user: Json = { role: 'user', content: PROMPTS[prompt] };
      // Every third task has one on its first turn, so each delivery has some to download.
      if ((turn === 0 && index % 3 === 0) || r.chance(0.2)) {
        const attachment: Attachment = {
          id: `attachment_${hexOf(16, this.seed, Stream.world, Key.attachmentId, index, turn)}`,
          name: `screenshot-${turn + 1}.png`,
          mime_type: 'image/png',
          size_in_bytes: r.int(10_000, 900_000),
        };
        user.attachments = [attachment];
      }
      return { messages: [user, { role: 'assistant', content: ANSWERS[prompt] }] };
    });
  }

  renderTask(index: number, expand: DatasetExpand = {}): DatasetTask {
    const delivery = this.deliveryOf(index);
    const dataset = this.datasets[delivery.dataset] as DatasetRecord;
    return {
      task_id: this.taskIds[index] as string,
      dataset: expand.dataset ? this.renderDataset(dataset) : dataset.id,
      delivery: expand.delivery ? this.renderDelivery(delivery) : delivery.id,
      response: { turns: this.turnsOf(index) },
    };
  }

  /** The attachment `id` of task `index`'s response, or undefined. */
  attachment(index: number, id: string): Attachment | undefined {
    for (const turn of this.turnsOf(index)) {
      for (const message of turn.messages) {
        const found = (message.attachments as Attachment[] | undefined)?.find((a) => a.id === id);
        if (found) {
          return found;
        }
      }
    }
    return undefined;
  }
}

const expandOptions = (query: Json): DatasetExpand => {
  const expand = expandOf(query);
  return { dataset: expand.includes('dataset'), delivery: expand.includes('delivery') };
};

/** How long a response URL is valid. */
const URL_TTL_SECONDS = 3600;

/** The handlers of the `/v2/datasets` operations. */
export function datasetHandlers(
  store: DatasetStore,
  pager: Pager,
  now: Clock,
): Record<string, Handler> {
  const datasetOf = (id: string | undefined) => {
    if (id === undefined) {
      return undefined;
    }
    const dataset = store.datasetById.get(id);
    if (!dataset) {
      throw notFound('Dataset not found.');
    }
    return dataset;
  };
  const deliveryOf = (id: string | undefined) => {
    if (id === undefined) {
      return undefined;
    }
    const delivery = store.deliveryById.get(id);
    if (!delivery) {
      throw notFound('Delivery not found.');
    }
    return delivery;
  };
  const taskOf = (id: string) => {
    const index = store.taskById.get(id);
    if (index === undefined) {
      throw notFound('Task not found.');
    }
    return index;
  };
  /** Task indices (delivery order) matching the filters. */
  const tasksWhere = (keep: (delivery: DatasetDeliveryRecord) => boolean) => () => {
    const out: number[] = [];
    for (let i = 0; i < store.taskCount; i += 1) {
      if (keep(store.deliveryOf(i))) {
        out.push(i);
      }
    }
    return out;
  };

  return {
    getDatasets: () => ok({ datasets: store.datasets.map((d) => store.renderDataset(d)) }),

    getDatasetDeliveries: ({ query }) => {
      const dataset = datasetOf(str(query.dataset_id));
      const after = instant(query.delivered_after, 'delivered_after');
      const before = instant(query.delivered_before, 'delivered_before');
      const { dataset: expandDataset } = expandOptions(query);
      return ok({
        deliveries: store.deliveries
          .filter(
            (delivery) =>
              (!dataset || delivery.dataset === dataset.index) &&
              inWindow(delivery.deliveredAt, after, before),
          )
          .map((delivery) => store.renderDelivery(delivery, expandDataset)),
      });
    },

    getDatasetDelivery: ({ query }) => {
      const delivery = deliveryOf(str(query.delivery_id));
      if (!delivery) {
        throw badRequest('Please include a delivery_id.');
      }
      const page = pager.page({
        operationId: 'getDatasetDelivery',
        filters: { delivery: delivery.id },
        version: 0,
        limit: limitOf(query),
        token: str(query.next_token),
        build: tasksWhere((d) => d === delivery),
      });
      const expand = expandOptions(query);
      return ok({
        delivery: expand.delivery ? store.renderDelivery(delivery) : delivery.id,
        tasks: page.items.map((i) => store.renderTask(i, expand)),
        ...(page.next ? { next_token: page.next } : {}),
      });
    },

    getDatasetTasks: ({ query }) => {
      const dataset = datasetOf(str(query.dataset_id));
      const delivery = deliveryOf(str(query.delivery_id));
      if (!dataset && !delivery) {
        throw badRequest('Please include a dataset_id or a delivery_id.');
      }
      if (dataset && delivery && delivery.dataset !== dataset.index) {
        throw notFound('Delivery not found in this dataset.');
      }
      const after = instant(query.delivered_after, 'delivered_after');
      const before = instant(query.delivered_before, 'delivered_before');
      const page = pager.page({
        operationId: 'getDatasetTasks',
        filters: pick(query, ['dataset_id', 'delivery_id', 'delivered_after', 'delivered_before']),
        version: 0,
        limit: limitOf(query),
        token: str(query.next_token),
        build: tasksWhere(
          (d) =>
            (!dataset || d.dataset === dataset.index) &&
            (!delivery || d === delivery) &&
            inWindow(d.deliveredAt, after, before),
        ),
      });
      const expand = expandOptions(query);
      return ok({
        tasks: page.items.map((i) => store.renderTask(i, expand)),
        ...(page.next ? { next_token: page.next } : {}),
      });
    },

    getDatasetTask: ({ query }) =>
      ok(store.renderTask(taskOf(query.task_id as string), expandOptions(query))),

    getDatasetTaskResponseUrl: ({ path }) => {
      const taskId = path.taskId as string;
      const index = taskOf(taskId);
      const attachment = store.attachment(index, path.attachmentId as string);
      if (!attachment) {
        throw notFound('Attachment not found.');
      }
      const dataset = store.datasets[store.deliveryOf(index).dataset] as DatasetRecord;
      const expires = Math.floor(now() / 1000) + URL_TTL_SECONDS;
      const signature = mix(store.seed, hashString(`${taskId}/${attachment.id}`), expires)
        .toString(16)
        .padStart(8, '0');
      const location = `https://storage.example.com/datasets/${dataset.id}/${taskId}/${attachment.id}/${encodeURIComponent(attachment.name)}?expires=${expires}&signature=${signature}`;
      // No body: a redirect (see `Reply.body`).
      return { status: 302, body: undefined, headers: { location } };
    },
  };
}
