import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/index.js';
import {
  closedPort,
  hostile,
  leaks,
  spawnCli,
  startForwarder,
  startServer,
} from './support/hostile.js';
import { xmlProblems } from './support/xml.js';

// Keys that look real and are unique, so that a leak (whole, encoded or in pieces) is plain.
const hex = () => randomBytes(12).toString('hex');
const keys = { scale: `live_${hex()}`, sgp: `sgp_${hex()}` };
const env = { SCALE_API_KEY: keys.scale, SGP_API_KEY: keys.sgp };
const allKeys = Object.values(keys);

const tempDir = () => mkdtempSync(join(tmpdir(), 'contract-testing-outcomes-'));
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

/** Runs the CLI to the end; the report file is parsed (JSON) and checked for keys with the output. */
async function run(
  args: string[],
  options: { env?: Record<string, string>; preload?: string[]; rss?: boolean } = {},
) {
  const dir = tempDir();
  const file = join(dir, 'report.json');
  const rssFile = options.rss ? join(tempDir(), 'rss') : undefined;
  const child = spawnCli([...args, '--report', file], {
    env: options.env ?? env,
    preload: options.preload,
    rssFile,
  });
  const { status, ms } = await child.done;
  const raw = existsSync(file) ? readFileSync(file) : undefined;
  return {
    status,
    ms,
    stdout: child.stdout(),
    stderr: child.stderr(),
    raw,
    report: raw ? (JSON.parse(raw.toString('utf8')) as Report) : undefined,
    files: readdirSync(dir),
    peakRssMiB: rssFile ? Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024) : undefined,
  };
}

/** Nothing of any key in stdout, stderr or the report file. */
function expectNoKey(result: Awaited<ReturnType<typeof run>>, secrets = allKeys) {
  expect(leaks(result.stdout, secrets), 'stdout').toEqual([]);
  expect(leaks(result.stderr, secrets), 'stderr').toEqual([]);
  expect(leaks(result.raw ?? '', secrets), 'report').toEqual([]);
}

let mock: MockServer;
let evaluationId: string;
beforeAll(async () => {
  // The mock with keys of its own: every key the tests send is a wrong one.
  mock = await startMockServer({
    apiKeys: { scale: `mock_${hex()}`, sgp: `mocksgp_${hex()}` },
  });
  evaluationId = mock.fixtures.evaluationIds[0] ?? '';
});
afterAll(async () => {
  await mock.close();
});

