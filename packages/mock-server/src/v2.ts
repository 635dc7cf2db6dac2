import type { DeliveryTaskDoc, Task } from '@scale-contracts/validators/scale';
import { ANNOTATION_TYPES, annotation } from './annotations.js';
import { batchHandlers } from './batches.js';
import { DatasetStore, datasetHandlers } from './datasets.js';
import { badRequest, conflict, notFound } from './errors.js';
import { instant, inWindow, type Pager } from './paging.js';
import { mix, random, Stream } from './prng.js';
import { projectOfSchemaId, responseSchema, schemaIdOf } from './response-schema.js';
import { ANSWERS, ERROR_TYPES, NAMES, PROMPTS, REASONING, REFERENCES } from './text.js';
import { type Clock, type Handler, ok } from './types.js';
import {
  deepMerge,
  expandOf,
  isObject,
  type Json,
  limitOf,
  pick,
  resolveBatch,
  resolveProject,
  str,
} from './v2-common.js';
import {
  type BatchRecord,
  type DeliveryRecord,
  EPOCH,
  HOUR,
  iso,
  type ProjectRecord,
  SPAN,
  type World,
} from './world.js';

export const TASK_STATUSES = ['pending', 'completed', 'canceled', 'error', 'deleted'] as const;
const PENDING = 0;
const COMPLETED = 1;
const CANCELED = 2;
const ERROR = 3;

export { deepMerge, resolveProject } from './v2-common.js';

/** What a rendering includes, from `expand` and `opts`. */
export interface RenderOptions {
  expandProject?: boolean;
  expandBatch?: boolean;
  annotationDetails?: boolean;
  modelParameters?: boolean;
  submissions?: boolean;
  attachmentDetails?: boolean;
}

const hex8 = (value: number) => (value >>> 0).toString(16).padStart(8, '0');

/**
 * The v2 tasks. Per task only a few numbers are kept (status, project, batch, delivery, times);
 * the full task JSON is rendered on demand from (seed, index), so 100,000 tasks start in well
 * under a second and cost a few megabytes.
 */
export class V2Store {
  readonly status: number[] = [];
  readonly project: number[] = [];
  readonly batch: number[] = [];
  readonly delivery: number[] = [];
  readonly createdAt: number[] = [];
  readonly completedAt: number[] = [];
  /** Metadata set through the API (or given at creation), by task index. */
  readonly metadata = new Map<number, Json>();
  readonly uniqueIds = new Map<string, number>();
  /** Bumped by every change that can change a listing (creation, a batch's cancellation). */
  version = 0;
  /** The datasets product's data (read-only, fixed by the seed). */
  readonly datasets: DatasetStore;
  private readonly prefix: string;
  private readonly mask: number;

  constructor(
    readonly world: World,
    readonly seed: number,
    size: number,
  ) {
    this.datasets = new DatasetStore(seed);
    this.prefix = hex8(mix(seed, Stream.ids, 20));
    this.mask = mix(seed, Stream.ids, 21);
    const step = SPAN / Math.max(size, 1);
    for (let i = 0; i < size; i += 1) {
      const r = random(seed, Stream.v2State, i);
      const project = r.int(0, world.projects.length - 1);
      const batches = world.batchesOf(project);
      const batch = (batches[r.int(0, batches.length - 1)] as BatchRecord).index;
      const roll = r.next();
      const status =
        roll < 0.5 ? COMPLETED : roll < 0.72 ? PENDING : roll < 0.82 ? ERROR : roll < 0.94 ? 2 : 4;
      const createdAt = EPOCH + Math.floor(i * step) + r.int(0, Math.max(0, Math.floor(step) - 1));
      const completedAt = status === COMPLETED ? createdAt + r.int(HOUR, 72 * HOUR) : Number.NaN;
      const delivery = status === COMPLETED ? world.deliveryFor(project, completedAt) : -1;
      this.status.push(status);
      this.project.push(project);
      this.batch.push(batch);
      this.delivery.push(delivery);
      this.createdAt.push(createdAt);
      this.completedAt.push(completedAt);
      if (delivery >= 0) {
        (world.deliveries[delivery] as DeliveryRecord).taskCount += 1;
      }
    }
  }

