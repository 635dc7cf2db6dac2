import { createScaleClient } from '@scale-contracts/client';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../src/vitest.js';
import { rewriteJson, startDriftProxy } from './support/drift-proxy.js';

const task = {
  task_id: 'task_1',
  project: 'project_1',
  status: 'completed',
  created_at: '2025-01-01T00:00:00Z',
};
const evaluationTask = {
  id: 'etask_1',
  task_type: 'EVALUATION_ANNOTATION',
  task_entity_parent_id: 'eval_1',
  task_entity_id: 'tcr_1',
  account_id: 'acct_1',
  status: 'PENDING',
  priority: 1,
};

describe('toMatchSchema', () => {
  it.each([
    ['a Scale task', 'scale', 'Task', task],
    [
      'a page of tasks with a null cursor',
      'scale',
      'GetTasksResponse',
      { tasks: [task], next_token: null },
    ],
    ['an SGP evaluation task', 'sgp', 'EvaluationTask', evaluationTask],
  ] as const)('passes %s', (_name, api, schema, value) => {
    expect(value).toMatchSchema(api as 'scale', schema as 'Task');
  });

  it.each([
    [
      'a wrong type',
      { ...task, created_at: 5 },
      /expected value to match scale schema Task, but it has 1 violation:\n {2}\/created_at: type — expected: must be string; actual: 5/,
    ],
    [
      'a missing property',
      { project: task.project, status: task.status, created_at: task.created_at },
      /\/task_id: required — expected: must have required property task_id; actual: \(absent\)/,
    ],
    [
      'several issues',
      { ...task, status: 'done', threads: 'none' },
      /2 violations:\n {2}\/status: enum — .*; actual: "done"\n {2}\/threads: type — expected: must be array; actual: "none"/,
    ],
  ])('fails on %s, naming the pointer', (_name, value, message) => {
    expect(() => expect(value).toMatchSchema('scale', 'Task')).toThrow(message);
  });

  it('works negated and as an asymmetric matcher', () => {
    expect({ ...task, created_at: 5 }).not.toMatchSchema('scale', 'Task');
    expect(() => expect(task).not.toMatchSchema('scale', 'Task')).toThrow(
      'expected value not to match scale schema Task, but it does',
    );
    expect({ page: { tasks: [task] } }).toEqual({
      page: expect.toMatchSchema('scale', 'GetTasksResponse'),
    });
  });

  it('rejects an unknown schema or API', () => {
    expect(() => expect(task).toMatchSchema('scale', 'Tusk' as 'Task')).toThrow(
      /unknown schema "Tusk"/,
    );
    expect(() => expect(task).toMatchSchema('scales' as 'scale', 'Task')).toThrow(
      /api must be "scale" or "sgp"/,
    );
  });
});

describe('toMatchOperation with { status, headers, body }', () => {
  it.each([
    [
      'a 200 with a task',
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: task },
    ],
    ['a documented 404', { status: 404, body: { status_code: 404, error: 'Task not found.' } }],
    [
      'Headers and a charset',
      {
        status: 200,
        headers: new Headers({ 'content-type': 'application/json; charset=utf-8' }),
        body: task,
      },
    ],
  ])('passes %s', (_name, response) => {
    expect(response).toMatchOperation('scale', 'getTask');
  });

  it.each([
    [
      'an undocumented status',
      { status: 418, body: task },
      /expected response \(418\) to match scale getTask, but it has 1 violation:\n {2}\(response\): status — expected: a documented status \(200, 400/,
    ],
    [
      'a wrong content type',
      { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' },
      /\(response\): contentType — expected: application\/json; actual: text\/plain/,
    ],
    [
      'an error body whose error is not a string',
      { status: 400, body: { status_code: 400, error: 5 } },
      /\/error: type — expected: must be string; actual: 5/,
    ],
  ])('fails on %s', (_name, response, message) => {
    expect(() => expect(response).toMatchOperation('scale', 'getTask')).toThrow(message);
  });

  it('checks SGP operations, including a null claim', () => {
    expect({ status: 200, body: null }).toMatchOperation('sgp', 'claimEvaluationTask');
    expect({
      status: 422,
      body: { detail: [{ loc: ['body'], msg: 'x', type: 'missing' }] },
    }).toMatchOperation('sgp', 'batchAssignEvaluationTasks');
    expect(() =>
      expect({ status: 200, body: [{ ...evaluationTask, priority: 'high' }] }).toMatchOperation(
        'sgp',
        'batchAssignEvaluationTasks',
      ),
    ).toThrow(/\/0\/priority: type — expected: must be integer; actual: "high"/);
  });

  it('says what it expected when given something that is not a response', () => {
    expect(() => expect(task).toMatchOperation('scale', 'getTask')).toThrow(
      /expected a response: \{ status, headers\?, body \}/,
    );
  });
});

describe('toMatchOperation with openapi-fetch results from a real server', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ size: 50 });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('passes a 200 and a documented 404 of the typed client', async () => {
    const client = createScaleClient({
      apiKey: mock.apiKeys.scale,
      baseUrl: mock.url,
      logLevel: 'off',
    });
    const projects = await client.raw.GET('/v2/projects');
    expect(projects).toMatchOperation('scale', 'getProjects');
    const missing = await client.raw.GET('/v2/task', {
      params: { query: { task_id: 'no_such_task' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing).toMatchOperation('scale', 'getTask');
  });

  it('fails a drifted response with the pointer', async () => {
    const proxy = await startDriftProxy(
      mock.url,
      rewriteJson('GET', '/v2/projects', (body) => ({
        projects: (body.projects as Record<string, unknown>[]).map((project) => ({
          ...project,
          created_at: 5,
        })),
      })),
    );
    try {
      const client = createScaleClient({
        apiKey: mock.apiKeys.scale,
        baseUrl: proxy.url,
        logLevel: 'off',
      });
      const result = await client.raw.GET('/v2/projects');
      expect(() => expect(result).toMatchOperation('scale', 'getProjects')).toThrow(
        /\/projects\/0\/created_at: type — expected: must be string; actual: 5/,
      );
    } finally {
      await proxy.close();
    }
  });
});
