import { loadBundle } from '@scale-contracts/test-support';
import { describe, expect, it } from 'vitest';
import * as scale from '../src/scale.js';
import * as sgp from '../src/sgp.js';

const seedTask = (): Record<string, unknown> => {
  const example = loadBundle('scale').components.examples?.['v2-task-pending-full'] as {
    value: Record<string, unknown>;
  };
  return structuredClone(example.value);
};

describe('check', () => {
  it.each([
    ['a seed task', 'Task', seedTask(), true],
    ['a task with an unknown status', 'Task', { ...seedTask(), status: 'done' }, false],
    ['a short-form annotation', 'Annotation', { key: 'rating', value: 4 }, true],
    [
      'a short-form annotation with a type',
      'AnnotationSummary',
      { key: 'rating', value: 4, type: 'integer' },
      false,
    ],
    [
      'an integer annotation with a number',
      'Annotation',
      { id: 'a', key: 'k', type: 'integer', value: 3 },
      true,
    ],
    [
      'an integer annotation with a string',
      'Annotation',
      { id: 'a', key: 'k', type: 'integer', value: 'x' },
      false,
    ],
    [
      'an annotation of a future type',
      'Annotation',
      { id: 'a', key: 'k', type: 'heatmap', value: [[1]] },
      true,
    ],
    [
      'a date-time that is not one',
      'Project',
      { id: 'p', name: 'n', created_at: '2024-13-01' },
      false,
    ],
    ['a null next_token', 'GetTasksResponse', { tasks: [], next_token: null }, true],
  ] as const)('%s', (_name, schema, value, expected) => {
    expect(scale.check(schema, value)).toBe(expected);
  });

  it('narrows the value to the static type', () => {
    const value: unknown = seedTask();
    if (!scale.check('Task', value)) {
      throw new Error('seed task must validate');
    }
    expect(value.task_id).toBe('task_abc123');
  });

  it('rejects an unknown schema name with a clear error', () => {
    expect(() => scale.check('Tusk' as never, {})).toThrow(/unknown schema "Tusk"/);
  });
});

describe('errors', () => {
  it('reports every issue with its JSON pointer, beyond TypeBox’s default cap of 8', () => {
    const value = { tasks: Array.from({ length: 12 }, (_, index) => ({ task_id: index })) };
    const issues = scale.errors('GetTasksResponse', value);
    const taskIdTypeErrors = issues.filter(
      (issue) => /^\/tasks\/\d+\/task_id$/.test(issue.path) && issue.keyword === 'type',
    );
    expect(taskIdTypeErrors).toHaveLength(12);
    expect(issues).toContainEqual({
      path: '/tasks/0/project',
      keyword: 'required',
      message: 'must have required property project',
    });
  });

  it('stops at the limit', () => {
    const value = { tasks: Array.from({ length: 12 }, () => ({})) };
    expect(scale.errors('GetTasksResponse', value, { limit: 3 })).toHaveLength(3);
  });

  it('explains a bad annotation through the branch its type tag names', () => {
    const task = seedTask() as { threads: { annotations: unknown[] }[] };
    task.threads[0] = {
      ...task.threads[0],
      annotations: [{ id: 'a', key: 'k', type: 'boolean', value: 'yes' }],
    } as never;
    const issues = scale.errors('Task', task);
    expect(issues).toContainEqual({
      path: '/threads/0/annotations/0/value',
      keyword: 'type',
      message: 'must be boolean',
    });
    expect(
      issues.some((issue) => issue.path.endsWith('/value') && issue.message === 'must be integer'),
    ).toBe(false);
  });

  it('is empty for a valid value', () => {
    expect(scale.errors('Task', seedTask())).toEqual([]);
  });
});