  get count(): number {
    return this.status.length;
  }

  idOf(index: number): string {
    return `task_${this.prefix}${hex8(index ^ this.mask)}${hex8(mix(this.seed, Stream.ids, 22, index))}`;
  }

  /** The index of a task id, or -1. */
  indexOf(id: string): number {
    const match = /^task_([0-9a-f]{8})([0-9a-f]{8})([0-9a-f]{8})$/.exec(id);
    if (!match || match[1] !== this.prefix) {
      return -1;
    }
    const index = (Number.parseInt(match[2] as string, 16) ^ this.mask) >>> 0;
    if (index >= this.count || match[3] !== hex8(mix(this.seed, Stream.ids, 22, index))) {
      return -1;
    }
    return index;
  }

  /** Adds a pending task; returns its index. */
  create(args: {
    project: number;
    batch: number;
    createdAt: number;
    metadata: Json;
    uniqueId?: string;
  }): number {
    const index = this.count;
    this.status.push(PENDING);
    this.project.push(args.project);
    this.batch.push(args.batch);
    this.delivery.push(-1);
    this.createdAt.push(args.createdAt);
    this.completedAt.push(Number.NaN);
    this.metadata.set(index, args.metadata);
    if (args.uniqueId !== undefined) {
      this.uniqueIds.set(args.uniqueId, index);
    }
    this.version += 1;
    return index;
  }

  /** Cancels the pending tasks of a batch (it was cancelled); returns how many. */
  cancelPending(batch: number): number {
    let canceled = 0;
    for (let i = 0; i < this.count; i += 1) {
      if (this.batch[i] === batch && this.status[i] === PENDING) {
        this.status[i] = CANCELED;
        canceled += 1;
      }
    }
    if (canceled > 0) {
      this.version += 1;
    }
    return canceled;
  }

