import type { Batch, Delivery, Project } from '@scale-contracts/validators/scale';
import { hexOf, random, Stream } from './prng.js';

/** The dataset's clock starts here: every generated timestamp is at or after it. */
export const EPOCH = Date.UTC(2025, 0, 1);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Generated tasks are created over this span after `EPOCH`. */
export const SPAN = 90 * DAY;

export const iso = (ms: number) => new Date(ms).toISOString();

export const BATCH_STATUSES = [
  'staging',
  'in_progress',
  'completed',
  'paused',
  'cancelled',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

const PROJECTS = [
  { name: 'mock-chat-sft', types: ['SFT'], models: ['mock-model-small', 'mock-model-large'] },
  { name: 'mock-rlhf-preferences', types: ['RLHF'], models: ['mock-model-large'] },
  { name: 'mock-coding-evals', types: ['Evals'], models: ['mock-coder-1'] },
] as const;
export const DELIVERIES_PER_PROJECT = 3;

export interface ProjectRecord {
  index: number;
  id: string;
  name: string;
  createdAt: number;
  types: string[];
  models: string[];
}
export interface BatchRecord {
  index: number;
  id: string;
  name: string;
  project: number;
  /** Changed by the lifecycle operations (batches.ts). */
  status: BatchStatus;
  createdAt: number;
  completedAt?: number;
  callback?: string;
  metadata: Record<string, unknown>;
}
export interface DeliveryRecord {
  index: number;
  id: string;
  name: string;
  project: number;
  deliveredAt: number;
  taskCount: number;
}

/** Seeded batches' callback. */
const SEEDED_CALLBACK = 'https://example.com/callbacks/batch';

/**
 * Projects, batches and deliveries: small, shared by v1 and v2. The seed fixes them at start;
 * batches can then be created and change status (`POST /v2/batch` and its lifecycle operations).
 */
export class World {
  readonly projects: ProjectRecord[];
  readonly batches: BatchRecord[];
  readonly deliveries: DeliveryRecord[];
  readonly projectById = new Map<string, ProjectRecord>();
  readonly projectByName = new Map<string, ProjectRecord>();
  readonly batchById = new Map<string, BatchRecord>();
  readonly batchByName = new Map<string, BatchRecord>();
  readonly deliveryById = new Map<string, DeliveryRecord>();
  /** Bumped by every change that can change a batch listing (a new batch, a new status). */
  batchesVersion = 0;

  constructor(readonly seed: number) {
    this.projects = PROJECTS.map((project, index) => ({
      index,
      id: `project_${hexOf(24, seed, Stream.world, 1, index)}`,
      name: project.name,
      createdAt: EPOCH - (PROJECTS.length - index) * 30 * DAY,
      types: [...project.types],
      models: [...project.models],
    }));
    this.batches = this.projects.flatMap((project) =>
      BATCH_STATUSES.map((status, k) => {
        const index = project.index * BATCH_STATUSES.length + k;
        const r = random(seed, Stream.world, 2, index);
        const createdAt = EPOCH + k * 15 * DAY + project.index * HOUR + r.int(0, HOUR - 1);
        return {
          index,
          id: `batch_${hexOf(24, seed, Stream.world, 2, index)}`,
          name: `${project.name}-batch-${k + 1}`,
          project: project.index,
          status,
          createdAt,
          ...(status === 'completed' ? { completedAt: createdAt + 20 * DAY } : {}),
          callback: SEEDED_CALLBACK,
          metadata: { round: k + 1, owner: r.pick(['alice', 'bob', 'carol']) },
        };
      }),
    );
    this.deliveries = this.projects.flatMap((project) =>
      Array.from({ length: DELIVERIES_PER_PROJECT }, (_, d) => {
        const index = project.index * DELIVERIES_PER_PROJECT + d;
        return {
          index,
          id: `delivery_${hexOf(24, seed, Stream.world, 3, index)}`,
          name: `${project.name}-delivery-${d + 1}`,
          project: project.index,
          deliveredAt: EPOCH + (d + 1) * 25 * DAY + project.index * HOUR,
          taskCount: 0,
        };
      }),
    );
    for (const project of this.projects) {
      this.projectById.set(project.id, project);
      this.projectByName.set(project.name, project);
    }
    for (const batch of this.batches) {
      this.batchById.set(batch.id, batch);
      this.batchByName.set(batch.name, batch);
    }
    for (const delivery of this.deliveries) {
      this.deliveryById.set(delivery.id, delivery);
    }
  }

  /** The seeded batches of one project (those generated tasks are spread over). */
  batchesOf(project: number): BatchRecord[] {
    return this.batches.slice(
      project * BATCH_STATUSES.length,
      (project + 1) * BATCH_STATUSES.length,
    );
  }

  /** Adds a batch (its name is checked by the caller); returns it. */
  createBatch(args: {
    name: string;
    project: number;
    status: BatchStatus;
    createdAt: number;
    callback?: string;
    metadata: Record<string, unknown>;
  }): BatchRecord {
    const index = this.batches.length;
    const batch: BatchRecord = {
      index,
      id: `batch_${hexOf(24, this.seed, Stream.world, 4, index)}`,
      name: args.name,
      project: args.project,
      status: args.status,
      createdAt: args.createdAt,
      ...(args.callback === undefined ? {} : { callback: args.callback }),
      metadata: args.metadata,
    };
    this.batches.push(batch);
    this.batchById.set(batch.id, batch);
    this.batchByName.set(batch.name, batch);
    this.batchesVersion += 1;
    return batch;
  }

  /** The first delivery of the project made at or after `completedAt`, or -1 (not delivered yet). */
  deliveryFor(project: number, completedAt: number): number {
    for (let d = 0; d < DELIVERIES_PER_PROJECT; d += 1) {
      const delivery = this.deliveries[project * DELIVERIES_PER_PROJECT + d];
      if (delivery && delivery.deliveredAt >= completedAt) {
        return delivery.index;
      }
    }
    return -1;
  }

  renderProject(project: ProjectRecord): Project {
    return {
      id: project.id,
      name: project.name,
      created_at: iso(project.createdAt),
      types: [...project.types],
      models: [...project.models],
    };
  }

  renderBatch(batch: BatchRecord, expandProject = false): Batch {
    const project = this.projects[batch.project] as ProjectRecord;
    return {
      id: batch.id,
      name: batch.name,
      project: expandProject ? this.renderProject(project) : project.id,
      created_at: iso(batch.createdAt),
      ...(batch.completedAt === undefined ? {} : { completed_at: iso(batch.completedAt) }),
      status: batch.status,
      ...(batch.callback === undefined ? {} : { callback: batch.callback }),
      metadata: structuredClone(batch.metadata),
    };
  }

  renderDelivery(delivery: DeliveryRecord, expandProject = false): Delivery {
    const project = this.projects[delivery.project] as ProjectRecord;
    return {
      id: delivery.id,
      name: delivery.name,
      task_count: delivery.taskCount,
      delivered_at: iso(delivery.deliveredAt),
      project: expandProject ? this.renderProject(project) : project.id,
    };
  }
}