describe('the preflight: a run that cannot start exits 2 with one line naming the cause', () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  const serve = async (handle: Parameters<typeof startServer>[0]) => {
    const server = await startServer(handle);
    servers.push(server);
    return server.url;
  };

  it.each([
    {
      name: 'a wrong key for each API (the mock, with keys of its own)',
      target: async () => mock.url,
      args: ['--evaluation-id', '<evaluation>'],
      cause: () =>
        'the Scale API refused the key in SCALE_API_KEY (401 on GET /v2/projects); the SGP API refused the key in SGP_API_KEY (401 on PATCH /v4/evaluations/<evaluation>/tasks/batch-assign)',
    },
    {
      name: 'a wrong key given with --scale-key',
      target: async () => mock.url,
      args: ['--api', 'scale', '--scale-key', keys.scale],
      env: {},
      cause: () =>
        'the Scale API refused the key in --scale-key (scaleApiKey) (401 on GET /v2/projects)',
    },
    {
      name: 'a closed port (both APIs on it: said once)',
      target: async () => `http://127.0.0.1:${await closedPort()}`,
      args: [],
      cause: (url: string) =>
        `cannot connect to the Scale API at ${url.slice('http://'.length)}: connection refused (is --base-url ${url} right, and the server up?)`,
    },
    {
      name: 'a wrong base path: an HTML 404',
      target: () => serve(hostile.html404),
      args: ['--api', 'scale'],
      cause: (url: string) =>
        `GET /v2/projects at ${url} answered 404 with text/html, not JSON: is --base-url the API root?`,
    },
    {
      name: 'a wrong base path: a JSON {} 404 (SGP asked again without a key)',
      target: () => serve(hostile.json404),
      args: ['--api', 'sgp', '--evaluation-id', 'eval_1'],
      cause: (url: string) =>
        `PATCH /v4/evaluations/eval_1/tasks/batch-assign at ${url} answered 404 with the key and without one: is --base-url the API root?`,
    },
    {
      name: 'a wrong base path: a JSON {} 404 on Scale (the base URL under a path)',
      target: async () => `${await serve(hostile.json404)}/api`,
      args: ['--api', 'scale'],
      cause: (url: string) =>
        `GET /v2/projects at ${url} answered 404 (application/json): is --base-url the API root?`,
    },
    {
      name: 'not JSON: a text/html 200',
      target: () => serve(hostile.html200),
      args: ['--api', 'scale'],
      cause: (url: string) =>
        `GET /v2/projects at ${url} answered 200 with text/html, not JSON: is --base-url the API root?`,
    },
    {
      name: 'a server that stalls mid-body (every request)',
      target: () => serve(hostile.stall),
      args: ['--api', 'scale', '--timeout-ms', '1000'],
      cause: (url: string) =>
        `timeout: the Scale API at ${url.slice('http://'.length)} did not finish answering GET /v2/projects within 1000 ms (13 bytes of the body read) (--timeout-ms)`,
    },
  ])('$name', async ({ target, args, cause, ...rest }) => {
    const url = await target();
    const argv = args.map((arg) => (arg === '<evaluation>' ? evaluationId : arg));
    const result = await run(['verify', '--base-url', url, '--rps', '1000', '--quiet', ...argv], {
      env: 'env' in rest ? rest.env : env,
    });
    const line = `scale-contracts: could not start: ${cause(url).replaceAll('<evaluation>', evaluationId)}`;
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.status, result.stderr).toBe(2);
    expect(lastLine(result.stdout)).toBe('0 checks: 0 passed, 0 failed, 0 skipped');
    expect(result.stdout).toContain(`could not start: ${cause(url).slice(0, 40)}`);
    // The report is written all the same: the preflight failure is its content.
    expect(result.files).toEqual(['report.json']);
    expect(result.report).toMatchObject({
      outcome: 'could-not-start',
      cause: line.slice('scale-contracts: could not start: '.length),
      operations: [],
      totals: { checks: 0, passed: 0, failed: 0, skipped: 0 },
    });
    expect(result.report?.preflight?.some((entry) => !entry.ok)).toBe(true);
    expectNoKey(result);
  });

  it.each([
    {
      name: 'a DNS failure (a reserved .invalid host)',
      target: async () => 'https://api.scale-contracts-test.invalid',
      line: /^scale-contracts: could not start: cannot resolve api\.scale-contracts-test\.invalid \(the Scale API's host\): DNS lookup failed \((ENOTFOUND|EAI_AGAIN)\); check --base-url\n$/,
    },
    {
      name: 'a TLS error (https to a plain-http port)',
      target: async () => (await serve(hostile.html200)).replace('http:', 'https:'),
      line: /^scale-contracts: could not start: TLS error connecting to the Scale API at 127\.0\.0\.1:\d+: ERR_SSL_\w+ \(https to a plain-http port, or a certificate this machine does not trust\?\)\n$/,
    },
  ])('$name', async ({ target, line }) => {
    const result = await run(['verify', '--base-url', await target(), '--api', 'scale', '--quiet']);
    expect(result.stderr).toMatch(line);
    expect(result.status, result.stderr).toBe(2);
    expect(result.report?.outcome).toBe('could-not-start');
    expectNoKey(result);
  });

  it('writes a JUnit report with the preflight failure as an error (no CI reads it as a pass)', async () => {
    const dir = tempDir();
    const file = join(dir, 'report.xml');
    const child = spawnCli(
      [
        'verify',
        '--base-url',
        `http://127.0.0.1:${await closedPort()}`,
        '--quiet',
        '--report',
        file,
      ],
      { env },
    );
    expect((await child.done).status).toBe(2);
    const xml = readFileSync(file, 'utf8');
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toMatch(/<testsuites [^>]*tests="1" failures="0" errors="1"/);
    expect(xml).toContain('<error message="could not start: cannot connect to the Scale API at');
  });
});