describe('parse', () => {
  it('returns the same value, unchanged: no defaults, no coercion', () => {
    const body = { task_id: 'task_1', metadata: { a: 1 } };
    const before = structuredClone(body);
    const parsed = scale.parse('SetTaskMetadataRequest', body);
    expect(parsed).toBe(body);
    expect(body).toEqual(before); // `merge` has a default of false; it is not added
    expect(() => scale.parse('Limit' as never, '5')).toThrow(TypeError);
    expect(scale.check('V1TaskList', { docs: [], total: '0', limit: 100, has_more: false })).toBe(
      false,
    );
  });

  it('throws a ValidationError naming the schema and the first issues, with all issues attached', () => {
    const value = { docs: [], total: 'many', limit: 'all', has_more: 'no', next_token: 5 };
    let caught: unknown;
    try {
      scale.parse('V1TaskList', value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(scale.ValidationError);
    expect(caught).toBeInstanceOf(Error);
    const error = caught as scale.ValidationError;
    expect(error.name).toBe('ValidationError');
    expect(error.schema).toBe('V1TaskList');
    expect(error.issues.map((issue) => issue.path)).toEqual([
      '/total',
      '/limit',
      '/has_more',
      '/next_token',
    ]);
    expect(error.message).toBe(
      'V1TaskList is invalid: /total must be integer; /limit must be integer; /has_more must be boolean; and 1 more',
    );
  });
});

describe('validateResponse', () => {
  it('picks the schema of the status and content type', () => {
    expect(scale.validateResponse('getTask', 200, seedTask())).toEqual({ valid: true, issues: [] });
    expect(
      scale.validateResponse('getTask', 404, { status_code: 404, error: 'Task not found.' }).valid,
    ).toBe(true);
    expect(scale.validateResponse('getTask', '404', { status_code: '404' }).issues).toEqual([
      { path: '/status_code', keyword: 'type', message: 'must be number' },
    ]);
  });

  it('reports an undocumented status as an issue of its own', () => {
    expect(scale.validateResponse('getTask', 418, {}).issues).toEqual([
      {
        path: '',
        keyword: 'status',
        message:
          'status 418 is not documented for getTask (documented: 200, 400, 401, 402, 404, 429, 500, 503, 504)',
      },
    ]);
  });

  it('reports an undocumented content type', () => {
    const result = scale.validateResponse('getTask', 200, '<html>', {
      contentType: 'text/html; charset=utf-8',
    });
    expect(result.issues[0]).toMatchObject({ keyword: 'contentType', path: '' });
  });

  it('accepts null where SGP answers "nothing to claim"', () => {
    expect(sgp.validateResponse('claimEvaluationTask', 200, null).valid).toBe(true);
    expect(sgp.validateResponse('claimEvaluationTask', 200, 'none').valid).toBe(false);
  });

  it('covers the v1 task callback webhook', () => {
    const result = scale.validateRequest('taskCallback', {
      headers: { 'Scale-Callback-Auth': 'secret' },
      body: {
        task_id: 't',
        task: {
          task_id: 't',
          type: 'categorization',
          status: 'completed',
          created_at: '2024-01-01T00:00:00Z',
        },
      },
    });
    expect(result).toEqual({ valid: true, issues: [] });
  });
});

describe('validateRequest', () => {
  it('checks query parameters as typed values, with pointers into the part', () => {
    const result = scale.validateRequest('getTasks', {
      query: { project_id: 'p', limit: 101, status: 'done', expand: ['owner'] },
    });
    expect(result.issues.map((issue) => `${issue.path} ${issue.keyword}`)).toEqual([
      '/query/status enum',
      '/query/limit maximum',
      '/query/expand/0 enum',
    ]);
  });

  it('requires path parameters and a required body', () => {
    const result = sgp.validateRequest('batchAssignEvaluationTasks', { path: {} });
    expect(result.issues.map((issue) => `${issue.path} ${issue.keyword}`)).toEqual([
      '/path/evaluation_id required',
      '/body required',
    ]);
  });

  it('checks the body against the operation’s request schema', () => {
    const ok = sgp.validateRequest('batchAssignEvaluationTasks', {
      path: { evaluation_id: 'e' },
      body: { task_ids: ['t1'], assigned_to: 'u1' },
    });
    expect(ok.valid).toBe(true);
    const bad = sgp.validateRequest('batchAssignEvaluationTasks', {
      path: { evaluation_id: 'e' },
      body: { task_ids: [] },
    });
    expect(bad.issues).toEqual([
      { path: '/body/task_ids', keyword: 'minItems', message: expect.any(String) },
    ]);
  });
});
