import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatText, type Report, toJson, toJUnit, verify } from '../src/index.js';
import { runCli } from './support/cli.js';
import { type Drift, startDriftProxy } from './support/drift-proxy.js';
import { parseCurl } from './support/shell.js';

// A drifting fake: the mock behind a loopback proxy that
// - answers 500 whenever `limit` of GET /v2/tasks is not an integer from 1 to 100 (an invalid
//   request must get a documented 4xx): a finding;
// - breaks the body of GET /v2/batches whenever `expand` is sent (a valid request's response
//   must satisfy its schema): a finding;
// - refuses GET /v2/project by `project_name` with a documented 404 and a conforming body: a
//   rule the schema does not state, counted and listed, not a finding;
// - refuses GET /v2/batch by `batch_name` (without `expand`) with a 404 whose body breaks
//   ErrorBody: a finding.
const key = 'live_fuzz_secret_scale_0123456789abcdef';
let mock: MockServer;
let proxy: Awaited<ReturnType<typeof startDriftProxy>>;

const drift: Drift = (request, response) => {
  if (request.method === 'GET' && request.path === '/v2/tasks' && request.query.has('limit')) {
    const limit = request.query.get('limit') ?? '';
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 100) {
      return {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status_code: 500, error: 'limit out of range crashed us' }),
      };
    }
  }
  if (
    request.method === 'GET' &&
    request.path === '/v2/batches' &&
    request.query.has('expand') &&
    response.status === 200
  ) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batches: 'not a list' }),
    };
  }
  if (
    request.method === 'GET' &&
    request.path === '/v2/project' &&
    request.query.has('project_name')
  ) {
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status_code: 404, error: 'no project by that name here' }),
    };
  }
  if (
    request.method === 'GET' &&
    request.path === '/v2/batch' &&
    request.query.has('batch_name') &&
    !request.query.has('expand')
  ) {
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status_code: 404, error: 5 }),
    };
  }
  return undefined;
};

beforeAll(async () => {
  mock = await startMockServer({ apiKeys: { scale: key } });
  proxy = await startDriftProxy(mock.url, drift);
});
afterAll(async () => {
  await proxy?.close();
  await mock?.close();
});

const fuzzed = (report: Report, operationId: string, name: string) => {
  const operation = report.operations.find((item) => item.operationId === operationId);
  const check = operation?.checks.find((item) => item.name === name);
  if (!check) {
    throw new Error(`no check ${name} of ${operationId}`);
  }
  return check;
};

const hasCurl = spawnSync('curl', ['--version']).status === 0;

