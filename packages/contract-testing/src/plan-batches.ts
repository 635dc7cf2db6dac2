import {
  missing,
  none,
  objectOf,
  refOf,
  stateViolation,
  stringOf,
  WRITES_OFF,
} from './plan-helpers.js';
import type { PlanContext } from './plan-scale.js';
import { refuse } from './plan-semantics.js';
import type { Exchange, Session } from './session.js';
import type { Violation } from './types.js';

const API = 'scale';
const LIFECYCLE = ['finalizeBatch', 'pauseBatch', 'resumeBatch', 'cancelBatch'] as const;
const WRITES = ['createBatch', ...LIFECYCLE, 'setBatchMetadata'];

/** The batch in a response: the body itself (`Batch`) or its `batch` (`BatchOperationResponse`). */
const batchOf = (body: unknown) => objectOf(objectOf(body)?.batch) ?? objectOf(body);

/** The batch is in `status` (at `/status`, or `/batch/status` in a BatchOperationResponse). */
const inStatus =
  (status: string) =>
  (body: unknown): Violation[] => {
    const nested = objectOf(objectOf(body)?.batch) !== undefined;
    const actual = batchOf(body)?.status;
    return actual === status
      ? []
      : [stateViolation(nested ? '/batch/status' : '/status', JSON.stringify(status), actual)];
  };

/** Each of `expected`'s keys is in the batch's metadata with its value. */
const hasMetadata =
  (expected: Record<string, unknown>) =>
  (body: unknown): Violation[] => {
    const metadata = objectOf(batchOf(body)?.metadata);
    return Object.entries(expected)
      .filter(([key, value]) => metadata?.[key] !== value)
      .map(([key, value]) =>
        stateViolation(`/metadata/${key}`, JSON.stringify(value), metadata?.[key]),
      );
  };

const both =
  (...asserts: ((body: unknown) => Violation[])[]) =>
  (body: unknown) =>
    asserts.flatMap((assert) => assert(body));

/**
 * The v2 batch writes. Without writes: bodies a conforming server must refuse, which change
 * nothing (no name, no batch, no metadata, unknown batches). With `allowWrites`, the lifecycle
 * of a batch this run creates (`scale-contracts-<run>`): create it in staging (and a 409 for
 * its name again) → finalize (in_progress) → pause → resume → merge metadata (and read it
 * back) → cancel → pausing the cancelled batch is refused with 400. Every refusal must carry
 * the documented error body.
 */
export async function planBatches(
  s: Session,
  context: PlanContext & { projectId?: string; projectName?: string },
): Promise<void> {
  const { runId, projectId, projectName } = context;
  const project = projectId ? { project_id: projectId } : { project_name: projectName };
  const unknown = missing(runId, 'batch');

  await refuse(
    s,
    API,
    'createBatch',
    'without name',
    { body: { ...project, staging_batch: true } },
    400,
  );
  await refuse(
    s,
    API,
    'createBatch',
    'without project_id or project_name',
    { body: { name: `scale-contracts-${runId}-no-project`, staging_batch: true } },
    400,
  );
  for (const operationId of LIFECYCLE) {
    await refuse(s, API, operationId, 'without batch_id or batch_name', { body: {} }, 400);
    await refuse(s, API, operationId, 'an unknown batch_id', { body: { batch_id: unknown } }, 404);
  }
  await refuse(
    s,
    API,
    'setBatchMetadata',
    'without metadata',
    { body: { batch_id: unknown, merge: true } },
    400,
  );
  await refuse(
    s,
    API,
    'setBatchMetadata',
    'an unknown batch_id',
    { body: { batch_id: unknown, metadata: { scale_contracts_run: runId } } },
    404,
  );

  if (!context.allowWrites) {
    for (const operationId of WRITES) {
      s.skip(API, operationId, 'write checks', WRITES_OFF);
    }
    return;
  }
  s.info('scale: batch lifecycle');
  if (!projectId && !projectName) {
    for (const operationId of WRITES) {
      s.skip(API, operationId, 'the batch lifecycle', none('project'));
    }
    return;
  }
  const name = `scale-contracts-${runId}`;
  const createBody = {
    name,
    ...project,
    staging_batch: true,
    metadata: { scale_contracts_run: runId },
  };
  const created = await s.check(
    API,
    'createBatch',
    'create a staging batch named with the run id',
    { body: createBody },
    'success',
  );
  s.state(
    API,
    'createBatch',
    'a created batch reads back as written (staging, name, project, metadata)',
    created,
    both(
      inStatus('staging'),
      (body) =>
        batchOf(body)?.name === name
          ? []
          : [stateViolation('/name', JSON.stringify(name), batchOf(body)?.name)],
      (body) => {
        const actual = batchOf(body)?.project;
        const ok = projectId ? refOf(actual) === projectId : refOf(actual, 'name') !== undefined;
        return ok
          ? []
          : [stateViolation('/project', JSON.stringify(projectId ?? projectName), actual)];
      },
      hasMetadata({ scale_contracts_run: runId }),
    ),
  );
  await refuse(s, API, 'createBatch', 'its name again', { body: createBody }, 409);
  const batchId = stringOf(batchOf(created?.body)?.id);
  if (!batchId) {
    for (const operationId of [...LIFECYCLE, 'setBatchMetadata']) {
      s.skip(API, operationId, 'the batch lifecycle', none('created batch'));
    }
    return;
  }
  const target = { batch_id: batchId };
  const step = async (operationId: string, checkName: string, status: string) => {
    const exchange: Exchange | undefined = await s.check(
      API,
      operationId,
      checkName,
      { body: target },
      'success',
    );
    s.state(API, operationId, `the batch is then ${status}`, exchange, inStatus(status));
  };
  await step('finalizeBatch', 'finalize the staging batch', 'in_progress');
  await step('pauseBatch', 'pause it', 'paused');
  await step('resumeBatch', 'resume it', 'in_progress');

  const merged = { scale_contracts_run: runId, scale_contracts_step: 'merged' };
  const metadata = await s.check(
    API,
    'setBatchMetadata',
    'merge a key into its metadata',
    { body: { ...target, metadata: { scale_contracts_step: 'merged' }, merge: true } },
    'success',
  );
  s.state(
    API,
    'setBatchMetadata',
    'the merge keeps the metadata it was created with',
    metadata,
    hasMetadata(merged),
  );
  await s.check(
    API,
    'getBatch',
    'the created batch reads back by name, in_progress with the merged metadata',
    { query: { batch_name: name } },
    'success',
    {
      stateful: true,
      assert: (exchange) => both(inStatus('in_progress'), hasMetadata(merged))(exchange.body),
    },
  );

  await step('cancelBatch', 'cancel it', 'cancelled');
  await refuse(s, API, 'pauseBatch', 'pausing the cancelled batch', { body: target }, 400, {
    stateful: true,
  });
}