  /**
   * The detailed annotation with this id, or undefined. An id is `an_<task hex>_<k>` (see
   * `threads`): the task it names is rendered and searched, so no index is kept.
   */
  annotationById(id: string): Json | undefined {
    const match = /^an_([0-9a-f]{24})_(\d{1,2})$/.exec(id);
    const index = match ? this.indexOf(`task_${match[1]}`) : -1;
    if (index < 0 || this.status[index] !== COMPLETED) {
      return undefined;
    }
    const found: Json[] = [];
    const search = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(search);
      } else if (isObject(value)) {
        for (const [key, item] of Object.entries(value)) {
          if (key === 'annotations' && Array.isArray(item)) {
            found.push(...(item as Json[]).filter((a) => a.id === id));
          }
          search(item);
        }
      }
    };
    search(this.render(index, { annotationDetails: true }).threads);
    return found[0];
  }

  metadataOf(index: number): Json {
    const set = this.metadata.get(index);
    if (set) {
      return structuredClone(set);
    }
    const r = random(this.seed, Stream.v2Render, index, 0);
    return {
      source: 'scale-mock',
      language: r.pick(['en', 'fr', 'de']),
      priority: r.int(1, 3),
    };
  }

  /** The full task JSON of `index`. */
  render(index: number, options: RenderOptions = {}): Task {
    const world = this.world;
    const status = this.status[index] as number;
    const project = world.projects[this.project[index] as number] as ProjectRecord;
    const batchIndex = this.batch[index] as number;
    const batch = batchIndex >= 0 ? world.batches[batchIndex] : undefined;
    const completedAt = this.completedAt[index] as number;
    const task: Json = {
      task_id: this.idOf(index),
      project: options.expandProject ? world.renderProject(project) : project.id,
      ...(batch ? { batch: options.expandBatch ? world.renderBatch(batch) : batch.id } : {}),
      status: TASK_STATUSES[status],
      created_at: iso(this.createdAt[index] as number),
      ...(Number.isNaN(completedAt) ? {} : { completed_at: iso(completedAt) }),
      metadata: this.metadataOf(index),
    };
    const r = random(this.seed, Stream.v2Render, index, 1);
    if (status === COMPLETED) {
      if (r.chance(0.03)) {
        task.sensitive_content_reports = [
          { type: 'violence', message: 'The prompt describes graphic violence.' },
        ];
      } else {
        task.threads = this.threads(index, r, options);
      }
    } else {
      task.threads = [];
      if (status === ERROR) {
        task.errors = [
          {
            type: r.pick(ERROR_TYPES),
            message: 'The task could not be completed as specified.',
          },
        ];
      }
    }
    return task as Task;
  }

  /** Threads x turns x messages, with the twelve annotation types spread over them. */
  private threads(index: number, r: ReturnType<typeof random>, options: RenderOptions): Json[] {
    const id = this.idOf(index).slice(5);
    const detailed = options.annotationDetails ?? false;
    const completedAt = this.completedAt[index] as number;
    const slots: Json[][] = [];
    const threads: Json[] = [];
    const threadCount = r.chance(0.25) ? 2 : 1;
    for (let t = 0; t < threadCount; t += 1) {
      const thread: Json = { id: `thread_${id}_${t}`, turns: [], annotations: [] };
      slots.push(thread.annotations as Json[]);
      const turnCount = r.int(1, 3);
      for (let u = 0; u < turnCount; u += 1) {
        const turnId = `turn_${id}_${t}_${u}`;
        const turn: Json = { id: turnId, messages: [], annotations: [] };
        slots.push(turn.annotations as Json[]);
        const prompt = r.int(0, PROMPTS.length - 1);
        const userContent: Json = { text: PROMPTS[prompt] };
        if (r.chance(0.3)) {
          userContent.reference_texts = [{ ...r.pick(REFERENCES) }];
        }
        const attachment = r.next();
        if (attachment < 0.12) {
          userContent.attachments = [
            {
              name: 'figure.png',
              mime_type: 'image/png',
              url: `https://example.com/files/${turnId}.png`,
              ...(options.attachmentDetails
                ? {
                    scale_url: `https://scale.example.com/files/${turnId}.png`,
                    file_size_in_bytes: 20_000 + (index % 1000),
                  }
                : {}),
            },
          ];
        } else if (attachment < 0.18) {
          userContent.attachments = [
            {
              mime_type: 'audio/mpeg',
              url: `https://example.com/files/${turnId}.mp3`,
              duration: 12.5,
              transcript: PROMPTS[prompt],
              ...(options.attachmentDetails
                ? { scale_url: `https://scale.example.com/files/${turnId}.mp3` }
                : {}),
            },
          ];
        }
        const user: Json = {
          role: 'user',
          content: userContent,
          source_id: 'source_customer',
          annotations: [],
        };
        const answer = ANSWERS[prompt] as string;
        const assistantContent: Json = { text: answer };
        if (r.chance(0.3)) {
          const cut = answer.indexOf(' ', Math.floor(answer.length / 2));
          const parts = cut > 0 ? [answer.slice(0, cut), answer.slice(cut + 1)] : [answer];
          assistantContent.chunks = parts.map((text) => {
            const chunk = { type: 'text', text, annotations: [] as Json[] };
            slots.push(chunk.annotations);
            return chunk;
          });
        }
        if (r.chance(0.3)) {
          assistantContent.reasoning = [{ content: r.pick(REASONING) }];
        }
        const model = r.pick(['mock-model-small', 'mock-model-large']);
        const temperature = r.pick([0, 0.2, 0.7, 1]);
        const assistant: Json = {
          role: 'assistant',
          content: assistantContent,
          source_id: `source_${model}`,
          annotations: [],
          ...(options.modelParameters
            ? {
                model_parameters: {
                  model,
                  temperature,
                  max_completion_tokens: 1024,
                  top_p: 0.95,
                  top_k: 40,
                },
              }
            : {}),
        };
        slots.push(assistant.annotations as Json[]);
        if (r.chance(0.3)) {
          const definitions = [0, 1].map((c) => {
            const definition = {
              id: `criterion_${id}_${t}_${u}_${c}`,
              criterion: c === 0 ? 'The answer is accurate.' : 'The answer is concise.',
              weight: c === 0 ? 2 : 1,
              annotations: [] as Json[],
            };
            slots.push(definition.annotations);
            return definition;
          });
          turn.rubrics = [{ criteria_definitions: definitions, max_total_score: 6 }];
          const scores = definitions.map(() => r.int(0, 2));
          const total = scores.reduce((sum, score, c) => sum + score * (c === 0 ? 2 : 1), 0);
          assistant.rubric_evaluations = [
            {
              criteria_evaluations: definitions.map((definition, c) => ({
                criterion_definition_id: definition.id,
                score: scores[c],
                annotations: [],
              })),
              annotations: [],
              total_score: total,
              percentage: Math.round((total / 6) * 100),
            },
          ];
        }
        (turn.messages as Json[]).push(user, assistant);
        (thread.turns as Json[]).push(turn);
      }
      if (options.submissions) {
        thread.submissions = [
          {
            submitted_at: iso(completedAt),
            contributor_id: `contributor_${r.pick(NAMES)}`,
          },
        ];
      }
      threads.push(thread);
    }
    // Each completed task carries one annotation of every type, spread over the slots.
    const shift = r.int(0, slots.length - 1);
    ANNOTATION_TYPES.forEach((type, k) => {
      const annotationRandom = random(this.seed, Stream.v2Render, index, 100 + k);
      (slots[(k + shift) % slots.length] as Json[]).push(
        annotation(type, annotationRandom, `${id}_${k}`, detailed),
      );
    });
    return threads;
  }

  /** The `DeliveryTaskDoc` of a task: its delivered response, or nulls when not delivered. */
  renderDoc(index: number): DeliveryTaskDoc {
    const deliveryIndex = this.delivery[index] as number;
    const delivery = deliveryIndex >= 0 ? this.world.deliveries[deliveryIndex] : undefined;
    const task = delivery ? this.render(index) : undefined;
    return {
      task_id: this.idOf(index),
      created_at: iso(this.createdAt[index] as number),
      delivery_id: delivery ? delivery.id : null,
      delivered_at: delivery ? iso(delivery.deliveredAt) : null,
      response_schema_id: schemaIdOf(
        (this.world.projects[this.project[index] as number] as ProjectRecord).name,
      ),
      response: task
        ? {
            threads: task.threads ?? [],
            ...(task.sensitive_content_reports
              ? { sensitive_content_reports: task.sensitive_content_reports }
              : {}),
          }
        : null,
    };
  }
}

