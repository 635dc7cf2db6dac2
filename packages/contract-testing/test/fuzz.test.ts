import { describe, expect, it } from 'vitest';
import { calendarValid } from '../src/fuzz.js';
import { type CheckResult, type FetchFunction, type Report, verify } from '../src/index.js';

/** The checks of the fuzz phase, with their operation. */
const fuzzChecks = (report: Report) =>
  report.operations.flatMap((operation) =>
    operation.checks
      .filter((check) => check.name.startsWith('fuzz: '))
      .map((check) => ({ operationId: operation.operationId, api: operation.api, ...check })),
  );

/** A fetch that logs what goes out once the fuzz phase has started (method, URL, body). */
function recording() {
  const log: string[] = [];
  let fuzzing = false;
  const fetch: FetchFunction = (input, init) => {
    if (fuzzing) {
      // Without the host: each run starts its own mock, on a port of its own.
      const url = new URL(input);
      log.push(
        `${init.method} ${url.pathname}${url.search} ${typeof init.body === 'string' ? init.body : ''}`,
      );
    }
    return globalThis.fetch(input, init);
  };
  return {
    log,
    fetch,
    onProgress: (event: { kind: string; message?: string }) => {
      if (event.kind === 'info' && event.message?.startsWith('fuzz: seed ')) {
        fuzzing = true;
      }
    },
  };
}

describe('verify --fuzz against the mock', () => {
  it('finds nothing with --seed 1 (both APIs, writes allowed, as the CLI runs it)', async () => {
    const report = await verify({ allowWrites: true, fuzz: { seed: 1 } });
    const checks = fuzzChecks(report);
    const failed = checks.filter((check) => !check.ok);
    expect(failed, JSON.stringify(failed.slice(0, 3), null, 2)).toEqual([]);
    expect(report.fuzz).toMatchObject({ seed: 1, maxExamples: 25, findings: 0 });
    expect(report.fuzz?.requests).toBeGreaterThan(1000);
    expect(report.totals.failed).toBe(0);
    // Every read has both checks, every write its invalid one; those the spec gives nothing
    // to break are skipped with that reason, and nothing else is skipped but the refusals the
    // run does not count (no positive check of the operation passed: the v1 task types the
    // checks do not create).
    const valid = checks.filter((check) => check.name === 'fuzz: valid request accepted');
    const invalid = checks.filter((check) => check.name === 'fuzz: invalid request refused');
    expect(valid.length).toBe(19);
    expect(invalid.length).toBeGreaterThan(60);
    const reasons = checks.flatMap((check) => (check.skipped === undefined ? [] : [check.skipped]));
    expect(
      reasons.filter(
        (reason) =>
          reason !== 'the spec refuses nothing a request to it can carry' &&
          !reason.startsWith('no positive control passed for'),
      ),
    ).toEqual([]);
    expect(reasons.filter((reason) => reason.startsWith('the spec refuses')).length).toBe(5);
    for (const check of valid) {
      expect(check.fuzz?.examples, check.operationId).toBe(25);
      expect(check.fuzz?.shrinks).toBe(0);
    }
    // Valid requests a rule the schema does not state refused: counted and listed, each a
    // documented 4xx with its message.
    const refused = checks.flatMap((check) => check.fuzz?.refused ?? []);
    expect(report.fuzz?.refused).toBe(
      checks.reduce((sum, check) => sum + (check.fuzz?.refusedCount ?? 0), 0),
    );
    for (const refusal of refused) {
      expect([400, 402, 403, 404, 409, 422]).toContain(refusal.status);
      expect(refusal.message).not.toBe('');
    }
  }, 240_000);

  it('sends the same requests for the same seed, and others for another seed', async () => {
    const run = async (seed: number) => {
      const recorder = recording();
      const report = await verify({
        api: 'scale',
        fuzz: { seed, maxExamples: 4 },
        fetch: recorder.fetch,
        onProgress: recorder.onProgress,
      });
      return { report, log: recorder.log };
    };
    const first = await run(7);
    const second = await run(7);
    const other = await run(8);
    expect(first.log.length).toBeGreaterThan(100);
    expect(second.log).toEqual(first.log);
    expect(other.log).not.toEqual(first.log);
    const seeds = (report: Report) => fuzzChecks(report).map((check) => check.fuzz?.seed);
    expect(seeds(second.report)).toEqual(seeds(first.report));
  }, 120_000);

  it('--max-examples bounds the requests of each check, and the phase', async () => {
    const recorder = recording();
    const report = await verify({
      api: 'scale',
      fuzz: { seed: 3, maxExamples: 2 },
      fetch: recorder.fetch,
      onProgress: recorder.onProgress,
    });
    const checks = fuzzChecks(report).filter((check) => check.skipped === undefined);
    for (const check of checks) {
      expect(check.fuzz?.examples, `${check.operationId} ${check.name}`).toBeLessThanOrEqual(2);
      expect(check.fuzz?.shrinks).toBe(0);
    }
    // 2 per check, plus the discovery's list requests (at most 10).
    expect(recorder.log.length).toBeLessThanOrEqual(checks.length * 2 + 10);
    expect(report.fuzz?.requests).toBe(recorder.log.length);
  }, 60_000);

  it('draws from the run request budget and skips what is past it', async () => {
    const plain = await verify({ api: 'scale' });
    const budget = plain.requests + 40;
    const report = await verify({ api: 'scale', maxRequests: budget, fuzz: { seed: 1 } });
    expect(report.requests).toBeLessThanOrEqual(budget);
    expect(report.fuzz?.requests).toBeLessThanOrEqual(40);
    const checks: CheckResult[] = fuzzChecks(report);
    const spent = checks.filter((check) => check.skipped?.startsWith('request budget spent'));
    expect(spent.length).toBeGreaterThan(0);
    // The budget is shared out: no check takes it all.
    for (const check of checks) {
      expect(check.fuzz?.examples ?? 0).toBeLessThanOrEqual(25);
    }
  }, 60_000);

  it('puts the date-times of valid requests on a real calendar day (RequestDateTime says so)', () => {
    expect(calendarValid('2025-02-31T10:00:60+01')).toBe('2025-02-28T10:00:59+01');
    expect(calendarValid('2024-02-30 23:59:60.5z')).toBe('2024-02-29 23:59:59.5z');
    expect(calendarValid('2025-04-30t00:00:00')).toBe('2025-04-30t00:00:00');
  });

  it('stops with the run: what is cut off is not run, never a finding', async () => {
    const controller = new AbortController();
    let seen = 0;
    const report = await verify({
      api: 'scale',
      fuzz: { seed: 1, maxExamples: 5 },
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'check' && event.check.name.startsWith('fuzz: ') && ++seen === 3) {
          controller.abort('test');
        }
      },
    });
    const checks = fuzzChecks(report);
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    const notRun = checks.filter((check) => check.skipped?.startsWith('not run'));
    expect(notRun.length).toBeGreaterThan(10);
  }, 60_000);

  it('refuses fuzz options it cannot run with', async () => {
    await expect(verify({ fuzz: { seed: -1 } })).rejects.toThrow(
      'fuzz.seed must be an integer from 0 to 4294967295',
    );
    await expect(verify({ fuzz: { maxExamples: 0 } })).rejects.toThrow(
      'fuzz.maxExamples must be a positive integer',
    );
  });
});
