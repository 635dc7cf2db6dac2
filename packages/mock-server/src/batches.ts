import { badRequest, conflict } from './errors.js';
import { type Clock, type Handler, ok } from './types.js';
import type { V2Store } from './v2.js';
import { deepMerge, isObject, type Json, resolveBatch, resolveProject, str } from './v2-common.js';
import type { BatchRecord, BatchStatus } from './world.js';

/**
 * Creating batches and moving them through their lifecycle:
 *
 * | operation  | from                                    | to          |
 * | ---------- | --------------------------------------- | ----------- |
 * | create     | (`staging_batch: true`)                 | staging     |
 * | create     | (otherwise)                             | in_progress |
 * | finalize   | staging, in_progress (unchanged)        | in_progress |
 * | pause      | in_progress                             | paused      |
 * | resume     | paused                                  | in_progress |
 * | cancel     | staging, in_progress, paused            | cancelled   |
 *
 * Every other move is a 400 that says why. `completed` is only seeded (batches never complete
 * by themselves) and, like `cancelled`, is final. Cancelling also cancels the batch's `pending`
 * v2 tasks.
 */

const DONE = { finalize: 'finalized', pause: 'paused', resume: 'resumed', cancel: 'cancelled' };

/** Why a batch in `status` cannot be finalized, paused, resumed or cancelled; undefined if it can. */
const refusals: Record<
  'finalize' | 'pause' | 'resume' | 'cancel',
  (status: BatchStatus) => string | undefined
> = {
  finalize: (status) =>
    status === 'staging' || status === 'in_progress'
      ? undefined
      : status === 'paused'
        ? 'it is paused; resume it instead (POST /v2/batch/resume). Only a staging batch can be finalized.'
        : `it is ${status}. Only a staging batch can be finalized.`,
  pause: (status) =>
    status === 'in_progress'
      ? undefined
      : `it is ${status}. Only an in_progress batch can be paused.`,
  resume: (status) =>
    status === 'paused' ? undefined : `it is ${status}. Only a paused batch can be resumed.`,
  cancel: (status) =>
    status === 'completed' || status === 'cancelled'
      ? `it is already ${status}, which is final.`
      : undefined,
};

/** The handlers of `createBatch`, the four lifecycle operations and `setBatchMetadata`. */
export function batchHandlers(store: V2Store, now: Clock): Record<string, Handler> {
  const world = store.world;

  /** The batch a lifecycle body names (400 without one, 404 unknown). */
  const batchOf = (body: unknown): BatchRecord => {
    const batch = resolveBatch(world, body as Json);
    if (!batch) {
      throw badRequest('Please include a batch_id or a batch_name.');
    }
    return batch;
  };

  /** Applies a move: refuses it (400) or sets the new status, bumping the batches' version. */
  const move = (
    batch: BatchRecord,
    action: keyof typeof refusals,
    to: BatchStatus,
  ): BatchRecord => {
    const refusal = refusals[action](batch.status);
    if (refusal !== undefined) {
      throw badRequest(`Batch ${batch.name} cannot be ${DONE[action]}: ${refusal}`);
    }
    if (batch.status !== to) {
      batch.status = to;
      world.batchesVersion += 1;
    }
    return batch;
  };

  return {
    createBatch: ({ body }) => {
      const request = body as Json;
      if (request.project_id === undefined && request.project_name === undefined) {
        throw badRequest('Please include a project_id or a project_name.');
      }
      const project = resolveProject(world, request);
      const name = request.name as string;
      if (name.trim() === '') {
        throw badRequest('name must not be empty.');
      }
      const taken = world.batchByName.get(name);
      if (taken) {
        // GET /v2/batch?batch_name= names no project, so a name must identify one batch.
        const where =
          taken.project === project?.index
            ? 'in this project'
            : `in project ${world.projects[taken.project]?.name} (a batch name identifies one batch of the account)`;
        throw conflict(`A batch named ${name} already exists ${where}.`);
      }
      const callback = str(request.callback);
      const batch = world.createBatch({
        name,
        project: (project as NonNullable<typeof project>).index,
        status: request.staging_batch === true ? 'staging' : 'in_progress',
        createdAt: now(),
        ...(callback === undefined ? {} : { callback }),
        metadata: isObject(request.metadata) ? structuredClone(request.metadata) : {},
      });
      return ok(world.renderBatch(batch));
    },

    finalizeBatch: ({ body }) =>
      ok(world.renderBatch(move(batchOf(body), 'finalize', 'in_progress'))),

    pauseBatch: ({ body }) =>
      ok({
        batch: world.renderBatch(move(batchOf(body), 'pause', 'paused')),
        message: 'Batch paused; its pending tasks are held until it is resumed.',
      }),

    resumeBatch: ({ body }) =>
      ok({
        batch: world.renderBatch(move(batchOf(body), 'resume', 'in_progress')),
        message: 'Batch resumed.',
      }),

    cancelBatch: ({ body }) => {
      const batch = move(batchOf(body), 'cancel', 'cancelled');
      const canceled = store.cancelPending(batch.index);
      return ok({
        batch: world.renderBatch(batch),
        message: `Batch cancelled; ${canceled} pending ${canceled === 1 ? 'task was' : 'tasks were'} canceled.`,
      });
    },

    setBatchMetadata: ({ body }) => {
      const request = body as { metadata: Json; merge?: boolean };
      const batch = batchOf(body);
      batch.metadata = request.merge
        ? deepMerge(batch.metadata, request.metadata)
        : structuredClone(request.metadata);
      return ok(world.renderBatch(batch));
    },
  };
}
