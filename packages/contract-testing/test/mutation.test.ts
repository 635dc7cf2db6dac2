import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, formatText, type Report, verify } from '../src/index.js';
import {
  type Drift,
  type DriftSpec,
  ignoreQuery,
  type ProxiedResponse,
  rewriteJson,
  startDriftProxy,
} from './support/drift-proxy.js';

// A mutation test of the suite itself: each mutant is the mock behind a proxy that breaks one
// promise of the spec; `verify` must fail on every one of them, on the check that judges that
// promise, and pass the clean proxy. The mutation score (killed/total) goes to stdout and to
// .vitest/mutation.json.

const keys = { scale: 'mutation_test_scale_key_0123', sgp: 'mutation_test_sgp_key_4567' };
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ apiKeys: keys });
});
afterAll(async () => {
  await mock.close();
});

const json = (status: number, body: unknown): ProxiedResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const without = (body: Record<string, unknown>, key: string) => {
  const { [key]: _removed, ...rest } = body;
  return rest;
};
const docsOf = (body: Record<string, unknown>) => body.docs as Record<string, unknown>[];

/** A cursor the mock never issued; the mutant serves an empty page that carries it again. */
const MORE = 'drift-there-is-always-more';
const lastPageKeepsCursor: Drift = (request, response) => {
  if (request.method !== 'GET' || request.path !== '/v2/datasets/delivery') {
    return undefined;
  }
  if (request.query.get('next_token') === MORE) {
    return json(200, { delivery: request.query.get('delivery_id'), tasks: [], next_token: MORE });
  }
  const body = response.status === 200 ? JSON.parse(response.body) : undefined;
  return body && body.next_token === undefined
    ? json(200, { ...body, next_token: MORE })
    : undefined;
};

const SET_METADATA = /^\/v1\/task\/[^/]+\/setMetadata$/;

interface Mutant {
  mutant: string;
  api: Api;
  writes?: boolean;
  drift: Drift | DriftSpec;
  /** The check that must fail: its operation and a fragment of its name (or a pattern). */
  operationId: string;
  check: string | RegExp;
}

