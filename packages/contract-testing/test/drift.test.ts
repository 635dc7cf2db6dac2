import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  formatText,
  type ProgressEvent,
  type Report,
  toJson,
  toJUnit,
  verify,
} from '../src/index.js';
import { runCli } from './support/cli.js';
import { type Drift, rewriteJson, startDriftProxy } from './support/drift-proxy.js';
import { xmlProblems } from './support/xml.js';

// Keys that look real, so that a leak would be plain to see.
const keys = { scale: 'live_contract_secret_scale_0123456789', sgp: 'sgp_contract_secret_987654' };
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ apiKeys: keys });
});
afterAll(async () => {
  await mock.close();
});

/** Starts a drifting variant of the mock, runs `use`, and closes it. */
async function withDrift<T>(drift: Drift, use: (url: string) => Promise<T>): Promise<T> {
  const proxy = await startDriftProxy(mock.url, drift);
  try {
    return await use(proxy.url);
  } finally {
    await proxy.close();
  }
}

const run = (url: string, api: Api | 'all', onProgress?: (event: ProgressEvent) => void) =>
  verify({
    baseUrl: url,
    api,
    scaleApiKey: keys.scale,
    sgpApiKey: keys.sgp,
    evaluationIds: mock.fixtures.evaluationIds.slice(0, 1),
    requestsPerSecond: Number.POSITIVE_INFINITY,
    onProgress,
  });

/** Every failed check as `{ operationId, check, pointer, keyword, ... }`, one row per violation. */
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

const without = (body: Record<string, unknown>, key: string) => {
  const { [key]: _removed, ...rest } = body;
  return rest;
};