describe('every run ends with its report and the matching exit code', () => {
  it('a hanging server with --deadline 2s: exit 2 in about 2 s, a partial report listing every check as not run', async () => {
    const server = await startServer(hostile.hang);
    try {
      const result = await run(['verify', '--base-url', server.url, '--deadline', '2s', '--quiet']);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toBe(
        'scale-contracts: stopped early (deadline): the deadline (2 s) was reached during the preflight; partial report\n',
      );
      expect(result.ms).toBeLessThan(8000);
      const report = result.report as Report;
      expect(report.outcome).toBe('deadline');
      expect(report.deadlineMs).toBe(2000);
      expect(report.totals.checks).toBeGreaterThan(100);
      expect(report.totals.notRun).toBe(report.totals.checks);
      for (const check of report.operations.flatMap((operation) => operation.checks)) {
        expect(check.skipped).toBe('not run: the deadline (2 s) was reached');
      }
      expect(lastLine(result.stdout)).toBe(
        `${report.totals.checks} checks: 0 passed, 0 failed, ${report.totals.checks} skipped (${report.totals.checks} not run)`,
      );
      expectNoKey(result);
    } finally {
      await server.close();
    }
  });

  it('SIGINT during a run against a slow server: a partial report, exit 2, the reason said', async () => {
    const slow = await startForwarder(mock.url, { delayMs: 100 });
    const dir = tempDir();
    const file = join(dir, 'partial.json');
    const mockKeys = { SCALE_API_KEY: mock.apiKeys.scale, SGP_API_KEY: mock.apiKeys.sgp };
    try {
      const child = spawnCli(
        [
          'verify',
          '--base-url',
          slow.url,
          '--evaluation-id',
          evaluationId,
          '--rps',
          '1000',
          '--report',
          file,
        ],
        { env: mockKeys },
      );
      // Some checks done, then Ctrl-C.
      await child.waitFor(/(^✓ .*\n){5}/m, 20_000);
      const signalled = performance.now();
      child.kill('SIGINT');
      const { status } = await child.done;
      const afterSignal = performance.now() - signalled;
      expect(status, child.stderr()).toBe(2);
      expect(afterSignal).toBeLessThan(5000);
      expect(child.stderr()).toContain(
        'scale-contracts: SIGINT: stopping, the partial report follows (SIGINT again to quit now)',
      );
      expect(child.stderr().trimEnd().split('\n').at(-1)).toBe(
        'scale-contracts: stopped early (interrupted): interrupted (SIGINT); partial report',
      );
      const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
      expect(report.outcome).toBe('interrupted');
      expect(report.cause).toBe('interrupted (SIGINT)');
      expect(report.totals.passed).toBeGreaterThanOrEqual(3);
      expect(report.totals.failed).toBe(0);
      expect(report.totals.notRun).toBeGreaterThan(50);
      const reasons = new Set(
        report.operations.flatMap((operation) =>
          operation.checks.flatMap((check) => (check.skipped ? [check.skipped] : [])),
        ),
      );
      expect([...reasons].filter((reason) => reason.startsWith('not run:'))).toEqual(
        expect.arrayContaining(['not run: interrupted (SIGINT)']),
      );
      expect(lastLine(child.stdout())).toMatch(
        /^\d+ checks: \d+ passed, 0 failed, \d+ skipped .*\d+ not run\)$/,
      );
      expect(readdirSync(dir)).toEqual(['partial.json']);
      const secrets = Object.values(mock.apiKeys);
      expect(leaks(child.stdout(), secrets)).toEqual([]);
      expect(leaks(child.stderr(), secrets)).toEqual([]);
      expect(leaks(readFileSync(file), secrets)).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('the event loop running dry with a request pending: the partial report, exit 2, never 0', async () => {
    const result = await run(
      ['verify', '--base-url', 'http://127.0.0.1:9999', '--api', 'scale', '--quiet'],
      {
        preload: [pathToFileURL(join(import.meta.dirname, 'support', 'stall-everything.mjs')).href],
      },
    );
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toBe(
      'scale-contracts: suite error: the run stopped making progress: a request or check never settled and nothing was left to wait for (a bug in scale-contracts); partial report\n',
    );
    expect(lastLine(result.stdout)).toBe('0 checks: 0 passed, 0 failed, 0 skipped');
    expect(result.report?.outcome).toBe('suite-error');
    expectNoKey(result);
  });

  it('a crash in the suite: exit 2 with the error’s first line, the report written', async () => {
    const mockKeys = { SCALE_API_KEY: mock.apiKeys.scale, SGP_API_KEY: mock.apiKeys.sgp };
    const result = await run(
      ['verify', '--base-url', mock.url, '--api', 'scale', '--rps', '1000', '--quiet'],
      {
        env: mockKeys,
        preload: [pathToFileURL(join(import.meta.dirname, 'support', 'crash-plan.mjs')).href],
      },
    );
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /^scale-contracts: suite error: the suite crashed: Error: injected crash in the suite \(last check started: [^)]+\); partial report\n$/,
    );
    expect(result.stderr).not.toContain('second line');
    expect(result.report?.outcome).toBe('suite-error');
    expect(result.report?.totals.passed).toBeGreaterThan(0);
    expect(lastLine(result.stdout)).toMatch(/^\d+ checks: \d+ passed, 0 failed, \d+ skipped/);
    expectNoKey(result, Object.values(mock.apiKeys));
  });
});