const mutants: Mutant[] = [
  {
    mutant: 'a field renamed (task_id → taskId)',
    api: 'scale',
    drift: rewriteJson('GET', '/v2/task', (body) => ({
      ...without(body, 'task_id'),
      taskId: body.task_id,
    })),
    operationId: 'getTask',
    check: 'by task_id',
  },
  {
    mutant: 'a field retyped (created_at: 5)',
    api: 'scale',
    drift: rewriteJson('GET', /^\/v1\/task\/[^/]+$/, (body) => ({ ...body, created_at: 5 })),
    operationId: 'getV1Task',
    check: 'by task_id',
  },
  {
    mutant: 'an enum value added (a task status "archived")',
    api: 'scale',
    drift: rewriteJson('GET', '/v2/tasks', (body) => ({
      ...body,
      tasks: (body.tasks as object[]).map((task) => ({ ...task, status: 'archived' })),
    })),
    operationId: 'getTasks',
    check: 'by project_id, limit=2',
  },
  {
    mutant: 'the content type changed (text/plain)',
    api: 'scale',
    drift: rewriteJson('GET', '/v2/project', (body) => body, { contentType: 'text/plain' }),
    operationId: 'getProject',
    check: 'by project_id',
  },
  {
    mutant: 'auth ignored (a keyless request answered 200)',
    api: 'scale',
    drift: {
      request: (request) =>
        request.path === '/v2/projects' && request.headers.authorization === undefined
          ? { ...request, headers: { ...request.headers, authorization: `Bearer ${keys.scale}` } }
          : undefined,
    },
    operationId: 'getProjects',
    check: 'no API key is answered 401',
  },
  {
    mutant: 'limit ignored (getTasks)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/tasks', ['limit']) },
    operationId: 'getTasks',
    check: 'limit=2 bounds the page',
  },
  {
    mutant: 'a status filter ignored (getTasks status)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/tasks', ['status']) },
    operationId: 'getTasks',
    // The status is one the unfiltered first page does not hold throughout (pending here).
    check: /^status=\w+ holds for every task returned$/,
  },
  {
    mutant: 'a project filter ignored (getBatches project_id)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/batches', ['project_id']) },
    operationId: 'getBatches',
    check: 'project_id holds for every batch returned',
  },
  {
    mutant: 'a type filter ignored (v1 type)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v1/tasks', ['type']) },
    operationId: 'listV1Tasks',
    check: 'type holds for every task returned',
  },
  {
    mutant: 'a time window ignored (getTasks completed_after)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/tasks', ['completed_after']) },
    operationId: 'getTasks',
    check: 'completed_after and completed_before hold for every task returned',
  },
  {
    mutant: 'a time window ignored (v1 end_time)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v1/tasks', ['end_time']) },
    operationId: 'listV1Tasks',
    check: 'start_time and end_time hold for every task returned',
  },
  {
    mutant: 'a time window ignored (dataset deliveries delivered_after)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/datasets/deliveries', ['delivered_after']) },
    operationId: 'getDatasetDeliveries',
    check: 'delivered_after and delivered_before hold for every delivery returned',
  },
  {
    mutant: 'expand ignored (getTasks)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/tasks', ['expand']) },
    operationId: 'getTasks',
    check: 'expand=project,batch turns project and batch into objects',
  },
  {
    mutant: 'expand ignored (dataset deliveries)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/datasets/deliveries', ['expand']) },
    operationId: 'getDatasetDeliveries',
    check: 'expand=dataset turns dataset into an object',
  },
  {
    mutant: 'opts ignored (getTask)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/task', ['opts']) },
    operationId: 'getTask',
    check: 'opts=annotation_details adds detailed annotations',
  },
  {
    mutant: 'the same next_token forever (getBatches ignores the cursor)',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v2/batches', ['next_token']) },
    operationId: 'getBatches',
    check: 'next_token advances: the next page repeats no id',
  },
  {
    mutant: 'a last page that still carries a next_token (dataset delivery)',
    api: 'scale',
    drift: lastPageKeepsCursor,
    operationId: 'getDatasetDelivery',
    check: 'the last page has no next_token and ends the walk',
  },
  {
    mutant: 'v1 has_more: true on a last page',
    api: 'scale',
    drift: rewriteJson('GET', '/v1/tasks', (body) => ({ ...body, has_more: true }), {
      when: (request, status) => status === 200 && request.query.has('unique_id'),
    }),
    operationId: 'listV1Tasks',
    check: 'a listing of one unique_id is its last page',
  },
  {
    mutant: 'v1 offset ignored',
    api: 'scale',
    drift: { request: ignoreQuery('GET', '/v1/tasks', ['offset']) },
    operationId: 'listV1Tasks',
    check: 'offset=1 skips one',
  },
  {
    mutant: 'v1 pages oldest first',
    api: 'scale',
    drift: rewriteJson('GET', '/v1/tasks', (body) => ({
      ...body,
      docs: [...docsOf(body)].reverse(),
    })),
    operationId: 'listV1Tasks',
    check: 'tasks come newest first',
  },
  {
    mutant: 'getDeliveryTasks total is the overall total, not the page',
    api: 'scale',
    drift: rewriteJson('GET', '/v2/delivery/tasks', (body) => ({ ...body, total: 56 })),
    operationId: 'getDeliveryTasks',
    check: 'total counts the docs of the page',
  },
  {
    mutant: 'an error body reshaped ({ error: { message } })',
    api: 'scale',
    drift: rewriteJson(
      'GET',
      '/v2/task',
      (body) => ({ error: { message: body.error, code: body.status_code } }),
      { when: (_request, status) => status >= 400 && status < 500 },
    ),
    operationId: 'getTask',
    check: 'an unknown task_id is rejected (4xx) with the documented error body',
  },
  {
    mutant: 'an error body that names another status (status_code 400 on a 404)',
    api: 'scale',
    drift: rewriteJson('GET', '/v2/schema', (body) => ({ ...body, status_code: 400 }), {
      when: (_request, status) => status === 404,
    }),
    operationId: 'getSchema',
    check: 'an unknown schema_id is answered 404 with the documented error body',
  },
  {
    mutant: 'a 404 answered 200 (an unknown annotation)',
    api: 'scale',
    drift: rewriteJson(
      'GET',
      '/v2/annotation',
      () => ({ id: 'an_fabricated', key: 'quality', type: 'text', value: 'fine' }),
      { status: 200, when: (_request, status) => status === 404 },
    ),
    operationId: 'getAnnotation',
    check: 'an unknown annotation_id is answered 404',
  },
  {
    mutant: 'a write that does not read back (v1 setMetadata answered, not kept)',
    api: 'scale',
    writes: true,
    drift: {
      request: (request) =>
        request.method === 'POST' && SET_METADATA.test(request.path)
          ? { ...request, body: '{}' }
          : undefined,
      response: rewriteJson('POST', SET_METADATA, (body, request) => ({
        ...body,
        metadata: JSON.parse(request.body ?? '{}'),
      })),
    },
    operationId: 'getV1Task',
    check: 'the created task reads back by task_id as last written',
  },
  {
    mutant: 'a replace that merges (v2 setTaskMetadata without merge)',
    api: 'scale',
    writes: true,
    drift: {
      request: (request) => {
        const body = request.body === undefined ? undefined : JSON.parse(request.body);
        return request.path === '/v2/task/metadata' && body && body.merge === undefined
          ? { ...request, body: JSON.stringify({ ...body, merge: true }) }
          : undefined;
      },
    },
    operationId: 'setTaskMetadata',
    check: 'without merge, the metadata is replaced by the one sent',
  },
  {
    mutant: 'a batch that does not pause',
    api: 'scale',
    writes: true,
    drift: rewriteJson('POST', '/v2/batch/pause', (body) => ({
      ...body,
      batch: { ...(body.batch as object), status: 'in_progress' },
    })),
    operationId: 'pauseBatch',
    check: 'the batch is then paused',
  },
  {
    mutant: 'SGP assigned_to ignored (the task stays with someone else)',
    api: 'sgp',
    writes: true,
    drift: rewriteJson('PATCH', /\/tasks\/(?!batch-assign$)[^/]+$/, (body) => ({
      ...body,
      assigned_to: 'user_someone_else',
    })),
    operationId: 'updateEvaluationTask',
    check: 'the reassigned task reads back as written',
  },
  {
    mutant: 'SGP claim ignores the default task_type',
    api: 'sgp',
    writes: true,
    drift: rewriteJson('POST', /\/claim-task$/, (body) => ({
      ...body,
      task_type: 'EVALUATION_AUDIT',
    })),
    operationId: 'claimEvaluationTask',
    check: 'without task_type, the claimed task is an EVALUATION_ANNOTATION',
  },
];

