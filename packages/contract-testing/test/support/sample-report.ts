import type { Report } from '../../src/index.js';

type Check = Report['operations'][number]['checks'][number];

/**
 * A small report for the reporters' tests: one passing operation, one failing (its check can be
 * given other violations or a reproducer), one skipped; strings with markup in them.
 */
export function sampleReport(failure: Partial<Check> = {}): Report {
  return {
    baseUrl: 'http://127.0.0.1:4010',
    api: 'scale',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234,
    mock: false,
    writes: false,
    stateless: false,
    requests: 3,
    operations: [
      {
        api: 'scale',
        operationId: 'getProjects',
        method: 'GET',
        path: '/v2/projects',
        checks: [
          {
            name: 'list projects',
            request: 'GET /v2/projects',
            status: 200,
            ok: true,
            violations: [],
          },
        ],
      },
      {
        api: 'scale',
        operationId: 'getTask',
        method: 'GET',
        path: '/v2/task',
        checks: [
          {
            name: 'by task_id <&> "quoted"',
            request: 'GET /v2/task?task_id=t&x=1',
            status: 200,
            ok: false,
            violations: [
              { pointer: '/created_at', keyword: 'type', expected: 'must be string', actual: '5' },
              {
                pointer: '/task_id',
                keyword: 'required',
                expected: 'must have required property task_id',
                actual: '(absent)',
              },
            ],
            ...failure,
          },
        ],
      },
      {
        api: 'scale',
        operationId: 'createChatTask',
        method: 'POST',
        path: '/v2/task/chat',
        checks: [
          {
            name: 'write checks',
            request: 'POST /v2/task/chat',
            status: null,
            ok: true,
            skipped: 'writes not allowed',
            violations: [],
          },
        ],
      },
    ],
    totals: { checks: 3, passed: 1, failed: 1, skipped: 1 },
  };
}
