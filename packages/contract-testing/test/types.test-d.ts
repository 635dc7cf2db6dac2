import { describe, expectTypeOf, it } from 'vitest';
import '../src/vitest.js';
import { expect } from 'vitest';
import type { CheckResult, Report, VerifyOptions, Violation } from '../src/index.js';

describe('the vitest matchers', () => {
  it('take an API and a schema or operation of that API', () => {
    expect({}).toMatchSchema('scale', 'Task');
    expect({}).toMatchSchema('sgp', 'EvaluationTask');
    expect({ status: 200, body: {} }).toMatchOperation('scale', 'getTask');
    expect({ status: 200, body: null }).toMatchOperation('sgp', 'claimEvaluationTask');
    expect({}).not.toMatchSchema('scale', 'V1Task');
    expect({ task: {} }).toEqual({ task: expect.toMatchSchema('scale', 'Task') });
  });

  it('reject names of the other API or unknown names', () => {
    // @ts-expect-error EvaluationTask is an SGP schema
    expect({}).toMatchSchema('scale', 'EvaluationTask');
    // @ts-expect-error Task is a Scale schema
    expect({}).toMatchSchema('sgp', 'Task');
    // @ts-expect-error no such operation
    expect({}).toMatchOperation('scale', 'getTusk');
    // @ts-expect-error the API comes first
    expect({}).toMatchSchema('Task');
  });
});

describe('the report types', () => {
  it('have the documented shape', () => {
    expectTypeOf<Violation>().toEqualTypeOf<{
      pointer: string;
      keyword: string;
      expected: string;
      actual: string;
    }>();
    expectTypeOf<CheckResult['status']>().toEqualTypeOf<number | null>();
    expectTypeOf<Report['totals']>().toEqualTypeOf<{
      checks: number;
      passed: number;
      failed: number;
      skipped: number;
      notCounted?: number;
      notRun?: number;
    }>();
    expectTypeOf<Report['outcome']>().toEqualTypeOf<
      | 'conforms'
      | 'violations'
      | 'could-not-start'
      | 'deadline'
      | 'interrupted'
      | 'suite-error'
      | undefined
    >();
    expectTypeOf<VerifyOptions['api']>().toEqualTypeOf<'scale' | 'sgp' | 'all' | undefined>();
  });
});