const run = (url: string, api: Api, writes: boolean) =>
  verify({
    baseUrl: url,
    api,
    scaleApiKey: keys.scale,
    sgpApiKey: keys.sgp,
    evaluationIds: mock.fixtures.evaluationIds.slice(0, 1),
    allowWrites: writes,
    requestsPerSecond: Number.POSITIVE_INFINITY,
  });

/** `operationId: check name` of every failed check. */
const failedChecks = (report: Report) =>
  report.operations.flatMap((operation) =>
    operation.checks
      .filter((check) => !check.ok)
      .map((check) => `${operation.operationId}: ${check.name}`),
  );

const results: { mutant: string; killed: boolean; failed: string[] }[] = [];
const started = Date.now();

afterAll(() => {
  const killed = results.filter((result) => result.killed).length;
  const summary = {
    score: `${killed}/${mutants.length}`,
    killed,
    total: mutants.length,
    durationMs: Date.now() - started,
    mutants: results,
  };
  const dir = fileURLToPath(new URL('../.vitest/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}mutation.json`, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(
    `mutation score ${summary.score} in ${(summary.durationMs / 1000).toFixed(1)} s${
      killed < mutants.length
        ? `; survived: ${results
            .filter((result) => !result.killed)
            .map((result) => result.mutant)
            .join('; ')}`
        : ''
    }\n`,
  );
});

describe('verify kills every mutant of the mock', () => {
  it.each([
    { api: 'scale' as const, writes: true },
    { api: 'sgp' as const, writes: true },
  ])('passes the clean proxy ($api, writes)', async ({ api, writes }) => {
    const proxy = await startDriftProxy(mock.url, () => undefined);
    try {
      const report = await run(proxy.url, api, writes);
      expect(report.totals.failed, formatText(report, { failuresOnly: true })).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it.each(mutants)('kills $mutant', async ({ mutant, api, writes, drift, operationId, check }) => {
    const proxy = await startDriftProxy(mock.url, drift);
    try {
      const report = await run(proxy.url, api, writes ?? false);
      const failed = failedChecks(report);
      const named = (name: string) =>
        typeof check === 'string' ? name.includes(check) : check.test(name);
      const killed = failed.some(
        (name) => name.startsWith(`${operationId}: `) && named(name.slice(operationId.length + 2)),
      );
      results.push({ mutant, killed, failed });
      expect(proxy.hits.length, 'the mutant changed nothing').toBeGreaterThan(0);
      expect(report.totals.failed).toBeGreaterThan(0);
      expect(killed, formatText(report, { failuresOnly: true })).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
