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
/** `[operationId, reason]` of every skipped check, in report order. */
const skipsOf = (report: Report) =>
  report.operations.flatMap((operation) =>
    operation.checks
      .filter((check) => check.skipped !== undefined)
      .map((check) => [operation.operationId, check.skipped]),
  );
const failures = (report: Report) =>
  report.operations.flatMap((operation) =>
    operation.checks
      .filter((check) => !check.ok)
      .map((check) => ({ operationId: operation.operationId, ...check })),
  );

/** Why a check of a walk is skipped against the mock: its big listings outlast the cap. */
const WALK_CAP = 'the walk reached its cap (3 pages of 2) before the last page';
/** Why a passing negative check is not counted: nothing of its operation proved it works. */
const uncontrolled = (operationId: string) => `no positive control passed for ${operationId}`;
/** The v1 creation operations the run only sends a keyless request to (creating costs money). */
const keylessOnly = v1Creations.filter((id) => id !== 'createV1CategorizationTask');

// The mock is seeded (seed 1, 1,000 tasks, 3 SGP evaluations), so a run's checks are fixed.
describe('verify against the mock server (no base URL)', () => {
  it('passes every check of both APIs with writes, and covers every operation', async () => {
    const events: ProgressEvent[] = [];
    const report = await verify({ allowWrites: true, onProgress: (event) => events.push(event) });
    expect(failures(report)).toEqual([]);
    expect(report.totals).toEqual({
      checks: 342,
      passed: 306,
      failed: 0,
      skipped: 36,
      notCounted: 31,
    });
    // Skipped: the last-page checks of the walks whose listing outlasts the cap, and the
    // keyless refusals of the v1 types the run does not create (no positive control).
    const skips = skipsOf(report);
    expect(skips.filter(([, reason]) => reason === WALK_CAP)).toEqual([
      ['listV1Tasks', WALK_CAP],
      ['getTasks', WALK_CAP],
      ['getDeliveredTasks', WALK_CAP],
      ['getDeliveryTasks', WALK_CAP],
      ['getDatasetTasks', WALK_CAP],
    ]);
    for (const [operationId, reason] of skips.filter(([, reason]) => reason !== WALK_CAP)) {
      expect(keylessOnly).toContain(operationId);
      expect(reason).toBe(uncontrolled(operationId as string));
    }
    expect(report).toMatchObject({ api: 'all', mock: true, writes: true, requests: 212 });
    expect(report.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(passedOperations(report)).toEqual(
      [...scaleOperations, ...sgpOperations].filter((id) => !keylessOnly.includes(id)).sort(),
    );
    expect(events.filter((event) => event.kind === 'check')).toHaveLength(342);
    expect(events[0]).toEqual({ kind: 'info', message: 'starting the mock server' });
  });

  it.each([
    {
      api: 'scale' as const,
      totals: { checks: 271, passed: 206, failed: 0, skipped: 65, notCounted: 12 },
      skippedOperations: scaleWrites,
    },
    {
      api: 'sgp' as const,
      // Without writes, no SGP operation has a positive check: its refusals are not counted.
      totals: { checks: 23, passed: 0, failed: 0, skipped: 23, notCounted: 14 },
      skippedOperations: sgpOperations,
    },
  ])(
    'passes $api without writes, skipping the writes with the reason',
    async ({ api, totals, skippedOperations }) => {
      const report = await verify({ api });
      expect(failures(report)).toEqual([]);
      expect(report.totals).toEqual(totals);
      expect(report.writes).toBe(false);
      const skipped = skipsOf(report).filter(
        ([operationId, reason]) =>
          reason !== WALK_CAP && reason !== uncontrolled(operationId as string),
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
