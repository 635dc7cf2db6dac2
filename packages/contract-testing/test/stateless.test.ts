import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, verify } from '../src/index.js';
import { runCli } from './support/cli.js';
import { type Drift, rewriteJson, startDriftProxy } from './support/drift-proxy.js';

// Keys that share no 8 characters with a report's words (a piece of a key is redacted too).
const keys = { scale: 'sk_9f8e7d6c5b4a3210', sgp: 'gk_0123abcd4567ef89' };
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ apiKeys: keys });
});
afterAll(async () => {
  await mock.close();
});

const run = (url: string, options: { stateless?: boolean; api?: 'scale' | 'sgp' | 'all' } = {}) =>
  verify({
    baseUrl: url,
    api: options.api ?? 'scale',
    scaleApiKey: keys.scale,
    sgpApiKey: keys.sgp,
    evaluationIds: mock.fixtures.evaluationIds.slice(0, 1),
    allowWrites: true,
    stateless: options.stateless ?? false,
    requestsPerSecond: Number.POSITIVE_INFINITY,
  });

/** `operationId: check name` → the check. */
const checksOf = (report: Report) =>
  new Map(
    report.operations.flatMap((operation) =>
      operation.checks.map(
        (check) => [`${operation.operationId}: ${check.name}` as string, check] as const,
      ),
    ),
  );
const violationsOf = (report: Report) =>
  report.operations.flatMap((operation) =>
    operation.checks.flatMap((check) =>
      check.violations.map((violation) => ({
        operationId: operation.operationId,
        check: check.name,
        ...violation,
      })),
    ),
  );

