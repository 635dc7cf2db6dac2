import { operations, type V1Task } from '@scale-contracts/validators/scale';
import { badRequest, conflict, notFound } from './errors.js';
import { instant, inWindow, type Pager } from './paging.js';
import { mix, random, Stream } from './prng.js';
import { ANSWERS, NAMES, PROMPTS } from './text.js';
import { type Clock, type Handler, type MockRequest, ok } from './types.js';
import {
  type BatchRecord,
  EPOCH,
  HOUR,
  iso,
  type ProjectRecord,
  SPAN,
  type World,
} from './world.js';

export const V1_STATUSES = ['pending', 'completed', 'canceled', 'error'] as const;
const PENDING = 0;
const COMPLETED = 1;
const CANCELED = 2;
const ERROR = 3;
/** The task types generated (a subset of `V1TaskType`; created tasks may be of any). */
export const V1_TYPES = [
  'categorization',
  'imageannotation',
  'textcollection',
  'comparison',
  'transcription',
  'namedentityrecognition',
] as const;
export const REVIEW_STATUSES = ['pending', 'accepted', 'fixed', 'rejected', 'commented'] as const;
/** Generated tags come from this list (a task's base tags are a bit mask over it). */
export const TAGS = [
  'experiment_1',
  'experiment_2',
  'owner:alice',
  'owner:bob',
  'gold',
  'needs_review',
  'priority',
] as const;
export const MAX_TAGS = 5;
const COMMON_FIELDS = new Set([
  'project',
  'batch',
  'instruction',
  'callback_url',
  'metadata',
  'unique_id',
  'tags',
]);

/**
 * The creation operations, one per task type (`POST /v1/task/<type>`, `createV1<Type>Task`),
 * read from the spec's operations table: one handler serves them all, keyed by the type in the
 * operation's path. A type without a path matches no route and answers 404.
 */
export const V1_CREATE_OPERATIONS = Object.entries(
  operations as Readonly<Record<string, { readonly method: string; readonly path: string }>>,
).flatMap(([operationId, operation]) => {
  const match = /^\/v1\/task\/([a-z0-9]+)$/.exec(operation.path);
  return operation.method === 'POST' && match ? [{ operationId, type: match[1] as string }] : [];
});

type Json = Record<string, unknown>;
const hex8 = (value: number) => (value >>> 0).toString(16).padStart(8, '0');

/** A task created through the API keeps what it was created with. */
interface Created {
  type: string;
  instruction?: string;
  callbackUrl?: string;
  params: Json;
}

/**
 * The v1 tasks: a few numbers per task (status, type, project, batch, times, tags as a bit mask,
 * review status), the rest rendered on demand from (seed, index), plus what the API changed.
 */
export class V1Store {
  readonly status: number[] = [];
  readonly type: number[] = [];
  readonly project: number[] = [];
  readonly batch: number[] = [];
  readonly createdAt: number[] = [];
  readonly updatedAt: number[] = [];
  readonly completedAt: number[] = [];
  readonly review: number[] = [];
  readonly tagsMask: number[] = [];
  readonly uniqueId: (string | undefined)[] = [];
  readonly byUniqueId = new Map<string, number>();
  readonly tagsSet = new Map<number, string[]>();
  readonly metadata = new Map<number, Json>();
  /** Audits added through the API, newest first. */
  readonly audits = new Map<number, Json[]>();
  readonly created = new Map<number, Created>();
  /** Bumped by every change (listings filter on `updated_at`, tags, unique_id, review status). */
  version = 0;
  private readonly prefix: string;
  private readonly mask: number;

