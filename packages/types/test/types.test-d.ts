import { describe, expectTypeOf, it } from 'vitest';
import type { scale, sgp } from '../src/index.js';
import type {
  Annotation,
  AnnotationSummary,
  GetTasksResponse,
  IntegerAnnotation,
  KnownAnnotation,
  paths,
  Task,
  V1Task,
  webhooks,
} from '../src/scale.js';
import type { EvaluationTask, paths as sgpPaths } from '../src/sgp.js';

describe('scale v2 types', () => {
  it('names one type per component schema, equal to components["schemas"][name]', () => {
    expectTypeOf<Task>().toEqualTypeOf<scale.components['schemas']['Task']>();
    expectTypeOf<scale.Task>().toEqualTypeOf<Task>();
  });

  it('keeps task status a closed union', () => {
    expectTypeOf<Task['status']>().toEqualTypeOf<
      'pending' | 'completed' | 'canceled' | 'error' | 'deleted'
    >();
  });

  it('narrows a known annotation by its type tag', () => {
    expectTypeOf<
      Extract<KnownAnnotation, { type: 'integer' }>
    >().toEqualTypeOf<IntegerAnnotation>();
    expectTypeOf<IntegerAnnotation['value']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Extract<KnownAnnotation, { type: 'category_multiple' }>['value']>().toEqualTypeOf<
      string[] | undefined
    >();
  });

  it('tells the short form apart: it never has a type', () => {
    expectTypeOf<AnnotationSummary['type']>().toEqualTypeOf<undefined>();
    expectTypeOf<AnnotationSummary>().toMatchTypeOf<Annotation>();
  });

  it('keeps next_token nullable and optional (absent on the last page)', () => {
    expectTypeOf<GetTasksResponse['next_token']>().toEqualTypeOf<string | null | undefined>();
  });

  it('types the query of GET /v2/tasks as the spec declares it', () => {
    type Query = NonNullable<paths['/v2/tasks']['get']['parameters']['query']>;
    expectTypeOf<Query['limit']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Query['expand']>().toEqualTypeOf<('project' | 'batch')[] | undefined>();
    expectTypeOf<Query['opts']>().toEqualTypeOf<
      | ('annotation_details' | 'attachment_details' | 'model_parameters' | 'submissions')[]
      | undefined
    >();
  });

  it('rejects wrong shapes', () => {
    // @ts-expect-error created_at is required
    const missing: Task = { task_id: 't', project: 'p', status: 'pending' };
    // @ts-expect-error 'done' is not a task status
    const badStatus: Task = { task_id: 't', project: 'p', status: 'done', created_at: 'x' };
    const badBody: paths['/v2/task/metadata']['post']['requestBody']['content']['application/json'] =
      {
        task_id: 't',
        metadata: {},
        // @ts-expect-error merge is a boolean
        merge: 'yes',
      };
    expectTypeOf([missing, badStatus, badBody]).toBeArray();
  });
});

describe('scale v1 types', () => {
  it('accepts any task type string in responses', () => {
    expectTypeOf<V1Task['type']>().toEqualTypeOf<string>();
  });

  it('describes the callback webhook with its auth header', () => {
    type Callback = webhooks['taskCallback']['post'];
    expectTypeOf<Callback['parameters']['header']['scale-callback-auth']>().toEqualTypeOf<string>();
  });
});

describe('sgp types', () => {
  it('returns a task or null from claim-task', () => {
    type Claimed =
      sgpPaths['/v4/evaluations/{evaluation_id}/claim-task']['post']['responses'][200]['content']['application/json'];
    expectTypeOf<Claimed>().toEqualTypeOf<EvaluationTask | null>();
    expectTypeOf<sgp.EvaluationTask>().toEqualTypeOf<EvaluationTask>();
  });

  it('requires task_ids when batch-assigning', () => {
    type Body =
      sgpPaths['/v4/evaluations/{evaluation_id}/tasks/batch-assign']['patch']['requestBody']['content']['application/json'];
    // @ts-expect-error task_ids is required
    const body: Body = { assigned_to: 'user_1' };
    expectTypeOf(body).toEqualTypeOf<Body>();
  });
});