describe('bodies too large to judge: memory stays bounded, each is a violation of its own', () => {
  it.each([
    {
      name: '50 MiB of JSON, chunked',
      handle: hostile.bigChunked,
      actual: /more than \d+ bytes read/,
    },
    {
      name: '50 MiB of JSON, content-length declared',
      handle: hostile.bigDeclared,
      actual: /content-length 52428815/,
    },
    {
      name: 'gzip inflating to 500 MiB',
      handle: hostile.gzipBomb,
      actual: /more than \d+ bytes read/,
    },
  ])('$name: exit 1, size violations, peak RSS bounded', async ({ handle, actual }) => {
    const server = await startServer(handle);
    try {
      const result = await run(
        [
          'verify',
          '--base-url',
          server.url,
          '--api',
          'scale',
          '--rps',
          '1000',
          '--max-requests',
          '12',
          '--quiet',
        ],
        { rss: true },
      );
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr).toBe('');
      const report = result.report as Report;
      expect(report.outcome).toBe('violations');
      const sizes = report.operations.flatMap((operation) =>
        operation.checks.flatMap((check) => check.violations.filter((v) => v.keyword === 'size')),
      );
      expect(sizes.length).toBeGreaterThan(3);
      expect(sizes[0]).toMatchObject({
        pointer: '',
        expected: 'a body small enough to judge (--max-body-bytes, maxBodyBytes)',
      });
      expect(sizes[0]?.actual).toMatch(
        /^the response body is larger than 20 MiB \(--max-body-bytes\): /,
      );
      expect(sizes[0]?.actual).toMatch(actual);
      // Node's baseline and the validators are about 100 MiB; a body read whole would be 500+.
      expect(result.peakRssMiB).toBeLessThan(400);
      expect(lastLine(result.stdout)).toMatch(/^\d+ checks: \d+ passed, [1-9]\d* failed/);
      expectNoKey(result);
    } finally {
      await server.close();
    }
  });

  it('a timeout while a large gzip body inflates (what once exited 0 with no output) ends in its report', async () => {
    const server = await startServer(hostile.gzipBomb);
    try {
      const result = await run(
        [
          'verify',
          '--base-url',
          server.url,
          '--api',
          'scale',
          '--timeout-ms',
          '700',
          '--max-body-bytes',
          '600m',
          '--quiet',
        ],
        { rss: true },
      );
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(
        /^scale-contracts: could not start: timeout: the Scale API at 127\.0\.0\.1:\d+ did not finish answering GET \/v2\/projects within 700 ms \(\d+ bytes of the body read\) \(--timeout-ms\)\n$/,
      );
      expect(lastLine(result.stdout)).toBe('0 checks: 0 passed, 0 failed, 0 skipped');
      expect(result.report?.outcome).toBe('could-not-start');
    } finally {
      await server.close();
    }
  });
});

describe('a server that stalls mid-body on one operation', () => {
  it('is a network violation of that check (exit 1), within the timeout', async () => {
    const stalling = await startForwarder(mock.url, { stallOn: /^\/v2\/project\?/ });
    const mockKeys = { SCALE_API_KEY: mock.apiKeys.scale, SGP_API_KEY: mock.apiKeys.sgp };
    try {
      const result = await run(
        [
          'verify',
          '--base-url',
          stalling.url,
          '--api',
          'scale',
          '--rps',
          '1000',
          '--timeout-ms',
          '800',
          '--quiet',
        ],
        { env: mockKeys },
      );
      expect(result.status, result.stderr).toBe(1);
      const getProject = result.report?.operations.find(
        (operation) => operation.operationId === 'getProject',
      );
      expect(getProject?.checks[0]).toMatchObject({
        ok: false,
        status: null,
        violations: [
          {
            pointer: '',
            keyword: 'network',
            expected: 'a response',
            actual: 'no complete response within 800 ms (6 bytes of the body read)',
          },
        ],
      });
      expect(result.report?.outcome).toBe('violations');
    } finally {
      await stalling.close();
    }
  });
});
