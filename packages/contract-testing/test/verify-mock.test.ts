import * as scale from '@scale-contracts/validators/scale';
import * as sgp from '@scale-contracts/validators/sgp';
import { describe, expect, it } from 'vitest';
import { type ProgressEvent, type Report, verify } from '../src/index.js';

const scaleOperations = Object.keys(scale.operations);
const sgpOperations = Object.keys(sgp.operations);
/** One creation operation per v1 task type (POST /v1/task/<type>). */
const v1Creations = Object.entries(scale.operations)
  .filter(
    ([, operation]) =>
      operation.method === 'POST' && /^\/v1\/task\/[a-z0-9]+$/.test(operation.path),
  )
  .map(([operationId]) => operationId);
const scaleWrites = [
  'createBatch',
  'finalizeBatch',
  'pauseBatch',
  'resumeBatch',
  'cancelBatch',
  'setBatchMetadata',
  'createChatTask',
  'setTaskMetadata',
  ...v1Creations,
  'setV1TaskMetadata',
  'setV1TaskUniqueId',
  'deleteV1TaskUniqueId',
  'replaceV1TaskTags',
  'addV1TaskTags',
  'deleteV1TaskTags',
  'auditV1Task',
  'cancelV1Task',
];

const passedOperations = (report: Report) =>
  report.operations
    .filter((operation) => operation.checks.some((check) => check.ok && !check.skipped))
    .map((operation) => operation.operationId)
    .sort();
const failures = (report: Report) =>
  report.operations.flatMap((operation) =>
    operation.checks
      .filter((check) => !check.ok)
      .map((check) => ({ operationId: operation.operationId, ...check })),
  );

// The mock is seeded (seed 1, 1,000 tasks, 3 SGP evaluations), so a run's checks are fixed.
describe('verify against the mock server (no base URL)', () => {
  it('passes every check of both APIs with writes, and covers every operation', async () => {
    const events: ProgressEvent[] = [];
    const report = await verify({ allowWrites: true, onProgress: (event) => events.push(event) });
    expect(failures(report)).toEqual([]);
    expect(report.totals).toEqual({ checks: 194, passed: 194, failed: 0, skipped: 0 });
    expect(report).toMatchObject({ api: 'all', mock: true, writes: true, requests: 188 });
    expect(report.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(passedOperations(report)).toEqual([...scaleOperations, ...sgpOperations].sort());
    expect(events.filter((event) => event.kind === 'check')).toHaveLength(194);
    expect(events[0]).toEqual({ kind: 'info', message: 'starting the mock server' });
  });

  it.each([
    {
      api: 'scale' as const,
      totals: { checks: 148, passed: 100, failed: 0, skipped: 48 },
      skippedOperations: scaleWrites,
    },
    {
      api: 'sgp' as const,
      totals: { checks: 23, passed: 14, failed: 0, skipped: 9 },
      skippedOperations: sgpOperations,
    },
  ])(
    'passes $api without writes, skipping the writes with the reason',
    async ({ api, totals, skippedOperations }) => {
      const report = await verify({ api });
      expect(failures(report)).toEqual([]);
      expect(report.totals).toEqual(totals);
      expect(report.writes).toBe(false);
      const skipped = report.operations.flatMap((operation) =>
        operation.checks
          .filter((check) => check.skipped !== undefined)
          .map((check) => [operation.operationId, check.skipped]),
      );
      expect([...new Set(skipped.map(([operationId]) => operationId))].sort()).toEqual(
        [...skippedOperations].sort(),
      );
      for (const [, reason] of skipped) {
        expect(reason).toBe('writes not allowed (allowWrites / --allow-writes)');
      }
      // Every read operation of the API has a passing check.
      const reads =
        api === 'scale' ? scaleOperations.filter((id) => !scaleWrites.includes(id)) : [];
      expect(passedOperations(report)).toEqual(expect.arrayContaining(reads));
    },
  );

  it('stops at maxRequests and skips the rest, saying why', async () => {
    const report = await verify({ api: 'scale', maxRequests: 10 });
    expect(report.requests).toBe(10);
    expect(report.totals.failed).toBe(0);
    const budget = report.operations
      .flatMap((operation) => operation.checks)
      .filter((check) => check.skipped === 'request budget spent (maxRequests 10)');
    expect(budget.length).toBeGreaterThan(20);
  });
});
