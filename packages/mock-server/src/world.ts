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
  status: (typeof BATCH_STATUSES)[number];
  createdAt: number;
  completedAt?: number;
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

/** Projects, batches and deliveries: small, fixed by the seed, shared by v1 and v2. */
export class World {
  readonly projects: ProjectRecord[];
  readonly batches: BatchRecord[];
  readonly deliveries: DeliveryRecord[];
  readonly projectById = new Map<string, ProjectRecord>();
  readonly projectByName = new Map<string, ProjectRecord>();
  readonly batchById = new Map<string, BatchRecord>();
  readonly batchByName = new Map<string, BatchRecord>();
  readonly deliveryById = new Map<string, DeliveryRecord>();

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

  /** Batches of one project. */
  batchesOf(project: number): BatchRecord[] {
    return this.batches.slice(
      project * BATCH_STATUSES.length,
      (project + 1) * BATCH_STATUSES.length,
    );
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
      callback: 'https://example.com/callbacks/batch',
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
