import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatText, type Report, verify } from '../src/index.js';
import { type PrismServer, startPrism } from './support/prism.js';

// Prism (Stoplight's spec-driven mock, @stoplight/prism-cli 5.14.2) answers from the spec's
// examples and keeps no state: `verify --stateless` must pass against it.
//
// Prism is started through the programmatic server API of the packages the CLI itself runs
// (resolved through @stoplight/prism-cli, so they are exactly the CLI's), not as `prism mock`:
// - the CLI validates every response it serves against the spec only to log the result, which
//   makes a Task response ~10x slower (170 ms instead of 15 ms each here); its config cannot be
//   changed from the command line, the API's can (`validateResponse: false`; what it serves is
//   the same: request validation, security checks and static examples stay on);
// - `listen(0)` lets the OS pick a free port and returns the address it got;
// - it runs in this process, so no Prism outlives the test: `afterAll` closes both servers, and
//   a timeout or crash that ends the worker ends them too.
// Run time: about 2-4 s to load both bundles, then about 2 s for ~130 requests.
const servers: PrismServer[] = [];
let scaleUrl = '';
let sgpUrl = '';
beforeAll(async () => {
  const [scale, sgp] = await Promise.all([startPrism('scale'), startPrism('sgp')]);
  servers.push(scale.server, sgp.server);
  scaleUrl = scale.url;
  sgpUrl = sgp.url;
}, 60_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const NEEDS_STATE = 'needs server state';
/** Why a check may be skipped against Prism: state, or nothing to chain from in its examples. */
const allowedSkip = (reason: string) =>
  reason === NEEDS_STATE ||
  // The v1 types the run sends only a keyless request (creating one costs money on a live API).
  /^no positive control passed for createV1\w+Task$/.test(reason) ||
  /^no .+ to chain from$/.test(reason) ||
  /^the first page was the last/.test(reason);

describe('verify --stateless against Prism serving the bundled spec', () => {
  let report: Report;
  beforeAll(async () => {
    report = await verify({
      baseUrl: scaleUrl,
      sgpBaseUrl: sgpUrl,
      // Prism checks that a credential is there, not which one.
      scaleApiKey: 'prism-accepts-any-key',
      sgpApiKey: 'prism-accepts-any-key',
      // SGP has no list endpoint; Prism answers for any evaluation id.
      evaluationIds: ['evaluation-served-by-prism'],
      allowWrites: true,
      stateless: true,
      requestsPerSecond: Number.POSITIVE_INFINITY,
    });
  }, 60_000);

  it('passes every check it runs', () => {
    const failed = report.operations.flatMap((operation) =>
      operation.checks
        .filter((check) => !check.ok)
        .map((check) => ({ operationId: operation.operationId, ...check })),
    );
    expect(failed, formatText(report, { failuresOnly: true })).toEqual([]);
    expect(report.totals.failed).toBe(0);
    expect(report.totals.passed).toBeGreaterThan(60);
    expect(report).toMatchObject({ stateless: true, writes: true, mock: false });
  });

  it('skips only what needs state or has nothing to chain from, and counts no skip as passed', () => {
    const checks = report.operations.flatMap((operation) => operation.checks);
    const reasons = checks.flatMap((check) => (check.skipped === undefined ? [] : [check.skipped]));
    expect(reasons.filter((reason) => !allowedSkip(reason))).toEqual([]);
    expect(reasons.filter((reason) => reason === NEEDS_STATE).length).toBeGreaterThan(20);
    expect(report.totals.passed + report.totals.skipped).toBe(report.totals.checks);
    for (const check of checks.filter((item) => item.skipped === NEEDS_STATE)) {
      expect(check).toMatchObject({ status: null, ok: true, violations: [] });
    }
  });

  it('reaches every operation with a positive check', () => {
    const reached = report.operations
      .filter((operation) => operation.checks.some((check) => check.ok && !check.skipped))
      .map((operation) => operation.operationId);
    const unreached = report.operations
      .map((operation) => operation.operationId)
      .filter((operationId) => !reached.includes(operationId))
      // Only refused without a key: not counted without a positive control.
      .filter((operationId) => !/^createV1\w+Task$/.test(operationId));
    // The spec's examples chain every read, the attachment download included (the DatasetTask
    // examples carry an attachment id in their `response`).
    expect(reached.length).toBeGreaterThan(30);
    expect(unreached).toEqual([]);
  });
});
