import type { Task } from '@scale-contracts/types/scale';
import type { EvaluationTask } from '@scale-contracts/types/sgp';
import { describe, expectTypeOf, it } from 'vitest';
import { createScaleClient, createSgpClient, type Paginator } from '../src/index.js';

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