/** Runs a reproducer line in a POSIX shell, as a user pastes it; resolves with curl's stdout. */
function runInShell(line: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

/** The reproducer replayed: with curl when the machine has it, else parsed and sent with fetch. */
async function replay(line: string): Promise<number> {
  if (hasCurl) {
    const out = await runInShell(line, { SCALE_API_KEY: key });
    return Number(/^HTTP\/[\d.]+ (\d{3})/.exec(out)?.[1]);
  }
  const request = parseCurl(line, { SCALE_API_KEY: key });
  const response = await fetch(request.url, request);
  return response.status;
}

describe('verify --fuzz against a drifting fake', () => {
  let report: Report;
  let projectId: string;
  beforeAll(async () => {
    report = await verify({
      baseUrl: proxy.url,
      api: 'scale',
      scaleApiKey: key,
      requestsPerSecond: Number.POSITIVE_INFINITY,
      maxRequests: 100_000,
      fuzz: { seed: 1 },
    });
    const projects = (await (
      await fetch(`${mock.url}/v2/projects`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { projects: { id: string }[] };
    projectId = projects.projects[0]?.id ?? '';
  }, 120_000);

  it('reports the 500 to an invalid limit, shrunk to the smallest request', async () => {
    const check = fuzzed(report, 'getTasks', 'fuzz: invalid request refused');
    expect(check).toMatchObject({ ok: false, status: 500 });
    expect(check.violations[0]).toMatchObject({ pointer: '', keyword: 'status' });
    expect(check.violations[0]?.expected).toMatch(/^a documented 4xx/);
    expect(check.fuzz?.shrinks).toBeGreaterThan(0);
    expect(check.fuzz?.mutation).toMatch(/^query limit: /);
    // Smallest: the one-of filter the rule needs (the first project's id) and the broken limit.
    const url = new URL(check.request.replace(/^GET /, 'http://x'));
    expect(url.pathname).toBe('/v2/tasks');
    expect([...url.searchParams.keys()].sort()).toEqual(['limit', 'project_id']);
    expect(url.searchParams.get('project_id')).toBe(projectId);
    // The reproducer is that request, and running it gets the 500 again.
    const line = check.reproducer ?? '';
    expect(line).toMatch(/^curl -sS -i -g --path-as-is '?http:\/\/127\.0\.0\.1:\d+\/v2\/tasks\?/);
    expect(line).toContain('-H "authorization: Bearer $SCALE_API_KEY"');
    expect(line).toContain(check.request.slice('GET '.length));
    expect(await replay(line)).toBe(500);
    expect(await replay(line.replace(/limit=[^&' ]*/, 'limit=5'))).toBe(200);
  });

  it('reports the broken body of a valid request, shrunk to the smallest request', async () => {
    const check = fuzzed(report, 'getBatches', 'fuzz: valid request accepted');
    expect(check).toMatchObject({ ok: false, status: 200 });
    expect(check.violations).toEqual([
      expect.objectContaining({ pointer: '/batches', keyword: 'type', actual: '"not a list"' }),
    ]);
    const url = new URL(check.request.replace(/^GET /, 'http://x'));
    expect(url.pathname).toBe('/v2/batches');
    expect([...url.searchParams.entries()].sort()).toEqual([
      ['expand', 'project'],
      ['project_id', projectId],
    ]);
    expect(await replay(check.reproducer ?? '')).toBe(200);
    const parsed = parseCurl(check.reproducer ?? '', { SCALE_API_KEY: key });
    const body = await (await fetch(parsed.url, parsed)).json();
    expect(body).toEqual({ batches: 'not a list' });
  });

  it('counts and lists a documented refusal of a valid request, and passes it', () => {
    const check = fuzzed(report, 'getProject', 'fuzz: valid request accepted');
    expect(check.ok).toBe(true);
    expect(check.fuzz?.refusedCount).toBeGreaterThan(0);
    expect(check.fuzz?.refused[0]).toEqual({
      request: expect.stringMatching(/^GET \/v2\/project\?project_name=/),
      status: 404,
      message: 'no project by that name here',
    });
    expect(check.request).toMatch(/refused by unstated rules\)$/);
    expect(report.fuzz?.refused).toBe(check.fuzz?.refusedCount);
  });

  it('reports a refusal of a valid request whose body breaks ErrorBody', () => {
    const check = fuzzed(report, 'getBatch', 'fuzz: valid request accepted');
    expect(check).toMatchObject({ ok: false, status: 404 });
    expect(check.violations).toEqual([
      expect.objectContaining({ pointer: '/error', keyword: 'type', actual: '5' }),
    ]);
    expect(check.request).toMatch(/^GET \/v2\/batch\?batch_name=[^&]+$/);
  });

  it('finds nothing else: the other operations pass', () => {
    const failed = report.operations.flatMap((operation) =>
      operation.checks
        .filter((check) => check.name.startsWith('fuzz: ') && !check.ok)
        .map((check) => `${operation.operationId}: ${check.name}`),
    );
    expect(failed.sort()).toEqual([
      'getBatch: fuzz: valid request accepted',
      'getBatches: fuzz: valid request accepted',
      'getTasks: fuzz: invalid request refused',
    ]);
    expect(report.fuzz?.findings).toBe(3);
  });

  it('keeps the key out of every output: text, JSON, JUnit, the CLI and its progress lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scale-contracts-fuzz-'));
    const file = join(dir, 'report.json');
    const cli = await runCli(
      [
        'verify',
        '--base-url',
        proxy.url,
        '--api',
        'scale',
        '--fuzz',
        '--seed',
        '1',
        '--max-examples',
        '10',
        '--rps',
        '100000',
        '--max-requests',
        '100000',
        '--report',
        file,
      ],
      { SCALE_API_KEY: key },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('--fuzz: seed 1 (replay this run with --fuzz --seed 1)');
    expect(cli.stdout).toContain('fuzz: seed 1 (replay: --fuzz --seed 1)');
    expect(cli.stdout).toMatch(/reproduce: curl .*"authorization: Bearer \$SCALE_API_KEY"/);
    expect(cli.stderr).toMatch(/reproduce: curl /);
    const outputs = {
      text: formatText(report),
      json: toJson(report),
      junit: toJUnit(report),
      stdout: cli.stdout,
      stderr: cli.stderr,
      file: readFileSync(file, 'utf8'),
    };
    const basic = Buffer.from(`${key}:`).toString('base64');
    const windows = Array.from({ length: key.length - 7 }, (_, start) =>
      key.slice(start, start + 8),
    );
    for (const [where, text] of Object.entries(outputs)) {
      expect(text.includes(key), where).toBe(false);
      expect(text.includes(basic), where).toBe(false);
      expect(
        windows.filter((window) => text.includes(window)),
        where,
      ).toEqual([]);
    }
    expect(outputs.junit).toContain('reproduce: curl');
  }, 120_000);
});

describe('the CLI options of the fuzz phase', () => {
  it.each([
    [['--seed', '1'], '--seed needs --fuzz'],
    [['--max-examples', '3'], '--max-examples needs --fuzz'],
    [['--fuzz', '--seed=-1'], '--seed must be an integer from 0 to 4294967295 (got "-1")'],
    [['--fuzz', '--seed', '4294967296'], '--seed must be an integer'],
    [['--fuzz', '--max-examples', '0'], '--max-examples must be a positive integer (got "0")'],
  ])('%j is a usage error', async (args, message) => {
    const result = await runCli(['verify', ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('runs against the mock and prints the seed it drew', async () => {
    const result = await runCli(['verify', '--api', 'scale', '--fuzz', '--max-examples', '2']);
    expect(result.status, result.stdout).toBe(0);
    const seed = /--fuzz: seed (\d+) \(replay this run with --fuzz --seed \1\)/.exec(result.stderr);
    expect(seed).not.toBeNull();
    expect(result.stdout).toContain(`fuzz: seed ${seed?.[1]} (replay: --fuzz --seed ${seed?.[1]})`);
  }, 60_000);
});