  constructor(
    readonly world: World,
    readonly seed: number,
    size: number,
  ) {
    this.prefix = hex8(mix(seed, Stream.ids, 30));
    this.mask = mix(seed, Stream.ids, 31);
    const step = SPAN / Math.max(size, 1);
    for (let i = 0; i < size; i += 1) {
      const r = random(seed, Stream.v1State, i);
      const roll = r.next();
      const status = roll < 0.55 ? COMPLETED : roll < 0.8 ? PENDING : roll < 0.9 ? CANCELED : ERROR;
      const project = r.int(0, world.projects.length - 1);
      const batches = world.batchesOf(project);
      const batch = r.chance(0.8)
        ? (batches[r.int(0, batches.length - 1)] as BatchRecord).index
        : -1;
      const createdAt = EPOCH + Math.floor(i * step) + r.int(0, Math.max(0, Math.floor(step) - 1));
      const completedAt = status === COMPLETED ? createdAt + r.int(HOUR, 48 * HOUR) : Number.NaN;
      let mask = 0;
      const tagCount = r.int(0, 3);
      for (let k = 0; k < tagCount; k += 1) {
        mask |= 1 << r.int(0, TAGS.length - 1);
      }
      const uniqueId = r.chance(0.5) ? `mock-v1-${i}` : undefined;
      this.status.push(status);
      this.type.push(r.int(0, V1_TYPES.length - 1));
      this.project.push(project);
      this.batch.push(batch);
      this.createdAt.push(createdAt);
      this.completedAt.push(completedAt);
      this.updatedAt.push(Number.isNaN(completedAt) ? createdAt + r.int(0, HOUR) : completedAt);
      this.review.push(status === COMPLETED ? (r.chance(0.7) ? 0 : 1) : -1);
      this.tagsMask.push(mask);
      this.uniqueId.push(uniqueId);
      if (uniqueId !== undefined) {
        this.byUniqueId.set(uniqueId, i);
      }
    }
  }

  get count(): number {
    return this.status.length;
  }

  idOf(index: number): string {
    return `${this.prefix}${hex8(index ^ this.mask)}${hex8(mix(this.seed, Stream.ids, 32, index))}`;
  }

  indexOf(id: string): number {
    const match = /^([0-9a-f]{8})([0-9a-f]{8})([0-9a-f]{8})$/.exec(id);
    if (!match || match[1] !== this.prefix) {
      return -1;
    }
    const index = (Number.parseInt(match[2] as string, 16) ^ this.mask) >>> 0;
    if (index >= this.count || match[3] !== hex8(mix(this.seed, Stream.ids, 32, index))) {
      return -1;
    }
    return index;
  }

  tagsOf(index: number): string[] {
    const set = this.tagsSet.get(index);
    if (set) {
      return [...set];
    }
    const mask = this.tagsMask[index] as number;
    return TAGS.filter((_, bit) => (mask & (1 << bit)) !== 0);
  }

  metadataOf(index: number): Json {
    const set = this.metadata.get(index);
    if (set) {
      return structuredClone(set);
    }
    const r = random(this.seed, Stream.v1Render, index, 0);
    return { source: 'scale-mock', shard: r.int(0, 15) };
  }

  setUniqueId(index: number, uniqueId: string | undefined) {
    const old = this.uniqueId[index];
    if (old !== undefined) {
      this.byUniqueId.delete(old);
    }
    this.uniqueId[index] = uniqueId;
    if (uniqueId !== undefined) {
      this.byUniqueId.set(uniqueId, index);
    }
  }

  /** Records a change made at `at`: bumps `updated_at` and the listing version. */
  touch(index: number, at: number) {
    this.updatedAt[index] = Math.max(at, this.createdAt[index] as number);
    this.version += 1;
  }

  create(args: {
    type: string;
    project: number;
    batch: number;
    createdAt: number;
    metadata: Json;
    tags: string[];
    uniqueId?: string;
    instruction?: string;
    callbackUrl?: string;
    params: Json;
  }): number {
    const index = this.count;
    const typeIndex = V1_TYPES.indexOf(args.type as never);
    this.status.push(PENDING);
    this.type.push(typeIndex);
    this.project.push(args.project);
    this.batch.push(args.batch);
    this.createdAt.push(args.createdAt);
    this.updatedAt.push(args.createdAt);
    this.completedAt.push(Number.NaN);
    this.review.push(-1);
    this.tagsMask.push(0);
    this.uniqueId.push(undefined);
    this.tagsSet.set(index, args.tags);
    this.metadata.set(index, args.metadata);
    this.created.set(index, {
      type: args.type,
      params: args.params,
      ...(args.instruction === undefined ? {} : { instruction: args.instruction }),
      ...(args.callbackUrl === undefined ? {} : { callbackUrl: args.callbackUrl }),
    });
    this.setUniqueId(index, args.uniqueId);
    this.version += 1;
    return index;
  }

  typeOf(index: number): string {
    return this.created.get(index)?.type ?? (V1_TYPES[this.type[index] as number] as string);
  }