describe('verify with stateless: true', () => {
  let full: Report;
  let stateless: Report;
  beforeAll(async () => {
    [full, stateless] = await Promise.all([
      run(mock.url, { api: 'all' }),
      run(mock.url, { api: 'all', stateless: true }),
    ]);
  });

  it('runs a subset that a stateful server passes too, skipping the rest as "needs server state"', () => {
    expect(violationsOf(stateless)).toEqual([]);
    expect(stateless.stateless).toBe(true);
    expect(full.stateless).toBe(false);
    // Same plan, same checks: only which of them run differs.
    expect(stateless.totals.checks).toBe(full.totals.checks);
    // The full run skips only the last-page checks of walks that outlast the cap, and (in both
    // runs) the keyless refusals of the v1 types the run does not create: no positive control.
    const uncontrolled = /^no positive control passed for createV1\w+Task$/;
    const reasonsOf = (report: Report) =>
      new Set(
        report.operations.flatMap((operation) =>
          operation.checks.flatMap((check) =>
            check.skipped && !uncontrolled.test(check.skipped) ? [check.skipped] : [],
          ),
        ),
      );
    expect(reasonsOf(full)).toEqual(
      new Set(['the walk reached its cap (3 pages of 2) before the last page']),
    );
    expect([...reasonsOf(stateless)]).toEqual(['needs server state']);
    // A skipped check is never counted as passed, and sends nothing.
    expect(stateless.totals.passed + stateless.totals.skipped).toBe(stateless.totals.checks);
    // Every check that passed sent a request, but for the pure functions of a response an
    // earlier check got (a page holds at most `limit` items, `total` counts the page).
    const pure = stateless.operations
      .flatMap((operation) => operation.checks)
      .filter(
        (check) => !check.skipped && /bounds the page|total counts the docs/.test(check.name),
      );
    expect(pure.length).toBe(8);
    // The negative checks not counted (no positive control) were sent, and so was the preflight.
    expect(stateless.requests).toBe(
      stateless.totals.passed -
        pure.length +
        (stateless.totals.notCounted ?? 0) +
        (stateless.preflight?.length ?? 0),
    );
    expect(stateless.totals.skipped).toBeGreaterThan(30);
  });

  it.each([
    // Made-up keys: only a server that knows the keys tells them apart.
    ['getProjects: a wrong API key is answered 401 with the documented error body', 'skipped'],
    ['getProjects: no API key is answered 401 with the documented error body', 'run'],
    // Negative checks whose request breaks the spec run; those the spec allows are the server's.
    ['getTasks: limit=0 is rejected (4xx) with the documented error body', 'run'],
    ['getTask: without task_id is rejected (4xx) with the documented error body', 'run'],
    ['getTask: an opt outside the enum is rejected (4xx) with the documented error body', 'run'],
    [
      'getTasks: a completed_after that is no date-time is rejected (4xx) with the documented error body',
      'run',
    ],
    [
      'getTasks: without project or batch filter is rejected (4xx) with the documented error body',
      'skipped',
    ],
    [
      'getTasks: a malformed next_token is rejected (4xx) with the documented error body',
      'skipped',
    ],
    ['getTask: an unknown task_id is rejected (4xx) with the documented error body', 'skipped'],
    ['createBatch: without name is answered 400 with the documented error body', 'run'],
    ['createBatch: its name again is answered 409 with the documented error body', 'skipped'],
    ['setBatchMetadata: without metadata is answered 400 with the documented error body', 'run'],
    [
      'getAnnotation: an unknown annotation_id is answered 404 with the documented error body',
      'skipped',
    ],
    [
      'batchAssignEvaluationTasks: empty task_ids is rejected (4xx) with the documented error body',
      'run',
    ],
    // Writes run; what they did to the server's state (transitions, merges, read-backs) does not.
    ['createBatch: create a staging batch named with the run id', 'run'],
    ['pauseBatch: pause it', 'run'],
    ['pauseBatch: the batch is then paused', 'skipped'],
    ['setBatchMetadata: the merge keeps the metadata it was created with', 'skipped'],
    [
      'getBatch: the created batch reads back by name, in_progress with the merged metadata',
      'skipped',
    ],
    [
      'pauseBatch: pausing the cancelled batch is answered 400 with the documented error body',
      'skipped',
    ],
    // A page holds at most `limit` items: a pure function of one response. What a parameter
    // did to the data (filters, expand, opts, cursors, read-backs) is the server's.
    ['getTasks: limit=2 bounds the page (≤ 2 items)', 'run'],
    ['listV1Tasks: limit=2 bounds the page (≤ 2 items, limit: 2)', 'run'],
    ['getDeliveryTasks: total counts the docs of the page', 'run'],
    ['getTasks: expand=project,batch turns project and batch into objects', 'skipped'],
    ['getTask: opts=annotation_details adds detailed annotations', 'skipped'],
    ['getBatches: next_token advances: the next page repeats no id', 'skipped'],
    ['getDatasetDelivery: the last page has no next_token and ends the walk', 'skipped'],
    [
      'getDeliveries: delivered_after and delivered_before hold for every delivery returned',
      'skipped',
    ],
    ['listV1Tasks: offset=1 skips one: the task is the second of the limit=2 page', 'skipped'],
    ['setTaskMetadata: without merge, the metadata is replaced by the one sent', 'skipped'],
    // Chaining ids is fine: a stateless server accepts any id.
    ['getDatasetTask: by task_id', 'run'],
    ['getDatasetTaskResponseUrl: an attachment redirects (302) to its URL', 'run'],
  ])('%s: %s', (name, expected) => {
    const check = checksOf(stateless).get(name);
    expect(check, name).toBeDefined();
    if (expected === 'skipped') {
      expect(check).toMatchObject({ skipped: 'needs server state', ok: true, status: null });
    } else {
      expect(check?.skipped).toBeUndefined();
      expect(check?.ok).toBe(true);
      expect(checksOf(full).get(name)?.status).toBe(check?.status);
    }
  });

  it('judges the attachment redirect without following it', () => {
    const check = checksOf(full).get(
      'getDatasetTaskResponseUrl: an attachment redirects (302) to its URL',
    );
    expect(check).toMatchObject({ status: 302, ok: true, violations: [] });
  });

  it('is the CLI flag --stateless', async () => {
    const result = await runCli(['verify', '--stateless', '--api', 'sgp']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('scale-contracts: --stateless: checks that need server state');
    expect(result.stdout).toMatch(/^\d+ requests in .*, writes allowed, stateless, started /m);
    expect(result.stdout).toContain('skipped: needs server state');
    const help = await runCli(['verify', '--help']);
    expect(help.stdout).toContain('--stateless');
  });
});

describe('the batch lifecycle catches a server that forgets', () => {
  it.each([
    {
      server: 'does not pause (the batch stays in_progress)',
      drift: rewriteJson('POST', '/v2/batch/pause', (body) => ({
        ...body,
        batch: { ...(body.batch as object), status: 'in_progress' },
      })),
      operationId: 'pauseBatch',
      check: 'the batch is then paused',
      pointer: '/batch/status',
      actual: '"in_progress"',
    },
    {
      server: 'replaces the metadata when asked to merge',
      drift: rewriteJson('POST', '/v2/batch/metadata', (body) => ({
        ...body,
        metadata: { scale_contracts_step: 'merged' },
      })),
      operationId: 'setBatchMetadata',
      check: 'the merge keeps the metadata it was created with',
      pointer: '/metadata/scale_contracts_run',
      actual: '(absent)',
    },
    {
      server: 'does not keep the merged metadata',
      drift: rewriteJson('GET', '/v2/batch', (body) => ({ ...body, metadata: {} }), {
        when: (request, status) => status === 200 && request.query.has('batch_name'),
      }),
      operationId: 'getBatch',
      check: 'the created batch reads back by name, in_progress with the merged metadata',
      pointer: '/metadata/scale_contracts_run',
      actual: '(absent)',
    },
  ])('a server that $server', async ({ drift, operationId, check, pointer, actual }) => {
    const proxy = await startDriftProxy(mock.url, drift);
    try {
      const report = await run(proxy.url);
      expect(violationsOf(report)).toContainEqual({
        operationId,
        check,
        pointer,
        keyword: 'state',
        expected: expect.any(String),
        actual,
      });
      // The same drift goes unseen by a stateless run: the state is what it does not judge.
      const stateless = await run(proxy.url, { stateless: true });
      expect(stateless.totals.failed).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('reports a 302 without a Location header', async () => {
    const dropLocation: Drift = (request, response) =>
      request.path.includes('/response_url/') && response.status === 302
        ? { status: 302, headers: {}, body: '' }
        : undefined;
    const proxy = await startDriftProxy(mock.url, dropLocation);
    try {
      const report = await run(proxy.url);
      expect(violationsOf(report)).toEqual([
        {
          operationId: 'getDatasetTaskResponseUrl',
          check: 'an attachment redirects (302) to its URL',
          pointer: '',
          keyword: 'header',
          expected: 'a Location header (required for 302)',
          actual: '(absent)',
        },
      ]);
    } finally {
      await proxy.close();
    }
  });
});
