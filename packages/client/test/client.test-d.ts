import type {
  Annotation,
  Batch,
  BatchOperationResponse,
  Dataset,
  DatasetDelivery,
  DatasetTask,
  GetDatasetDeliveryResponse,
  GetDatasetTasksResponse,
  GetSchemaResponse,
  Task,
} from '@scale-contracts/types/scale';
import type { EvaluationTask } from '@scale-contracts/types/sgp';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type BatchRef,
  createScaleClient,
  createSgpClient,
  type Paginator,
  type ParsedSchema,
} from '../src/index.js';

const scale = createScaleClient({ apiKey: 'k' });
const sgp = createSgpClient({ apiKey: 'k' });

describe('client types', () => {
  it('returns the spec’s types', () => {
    expectTypeOf(scale.tasks.get('t')).resolves.toEqualTypeOf<Task>();
    expectTypeOf(scale.tasks.list({ project_id: 'p' })).toEqualTypeOf<
      Paginator<Task, { tasks: Task[]; next_token?: string | null }>
    >();
    expectTypeOf(sgp.evaluations.tasks.claim('e')).resolves.toEqualTypeOf<EvaluationTask | null>();
  });

  it('rejects wrong parameters and bodies', () => {
    // @ts-expect-error a task id is a string
    scale.tasks.get(42);
    // @ts-expect-error 'owner' cannot be expanded
    scale.tasks.get('t', { expand: ['owner'] });
    // @ts-expect-error limit is a number
    scale.tasks.list({ project_id: 'p', limit: '10' });
    // @ts-expect-error status is one of the task statuses
    scale.tasks.list({ project_id: 'p', status: 'done' });
    // @ts-expect-error template_variables is an object
    scale.tasks.createChat({ project_name: 'p', template_variables: 'prompt' });
    // @ts-expect-error not a task type
    scale.v1.tasks.create('painting', {});
    // @ts-expect-error task_ids is required
    sgp.evaluations.tasks.batchAssign('e', { assigned_to: 'u' });
    // @ts-expect-error the raw client knows the query task_id is required
    scale.raw.GET('/v2/task', { params: { query: {} } });
    // @ts-expect-error no such path
    scale.raw.GET('/v2/tasks/all');
  });

  it('rejects unknown options', () => {
    // @ts-expect-error auth is bearer or basic
    createScaleClient({ apiKey: 'k', auth: 'token' });
    // @ts-expect-error validate is off, warn or strict
    createSgpClient({ apiKey: 'k', validate: true });
  });
});

describe('v2 batches, annotations, datasets and schemas', () => {
  it('returns the spec’s types', () => {
    expectTypeOf(
      scale.batches.create({ name: 'b', project_id: 'p' }),
    ).resolves.toEqualTypeOf<Batch>();
    expectTypeOf(scale.batches.finalize({ batch_id: 'b' })).resolves.toEqualTypeOf<Batch>();
    expectTypeOf(
      scale.batches.pause({ batch_name: 'b' }),
    ).resolves.toEqualTypeOf<BatchOperationResponse>();
    expectTypeOf(
      scale.batches.resume({ batch_id: 'b' }),
    ).resolves.toEqualTypeOf<BatchOperationResponse>();
    expectTypeOf(
      scale.batches.cancel({ batch_id: 'b' }),
    ).resolves.toEqualTypeOf<BatchOperationResponse>();
    expectTypeOf(
      scale.batches.setMetadata({ batch_id: 'b', metadata: {}, merge: true }),
    ).resolves.toEqualTypeOf<Batch>();
    expectTypeOf(scale.annotations.get('a')).resolves.toEqualTypeOf<Annotation>();
    expectTypeOf(scale.datasets.list()).resolves.toEqualTypeOf<Dataset[]>();
    expectTypeOf(scale.datasets.deliveries()).resolves.toEqualTypeOf<DatasetDelivery[]>();
    expectTypeOf(scale.datasets.delivery({ delivery_id: 'd' })).toEqualTypeOf<
      Paginator<DatasetTask, GetDatasetDeliveryResponse>
    >();
    expectTypeOf(scale.datasets.tasks({ dataset_id: 'd' })).toEqualTypeOf<
      Paginator<DatasetTask, GetDatasetTasksResponse>
    >();
    expectTypeOf(
      scale.datasets.task('t', { expand: ['dataset'] }),
    ).resolves.toEqualTypeOf<DatasetTask>();
    expectTypeOf(scale.datasets.responseUrl('t', 'a')).resolves.toEqualTypeOf<string>();
    expectTypeOf(scale.schemas.get('s')).resolves.toEqualTypeOf<GetSchemaResponse>();
    expectTypeOf(scale.schemas.getParsed('s')).resolves.toEqualTypeOf<ParsedSchema>();
    expectTypeOf<ParsedSchema['schema']>().toEqualTypeOf<Record<string, unknown>>();
  });

  it('a batch is named by exactly one of batch_id and batch_name', () => {
    expectTypeOf<{ batch_id: string }>().toExtend<BatchRef>();
    expectTypeOf<{ batch_name: string }>().toExtend<BatchRef>();
    expectTypeOf<{ batch_id: string; batch_name: string }>().not.toExtend<BatchRef>();
    expectTypeOf<Record<never, never>>().not.toExtend<BatchRef>();
    // @ts-expect-error neither batch_id nor batch_name
    scale.batches.pause({});
    // @ts-expect-error both batch_id and batch_name
    scale.batches.pause({ batch_id: 'a', batch_name: 'b' });
    // @ts-expect-error both, on the other lifecycle calls too
    scale.batches.finalize({ batch_id: 'a', batch_name: 'b' });
    // @ts-expect-error neither
    scale.batches.resume({});
    // @ts-expect-error neither
    scale.batches.cancel({});
    // @ts-expect-error setMetadata names the batch too
    scale.batches.setMetadata({ metadata: {} });
    // @ts-expect-error and only once
    scale.batches.setMetadata({ batch_id: 'a', batch_name: 'b', metadata: {} });
    // @ts-expect-error a new batch needs its project, by id or by name
    scale.batches.create({ name: 'b' });
    // @ts-expect-error but not both
    scale.batches.create({ name: 'b', project_id: 'p', project_name: 'q' });
    // @ts-expect-error a name is required
    scale.batches.create({ project_id: 'p' });
  });

  it('rejects wrong dataset parameters', () => {
    // @ts-expect-error 'project' cannot be expanded on a dataset task
    scale.datasets.tasks({ dataset_id: 'd', expand: ['project'] });
    // @ts-expect-error deliveries expand only 'dataset'
    scale.datasets.deliveries({ expand: ['delivery'] });
    // @ts-expect-error an attachment id is required
    scale.datasets.responseUrl('t');
    scale.raw.GET('/v2/datasets/task/{taskId}/response_url/{attachmentId}', {
      // @ts-expect-error the raw client knows both path parameters
      params: { path: { taskId: 't' } },
    });
  });
});