  render(index: number): V1Task {
    const world = this.world;
    const r = random(this.seed, Stream.v1Render, index, 1);
    const status = this.status[index] as number;
    const type = this.typeOf(index);
    const created = this.created.get(index);
    const completedAt = this.completedAt[index] as number;
    const project = world.projects[this.project[index] as number] as ProjectRecord;
    const batchIndex = this.batch[index] as number;
    const prompt = r.int(0, PROMPTS.length - 1);
    const generated = this.generated(type, r, index, prompt);
    const baseAudits: Json[] =
      !created && status === COMPLETED && r.chance(0.3)
        ? [
            {
              audited_by: 'qa@scale.example.com',
              audited_at: iso(completedAt + HOUR),
              audit_time_secs: r.int(30, 600),
              audit_result: r.pick(['accepted', 'fixed']),
              audit_source: 'scale',
            },
          ]
        : [];
    const review = this.review[index] as number;
    const uniqueId = this.uniqueId[index];
    return {
      task_id: this.idOf(index),
      type,
      status: V1_STATUSES[status] as V1Task['status'],
      created_at: iso(this.createdAt[index] as number),
      updated_at: iso(this.updatedAt[index] as number),
      completed_at: Number.isNaN(completedAt) ? null : iso(completedAt),
      instruction: created
        ? (created.instruction ?? 'Label the attachment.')
        : generated.instruction,
      params: created ? structuredClone(created.params) : generated.params,
      callback_url: created?.callbackUrl ?? 'https://example.com/callbacks/scale',
      ...(status === COMPLETED ? { callback_completed: true, response: generated.response } : {}),
      ...(status === ERROR
        ? {
            response: {
              error: 'One or more attachments could not be downloaded.',
              attachments: [{ statusCode: 404, url: 'https://example.com/missing.png' }],
            },
          }
        : {}),
      ...(review >= 0 ? { customer_review_status: REVIEW_STATUSES[review] } : {}),
      metadata: this.metadataOf(index),
      project_param_version: created ? null : r.int(1, 4),
      audits: [...(this.audits.get(index) ?? []).map((audit) => ({ ...audit })), ...baseAudits],
      ...(uniqueId === undefined ? {} : { unique_id: uniqueId }),
      tags: this.tagsOf(index),
      project: project.name,
      ...(batchIndex >= 0 ? { batch: (world.batches[batchIndex] as BatchRecord).name } : {}),
    };
  }