/** `expand` and `opts` of a query, as render options. */
function renderOptions(query: Record<string, unknown>): RenderOptions {
  const expand = expandOf(query);
  const opts = (query.opts as string[] | undefined) ?? [];
  return {
    expandProject: expand.includes('project'),
    expandBatch: expand.includes('batch'),
    annotationDetails: opts.includes('annotation_details'),
    modelParameters: opts.includes('model_parameters'),
    submissions: opts.includes('submissions'),
    attachmentDetails: opts.includes('attachment_details'),
  };
}

/** The handlers of every v2 operation, by operationId. */
export function v2Handlers(store: V2Store, pager: Pager, now: Clock): Record<string, Handler> {
  const world = store.world;

  const taskIndex = (id: string) => {
    const index = store.indexOf(id);
    if (index < 0) {
      throw notFound('Task not found.');
    }
    return index;
  };

  /** Indices of the tasks matching a task filter, in index order. */
  const matching =
    (filter: {
      project?: number;
      batch?: number;
      delivery?: number;
      status?: number;
      completedAfter?: number;
      completedBefore?: number;
    }) =>
    () => {
      const out: number[] = [];
      const windowed = filter.completedAfter !== undefined || filter.completedBefore !== undefined;
      for (let i = 0; i < store.count; i += 1) {
        if (
          (filter.project === undefined || store.project[i] === filter.project) &&
          (filter.batch === undefined || store.batch[i] === filter.batch) &&
          (filter.delivery === undefined || store.delivery[i] === filter.delivery) &&
          (filter.status === undefined || store.status[i] === filter.status) &&
          (!windowed ||
            inWindow(store.completedAt[i] as number, filter.completedAfter, filter.completedBefore))
        ) {
          out.push(i);
        }
      }
      return out;
    };

  const statusIndex = (value: unknown) =>
    value === undefined ? undefined : TASK_STATUSES.indexOf(value as never);

  return {
    getTask: ({ query }) =>
      ok(store.render(taskIndex(query.task_id as string), renderOptions(query))),

    getTasks: ({ query }) => {
      const project = resolveProject(world, query);
      const batch = resolveBatch(world, query);
      if (!project && !batch) {
        throw badRequest('Please include one of project_id, project_name, batch_id or batch_name.');
      }
      const filterKeys = [
        'project_id',
        'project_name',
        'batch_id',
        'batch_name',
        'status',
        'completed_after',
        'completed_before',
      ];
      const page = pager.page({
        operationId: 'getTasks',
        filters: pick(query, filterKeys),
        version: store.version,
        limit: limitOf(query),
        token: str(query.next_token),
        build: matching({
          project: project?.index,
          batch: batch?.index,
          status: statusIndex(query.status),
          completedAfter: instant(query.completed_after, 'completed_after'),
          completedBefore: instant(query.completed_before, 'completed_before'),
        }),
      });
      const options = renderOptions(query);
      return ok({
        tasks: page.items.map((i) => store.render(i, options)),
        ...(page.next ? { next_token: page.next } : {}),
      });
    },

    createChatTask: ({ body }) => {
      const request = body as Json;
      if (request.project_id === undefined && request.project_name === undefined) {
        throw badRequest('Please include a project_id or a project_name.');
      }
      const project = resolveProject(world, request) as ProjectRecord;
      const batch = resolveBatch(world, request);
      if (batch && batch.project !== project.index) {
        throw badRequest(`Batch ${batch.name} is not in project ${project.name}.`);
      }
      const uniqueId = str(request.unique_id);
      if (uniqueId !== undefined && store.uniqueIds.has(uniqueId)) {
        throw conflict('A task with this unique_id already exists.');
      }
      const index = store.create({
        project: project.index,
        batch: batch ? batch.index : -1,
        createdAt: now(),
        metadata: isObject(request.metadata) ? structuredClone(request.metadata) : {},
        ...(uniqueId === undefined ? {} : { uniqueId }),
      });
      return ok(store.render(index));
    },

    setTaskMetadata: ({ body }) => {
      const request = body as { task_id: string; metadata: Json; merge?: boolean };
      const index = taskIndex(request.task_id);
      const next = request.merge
        ? deepMerge(store.metadataOf(index), request.metadata)
        : structuredClone(request.metadata);
      store.metadata.set(index, next);
      return ok(store.render(index));
    },

    getDeliveries: ({ query }) => {
      const project = resolveProject(world, query);
      if (!project) {
        throw badRequest('Please include a project_id or a project_name.');
      }
      const after = instant(query.delivered_after, 'delivered_after');
      const before = instant(query.delivered_before, 'delivered_before');
      const expandProject = expandOf(query).includes('project');
      return ok({
        deliveries: world.deliveries
          .filter(
            (delivery) =>
              delivery.project === project.index && inWindow(delivery.deliveredAt, after, before),
          )
          .map((delivery) => world.renderDelivery(delivery, expandProject)),
      });
    },

    getDeliveredTasks: ({ query }) => {
      const project = resolveProject(world, query);
      const id = str(query.delivery_id);
      const name = str(query.delivery_name);
      let delivery: DeliveryRecord | undefined;
      if (id !== undefined) {
        delivery = world.deliveryById.get(id);
        if (!delivery || (name !== undefined && delivery.name !== name)) {
          throw notFound('Delivery not found.');
        }
      } else if (name !== undefined) {
        if (!project) {
          throw badRequest('delivery_name needs a project_id or a project_name too.');
        }
        delivery = world.deliveries.find((d) => d.project === project.index && d.name === name);
        if (!delivery) {
          throw notFound('Delivery not found.');
        }
      } else {
        throw badRequest('Please include a delivery_id, or a delivery_name with a project.');
      }
      if (project && delivery.project !== project.index) {
        throw notFound('Delivery not found in this project.');
      }
      const found = delivery;
      const page = pager.page({
        operationId: 'getDeliveredTasks',
        filters: { delivery: found.id },
        version: store.version,
        limit: limitOf(query),
        token: str(query.next_token),
        build: matching({ delivery: found.index }),
      });
      const options = renderOptions(query);
      const expand = expandOf(query);
      return ok({
        delivery: expand.includes('delivery')
          ? world.renderDelivery(found, options.expandProject)
          : found.id,
        tasks: page.items.map((i) => store.render(i, options)),
        ...(page.next ? { next_token: page.next } : {}),
      });
    },

    getDeliveryTasks: ({ query }) => {
      const project = resolveProject(world, query);
      if (!project) {
        throw badRequest('Please include a project_id or a project_name.');
      }
      const deliveryId = str(query.delivery_id);
      let delivery: DeliveryRecord | undefined;
      if (deliveryId !== undefined) {
        delivery = world.deliveryById.get(deliveryId);
        if (!delivery || delivery.project !== project.index) {
          throw notFound('Delivery not found.');
        }
      }
      const page = pager.page({
        operationId: 'getDeliveryTasks',
        filters: {
          project: project.id,
          ...pick(query, ['delivery_id', 'status', 'completed_after', 'completed_before']),
        },
        version: store.version,
        limit: limitOf(query),
        token: str(query.next_token),
        build: matching({
          project: project.index,
          delivery: delivery?.index,
          status: statusIndex(query.status),
          completedAfter: instant(query.completed_after, 'completed_after'),
          completedBefore: instant(query.completed_before, 'completed_before'),
        }),
      });
      const docs = page.items.map((i) => store.renderDoc(i));
      return ok({ docs, total: docs.length, ...(page.next ? { next_token: page.next } : {}) });
    },

    getBatch: ({ query }) => {
      const batch = resolveBatch(world, query);
      if (!batch) {
        throw badRequest('Please include a batch_id or a batch_name.');
      }
      const expand = expandOf(query);
      return ok(world.renderBatch(batch, expand.includes('project')));
    },

    getBatches: ({ query }) => {
      const project = resolveProject(world, query);
      const created = [
        instant(query.created_after, 'created_after'),
        instant(query.created_before, 'created_before'),
      ] as const;
      const completed = [
        instant(query.completed_after, 'completed_after'),
        instant(query.completed_before, 'completed_before'),
      ] as const;
      const completedWindow = completed[0] !== undefined || completed[1] !== undefined;
      const page = pager.page({
        operationId: 'getBatches',
        filters: {
          project: project?.id,
          ...pick(query, [
            'status',
            'created_after',
            'created_before',
            'completed_after',
            'completed_before',
          ]),
        },
        version: world.batchesVersion,
        limit: limitOf(query),
        token: str(query.next_token),
        build: () =>
          world.batches
            .filter(
              (batch) =>
                (!project || batch.project === project.index) &&
                (query.status === undefined || batch.status === query.status) &&
                inWindow(batch.createdAt, ...created) &&
                (!completedWindow || inWindow(batch.completedAt ?? Number.NaN, ...completed)),
            )
            .map((batch) => batch.index),
      });
      const expand = expandOf(query);
      return ok({
        batches: page.items.map((i) =>
          world.renderBatch(world.batches[i] as BatchRecord, expand.includes('project')),
        ),
        ...(page.next ? { next_token: page.next } : {}),
      });
    },

    getProject: ({ query }) => {
      const project = resolveProject(world, query);
      if (!project) {
        throw badRequest('Please include a project_id or a project_name.');
      }
      return ok(world.renderProject(project));
    },

    getProjects: ({ query }) => {
      const after = instant(query.created_after, 'created_after');
      const before = instant(query.created_before, 'created_before');
      return ok({
        projects: world.projects
          .filter((project) => inWindow(project.createdAt, after, before))
          .map((project) => world.renderProject(project)),
      });
    },

    getAnnotation: ({ query }) => {
      const found = store.annotationById(query.annotation_id as string);
      if (!found) {
        throw notFound('Annotation not found.');
      }
      return ok(found);
    },

    getSchema: ({ query }) => {
      const id = query.schema_id as string;
      const name = projectOfSchemaId(id);
      const project = name === undefined ? undefined : world.projectByName.get(name);
      if (!project) {
        throw notFound('Schema not found.');
      }
      return ok({ schema: { id, json: JSON.stringify(responseSchema(project.name)) } });
    },

    ...batchHandlers(store, now),
    ...datasetHandlers(store.datasets, pager, now),
  };
}