describe('verify against drifting variants of the mock', () => {
  it.each([
    {
      drift: 'a renamed field (task_id → taskId)',
      api: 'scale' as const,
      rewrite: rewriteJson('GET', '/v2/task', (body) => ({
        ...without(body, 'task_id'),
        taskId: body.task_id,
      })),
      operationId: 'getTask',
      check: 'by task_id',
      pointer: '/task_id',
      keyword: 'required',
      actual: '(absent)',
    },
    {
      drift: 'a wrong type (created_at: 5)',
      api: 'scale' as const,
      rewrite: rewriteJson('GET', /^\/v1\/task\/[^/]+$/, (body) => ({ ...body, created_at: 5 })),
      operationId: 'getV1Task',
      check: 'by task_id',
      pointer: '/created_at',
      keyword: 'type',
      actual: '5',
    },
    {
      drift: 'an undocumented status (418)',
      api: 'scale' as const,
      rewrite: rewriteJson('GET', '/v2/batch', (body) => body, { status: 418 }),
      operationId: 'getBatch',
      check: 'by batch_id',
      pointer: '',
      keyword: 'status',
      actual: expect.stringMatching(/^418 \{/),
    },
    {
      drift: 'a missing required property (tasks removed from the page)',
      api: 'scale' as const,
      rewrite: rewriteJson('GET', '/v2/tasks', (body) => without(body, 'tasks')),
      operationId: 'getTasks',
      check: 'by project_id, limit=2',
      pointer: '/tasks',
      keyword: 'required',
      actual: '(absent)',
    },
    {
      drift: 'a wrong content type (text/plain)',
      api: 'scale' as const,
      rewrite: rewriteJson('GET', '/v2/project', (body) => body, { contentType: 'text/plain' }),
      operationId: 'getProject',
      check: 'by project_id',
      pointer: '',
      keyword: 'contentType',
      actual: 'text/plain',
    },
    {
      drift: 'an SGP 422 whose detail is a string',
      api: 'sgp' as const,
      rewrite: rewriteJson('PATCH', /\/tasks\/batch-assign$/, () => ({ detail: 'task_ids: bad' }), {
        when: (_request, status) => status === 422,
      }),
      operationId: 'batchAssignEvaluationTasks',
      check: 'empty task_ids is rejected (4xx) with the documented error body',
      pointer: '/detail',
      keyword: 'type',
      actual: '"task_ids: bad"',
    },
  ])(
    'reports $drift with the operation and pointer; the CLI exits 1 and the JUnit file has it',
    async ({ api, rewrite, operationId, check, pointer, keyword, actual }) => {
      await withDrift(rewrite, async (url) => {
        const report = await run(url, api);
        expect(report.totals.failed).toBeGreaterThan(0);
        expect(violationsOf(report)).toContainEqual({
          operationId,
          check,
          pointer,
          keyword,
          expected: expect.any(String),
          actual,
        });

        const dir = mkdtempSync(join(tmpdir(), 'contract-testing-'));
        const file = join(dir, 'contracts.xml');
        const result = await runCli(
          [
            'verify',
            '--base-url',
            url,
            '--api',
            api,
            '--evaluation-id',
            mock.fixtures.evaluationIds[0] ?? '',
            '--rps',
            '1000',
            '--report',
            file,
            '--quiet',
          ],
          { SCALE_API_KEY: keys.scale, SGP_API_KEY: keys.sgp },
        );
        expect(result.status, result.stderr).toBe(1);
        expect(result.stdout).toContain(`✗ ${operationId}`);
        const xml = readFileSync(file, 'utf8');
        expect(xmlProblems(xml)).toEqual([]);
        const start = xml.indexOf(
          `<testcase classname="${api}.${operationId}" name="${check.replaceAll('"', '&quot;')} — `,
        );
        expect(start).toBeGreaterThan(-1);
        const testcase = xml.slice(start, xml.indexOf('</testcase>', start));
        // Not self-closing: the test case holds the failure, and the failure names the pointer.
        expect(testcase.slice(0, testcase.indexOf('>'))).not.toMatch(/\/$/);
        expect(testcase).toContain('<failure message="');
        expect(testcase).toContain(
          `${pointer === '' ? '(response)' : pointer}: ${keyword} — expected:`,
        );
        expect(readdirSync(dir)).toEqual(['contracts.xml']);
      });
    },
  );
});

describe('negative checks', () => {
  it.each([
    {
      server: 'accepts limit=0 (the 400 becomes a 200 with a page)',
      rewrite: rewriteJson('GET', '/v2/tasks', () => ({ tasks: [] }), {
        status: 200,
        when: (request, status) => status === 400 && request.query.get('limit') === '0',
      }),
      operationId: 'getTasks',
      check: 'limit=0 is rejected (4xx) with the documented error body',
      actual: '200 {"tasks":[]}',
    },
    {
      server: 'fails with a 500 on limit=101',
      rewrite: rewriteJson(
        'GET',
        '/v1/tasks',
        () => ({ status_code: 500, error: 'Internal server error.' }),
        {
          status: 500,
          when: (request, status) => status === 400 && request.query.get('limit') === '101',
        },
      ),
      operationId: 'listV1Tasks',
      check: 'limit=101 is rejected (4xx) with the documented error body',
      actual: '500 {"status_code":500,"error":"Internal server error."}',
    },
    {
      server: 'lets a request without a key through',
      rewrite: rewriteJson('GET', '/v2/projects', () => ({ projects: [] }), {
        status: 200,
        when: (request, status) => status === 401 && request.headers.authorization === undefined,
      }),
      operationId: 'getProjects',
      check: 'no API key is answered 401 with the documented error body',
      actual: '200 {"projects":[]}',
    },
  ])('catch a server that $server', async ({ rewrite, operationId, check, actual }) => {
    await withDrift(rewrite, async (url) => {
      const report = await run(url, 'scale');
      const found = violationsOf(report).filter((row) => row.operationId === operationId);
      expect(found).toEqual([
        {
          operationId,
          check,
          pointer: '',
          keyword: 'status',
          expected: expect.any(String),
          actual,
        },
      ]);
      expect(report.totals.failed).toBe(1);
    });
  });
});

describe('secrets', () => {
  it('never puts an API key in the text, JSON or JUnit report, or a progress line', async () => {
    // A server that echoes the credentials it was sent into the bodies it returns.
    const echo: Drift = (request, response) =>
      rewriteJson('GET', '/v2/project', (body) => ({
        ...body,
        created_at: `echo ${request.headers.authorization}`,
      }))(request, response) ??
      rewriteJson(
        'PATCH',
        /\/tasks\/batch-assign$/,
        () => ({ detail: `bad key ${request.headers['x-api-key']}` }),
        {
          when: (_request, status) => status === 422,
        },
      )(request, response);
    const lines: string[] = [];
    await withDrift(echo, async (url) => {
      const report = await run(url, 'all', (event) => lines.push(JSON.stringify(event)));
      const outputs = {
        text: formatText(report),
        json: toJson(report),
        junit: toJUnit(report),
        progress: lines.join('\n'),
      };
      for (const [name, output] of Object.entries(outputs)) {
        for (const key of Object.values(keys)) {
          expect(output.includes(key), `${name} contains a key`).toBe(false);
        }
        expect(output, name).toContain('[redacted]');
      }
      expect(violationsOf(report)).toContainEqual(
        expect.objectContaining({
          operationId: 'getProject',
          pointer: '/created_at',
          actual: '"echo Bearer [redacted]"',
        }),
      );
    });
  });
});