  /** Instruction, params and response of a generated task of `type`. */
  private generated(type: string, r: ReturnType<typeof random>, index: number, prompt: number) {
    const url = `https://example.com/attachments/${index}`;
    switch (type) {
      case 'categorization':
        return {
          instruction: 'Would you say this item is big or small?',
          params: {
            attachment_type: 'text',
            attachment: r.pick(['car', 'ant', 'house']),
            categories: ['big', 'small'],
          },
          response: { category: r.pick(['big', 'small']) },
        };
      case 'imageannotation':
        return {
          instruction: 'Draw a box around every car.',
          params: {
            attachment_type: 'image',
            attachment: `${url}.jpg`,
            geometries: { box: { objects_to_annotate: ['car'] } },
          },
          response: {
            annotations: [
              {
                type: 'box',
                label: 'car',
                left: r.int(0, 300),
                top: r.int(0, 300),
                width: r.int(20, 200),
                height: r.int(20, 200),
              },
            ],
          },
        };
      case 'textcollection':
        return {
          instruction: 'Summarise the page.',
          params: {
            attachment_type: 'website',
            attachment: `${url}.html`,
            fields: [{ type: 'text', field_id: 'summary', title: 'Summary' }],
          },
          response: { fields: { summary: ANSWERS[prompt] } },
        };
      case 'comparison':
        return {
          instruction: 'Which answer is better?',
          params: {
            attachments: [ANSWERS[prompt], ANSWERS[(prompt + 1) % ANSWERS.length]],
            choices: ['first', 'second'],
          },
          response: { choice: r.pick(['first', 'second']) },
        };
      case 'transcription':
        return {
          instruction: 'Transcribe the document.',
          params: { attachment_type: 'pdf', attachment: `${url}.pdf` },
          response: { transcription: PROMPTS[prompt] },
        };
      default:
        return {
          instruction: 'Label every person and place.',
          params: { text: PROMPTS[prompt], labels: ['PERSON', 'PLACE'] },
          response: {
            annotations: [{ label: 'PERSON', start: 0, end: 4, labeled_by: r.pick(NAMES) }],
          },
        };
    }
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The handlers of every v1 operation, by operationId. */
export function v1Handlers(store: V1Store, pager: Pager, now: Clock): Record<string, Handler> {
  const world = store.world;

  const taskIndex = (id: string | undefined) => {
    const index = id === undefined ? -1 : store.indexOf(id);
    if (index < 0) {
      throw notFound('Task not found.');
    }
    return index;
  };
  const projectNamed = (name: string) => {
    const project = world.projectByName.get(name);
    if (!project) {
      throw notFound(`Project ${JSON.stringify(name)} not found.`);
    }
    return project;
  };
  const batchNamed = (name: string) => {
    const batch = world.batchByName.get(name);
    if (!batch) {
      throw notFound(`Batch ${JSON.stringify(name)} not found.`);
    }
    return batch;
  };
  const setTags = (index: number, tags: string[]) => {
    const unique = [...new Set(tags)];
    if (unique.length > MAX_TAGS) {
      throw badRequest(
        `A task carries at most ${MAX_TAGS} tags; this change would leave ${unique.length}.`,
      );
    }
    store.tagsSet.set(index, unique);
    store.touch(index, now());
    return ok(store.render(index));
  };

  /** Creates a `pending` task of `type` (the operation's path): the non-common fields become its params. */
  const create = (type: string, request: Json) => {
    const project =
      request.project === undefined
        ? (world.projects[0] as ProjectRecord)
        : projectNamed(request.project as string);
    const batch = request.batch === undefined ? undefined : batchNamed(request.batch as string);
    if (batch && batch.project !== project.index) {
      throw badRequest(`Batch ${batch.name} is not in project ${project.name}.`);
    }
    const uniqueId = str(request.unique_id);
    if (uniqueId !== undefined && store.byUniqueId.has(uniqueId)) {
      throw conflict('A task with this unique_id already exists.');
    }
    const params = Object.fromEntries(
      Object.entries(request).filter(([key]) => !COMMON_FIELDS.has(key)),
    );
    const index = store.create({
      type,
      project: project.index,
      batch: batch ? batch.index : -1,
      createdAt: now(),
      metadata: (request.metadata as Json | undefined) ?? {},
      tags: [...new Set((request.tags as string[] | undefined) ?? [])],
      params,
      ...(uniqueId === undefined ? {} : { uniqueId }),
      ...(typeof request.instruction === 'string' ? { instruction: request.instruction } : {}),
      ...(typeof request.callback_url === 'string' ? { callbackUrl: request.callback_url } : {}),
    });
    return ok(store.render(index));
  };

  return {
    getV1Task: ({ path }) => ok(store.render(taskIndex(path.task_id))),

    listV1Tasks: ({ query }) => {
      const project =
        query.project === undefined ? undefined : projectNamed(query.project as string);
      const batch = query.batch === undefined ? undefined : batchNamed(query.batch as string);
      const status = query.status === undefined ? -2 : V1_STATUSES.indexOf(query.status as never);
      const type = str(query.type);
      const review =
        query.customer_review_status === undefined
          ? -2
          : REVIEW_STATUSES.indexOf(query.customer_review_status as never);
      const window = (after: string, before: string) =>
        [instant(query[after], after), instant(query[before], before)] as const;
      const created = window('start_time', 'end_time');
      const completed = window('completed_after', 'completed_before');
      const updated = window('updated_after', 'updated_before');
      const uniqueIds = query.unique_id as string[] | undefined;
      const tags = query.tags as string[] | undefined;
      const {
        limit: _limit,
        next_token: _token,
        offset: _offset,
        include_attachment_url: _url,
        limited_response: _limited,
        ...filters
      } = query;
      const limit = (query.limit as number | undefined) ?? 100;
      const page = pager.page({
        operationId: 'listV1Tasks',
        filters,
        version: store.version,
        limit,
        token: str(query.next_token),
        // Legacy offset paging (the npm SDK's): skip that many of the filtered list.
        ...(typeof query.offset === 'number' ? { offset: query.offset } : {}),
        build: () => {
          const out: number[] = [];
          const windowed = completed[0] !== undefined || completed[1] !== undefined;
          const byUniqueId = uniqueIds?.map((id) => store.byUniqueId.get(id));
          for (let i = store.count - 1; i >= 0; i -= 1) {
            if (
              (status === -2 || store.status[i] === status) &&
              (!project || store.project[i] === project.index) &&
              (!batch || store.batch[i] === batch.index) &&
              (type === undefined || store.typeOf(i) === type) &&
              (review === -2 || store.review[i] === review) &&
              (!byUniqueId || byUniqueId.includes(i)) &&
              inWindow(store.createdAt[i] as number, ...created) &&
              (!windowed || inWindow(store.completedAt[i] as number, ...completed)) &&
              inWindow(store.updatedAt[i] as number, ...updated) &&
              (!tags || tags.every((tag) => store.tagsOf(i).includes(tag)))
            ) {
              out.push(i);
            }
          }
          // Newest first; tasks created through the API may carry any clock's time.
          return out.sort(
            (a, b) => (store.createdAt[b] as number) - (store.createdAt[a] as number) || b - a,
          );
        },
      });
      const full = page.items.map((i) => store.render(i));
      const envelope = {
        total: page.total,
        limit,
        offset: page.offset,
        has_more: page.next !== undefined,
        ...(page.next ? { next_token: page.next } : {}),
      };
      if (query.limited_response === true) {
        const docs = full.map((task) => ({
          task_id: task.task_id,
          status: task.status,
          metadata: task.metadata,
          project: task.project,
        }));
        // The spec's own exception: limited entries lack fields V1Task requires, so test mode
        // checks the envelope and each entry's four fields against the full task.
        return {
          status: 200,
          body: { docs, ...envelope },
          validateAs: { docs: full, ...envelope },
        };
      }
      return ok({ docs: full, ...envelope });
    },

    ...Object.fromEntries(
      V1_CREATE_OPERATIONS.map(({ operationId, type }) => [
        operationId,
        (request: MockRequest) => create(type, request.body as Json),
      ]),
    ),

    cancelV1Task: ({ path, query }) => {
      const index = taskIndex(path.task_id);
      const status = store.status[index];
      if (status === COMPLETED || status === ERROR) {
        throw badRequest(
          `Task ${path.task_id} is ${V1_STATUSES[status]} and cannot be canceled; only pending tasks can.`,
        );
      }
      if (status === PENDING) {
        store.status[index] = CANCELED;
      }
      if (query.clear_unique_id === true) {
        store.setUniqueId(index, undefined);
      }
      if (status === PENDING || query.clear_unique_id === true) {
        store.touch(index, now());
      }
      return ok(store.render(index));
    },

    setV1TaskMetadata: ({ path, body }) => {
      const index = taskIndex(path.task_id);
      store.metadata.set(index, structuredClone(body as Json));
      store.touch(index, now());
      return ok(store.render(index));
    },

    auditV1Task: ({ path, body }) => {
      const index = taskIndex(path.task_id);
      if (store.status[index] !== COMPLETED) {
        throw badRequest(
          `Task ${path.task_id} is not completed; only completed tasks can be audited.`,
        );
      }
      const request = body as { accepted: boolean; comments?: string };
      const audit: Json = {
        audited_by: 'customer@scale-mock.example.com',
        audited_at: iso(now()),
        audit_time_secs: 0,
        audit_result: request.accepted ? 'accepted' : 'rejected',
        audit_source: 'customer',
        ...(typeof request.comments === 'string' ? { comments: request.comments } : {}),
      };
      store.audits.set(index, [audit, ...(store.audits.get(index) ?? [])]);
      store.review[index] = REVIEW_STATUSES.indexOf(request.accepted ? 'accepted' : 'rejected');
      store.touch(index, now());
      return ok(store.render(index));
    },

    setV1TaskUniqueId: ({ path, body }) => {
      const index = taskIndex(path.task_id);
      const uniqueId = (body as { unique_id: string }).unique_id;
      const holder = store.byUniqueId.get(uniqueId);
      if (holder !== undefined && holder !== index) {
        throw conflict('This unique_id is already used by another task.');
      }
      store.setUniqueId(index, uniqueId);
      store.touch(index, now());
      return ok(store.render(index));
    },

    deleteV1TaskUniqueId: ({ path }) => {
      const index = taskIndex(path.task_id);
      store.setUniqueId(index, undefined);
      store.touch(index, now());
      return ok(store.render(index));
    },

    replaceV1TaskTags: ({ path, body }) => setTags(taskIndex(path.task_id), body as string[]),

    addV1TaskTags: ({ path, body }) => {
      const index = taskIndex(path.task_id);
      return setTags(index, [...store.tagsOf(index), ...(body as string[])]);
    },

    deleteV1TaskTags: ({ path, body }) => {
      const index = taskIndex(path.task_id);
      const removed = new Set(body as string[]);
      return setTags(
        index,
        store.tagsOf(index).filter((tag) => !removed.has(tag)),
      );
    },
  };
}
