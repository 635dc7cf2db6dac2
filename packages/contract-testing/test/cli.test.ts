import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/index.js';
import { runCli } from './support/cli.js';
import { xmlProblems } from './support/xml.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'contract-testing-cli-'));

describe('scale-contracts verify against the mock (no base URL)', () => {
  it('starts the mock, allows writes, prints progress and the report, and exits 0', async () => {
    const result = await runCli(['verify']);
    expect(result.stderr).toContain(
      'scale-contracts: no --base-url, verifying the bundled mock server; writes allowed (the mock is disposable; --no-allow-writes to skip them)',
    );
    expect(result.stderr).toContain('… starting the mock server');
    expect(result.stderr).toMatch(/^✓ getTask: by task_id \(200\)$/m);
    expect(result.stdout).toMatch(
      /^scale-contracts verify all against http:\/\/127\.0\.0\.1:\d+ \(the mock server\)$/m,
    );
    expect(result.stdout).toMatch(
      /^✓ createV1CategorizationTask {2}POST \/v1\/task\/categorization$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}✓ a task type without a path is answered 404 with the documented error body +POST \/v1\/task\/not_a_task_type → 404$/m,
    );
    expect(result.stdout).toMatch(
      /^- createV1AudioTranscriptionTask {2}POST \/v1\/task\/audiotranscription$/m,
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '342 checks: 306 passed, 0 failed, 36 skipped (31 not counted: no positive control)',
    );
    expect(result.status, result.stderr).toBe(0);
  });

  it.each([
    ['JSON', 'report.json'],
    ['JUnit', 'report.xml'],
  ])('writes a %s report atomically with --report, quietly', async (_format, name) => {
    const dir = tempDir();
    const file = join(dir, name);
    writeFileSync(file, 'previous report');
    const result = await runCli([
      'verify',
      '--api',
      'sgp',
      '--no-allow-writes',
      '--quiet',
      '--report',
      file,
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '23 checks: 0 passed, 0 failed, 23 skipped (14 not counted: no positive control)',
    );
    expect(readdirSync(dir)).toEqual([name]);
    const text = readFileSync(file, 'utf8');
    if (name.endsWith('.json')) {
      const report = JSON.parse(text) as Report;
      expect(report).toMatchObject({ api: 'sgp', mock: true, writes: false });
      expect(report.totals).toEqual({
        checks: 23,
        passed: 0,
        failed: 0,
        skipped: 23,
        notCounted: 14,
      });
    } else {
      expect(xmlProblems(text)).toEqual([]);
      expect(text).toContain(
        '<testsuites name="scale-contracts verify sgp" tests="23" failures="0" errors="0" skipped="23"',
      );
    }
  });
});

describe('scale-contracts help', () => {
  it.each([
    [['--help'], /^usage: scale-contracts <command> \[options\]/],
    [['help'], /^usage: scale-contracts <command> \[options\]/],
    [
      ['verify', '--help'],
      /^usage: scale-contracts verify \[options\][\s\S]*--evaluation-id <id>[\s\S]*--deadline <duration>[\s\S]*default:\s+min\(max-requests, 400\) × \(timeout-ms \+ 1 s \/ rps\)[\s\S]*30 min with the defaults[\s\S]*exit codes:\n {2}0 [\s\S]*\n {2}1 [\s\S]*\n {2}2 /,
    ],
    [['verify', '-h'], /^usage: scale-contracts verify \[options\]/],
  ])('%j prints usage and exits 0', async (args, usage) => {
    const result = await runCli(args);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(usage);
    expect(result.stderr).toBe('');
  });
});

describe('scale-contracts usage errors', () => {
  it.each([
    [
      ['verify', '--bogus'],
      "scale-contracts: Unknown option '--bogus' (see scale-contracts verify --help)",
    ],
    [
      ['verify', '--api', 'v3'],
      'scale-contracts: --api must be scale, sgp or all (got "v3") (see scale-contracts verify --help)',
    ],
    [
      ['verify', '--rps', '0'],
      'scale-contracts: --rps must be a positive number (got "0") (see scale-contracts verify --help)',
    ],
    [
      ['verify', '--max-requests', 'many'],
      'scale-contracts: --max-requests must be a positive integer (got "many") (see scale-contracts verify --help)',
    ],
    [
      ['verify', '--report', 'out.txt'],
      'scale-contracts: --report must name a .xml (JUnit), .json or .html file (got "out.txt") (see scale-contracts verify --help)',
    ],
    [
      ['verify', '--base-url', 'api.scale.com'],
      'scale-contracts: --base-url is not a URL: "api.scale.com" (see scale-contracts verify --help)',
    ],
    [
      ['verify', '--base-url'],
      "scale-contracts: Option '--base-url <value>' argument missing (see scale-contracts verify --help)",
    ],
    [
      ['verify', 'now'],
      'scale-contracts: unexpected argument "now" (see scale-contracts verify --help)',
    ],
    [
      ['verify', '--base-url', 'http://127.0.0.1:9', '--api', 'scale'],
      'scale-contracts: no Scale API key: pass scaleApiKey (--scale-key) or set SCALE_API_KEY (see scale-contracts verify --help)',
    ],
    [
      ['frobnicate'],
      'scale-contracts: unknown command "frobnicate" (commands: verify, help) (see scale-contracts --help)',
    ],
    [[], 'scale-contracts: missing command (commands: verify, help) (see scale-contracts --help)'],
  ])('%j exits 2 with one line naming the problem', async (args, line) => {
    const result = await runCli(args);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe('');
  });

  it('refuses a --report in a missing directory before sending a request', async () => {
    const dir = tempDir();
    const file = join(dir, 'missing-dir', 'r.json');
    const result = await runCli(['verify', '--report', file]);
    expect(result.stderr).toBe(
      `scale-contracts: --report: cannot write to directory ${JSON.stringify(join(dir, 'missing-dir'))} (see scale-contracts verify --help)\n`,
    );
    expect(result.status, result.stderr).toBe(2);
  });
});

describe('scale-contracts against a server that cannot be reached', () => {
  // Once each check was reported as a network violation, with exit 1 ("violations found"):
  // the API broke no spec, it was not there. Now the preflight says so and the run exits 2.
  it('cannot start: one line names the refused connection, exit 2, no check runs', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await runCli(
      [
        'verify',
        '--base-url',
        `http://127.0.0.1:${port}`,
        '--api',
        'sgp',
        '--rps',
        '1000',
        '--quiet',
      ],
      { SGP_API_KEY: 'sgp_key_for_cli_test' },
    );
    expect(result.stderr).toBe(
      `scale-contracts: could not start: cannot connect to the SGP API at 127.0.0.1:${port}: connection refused (is --base-url http://127.0.0.1:${port} right, and the server up?)\n`,
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '0 checks: 0 passed, 0 failed, 0 skipped',
    );
    expect(result.status, result.stderr).toBe(2);
  });
});
