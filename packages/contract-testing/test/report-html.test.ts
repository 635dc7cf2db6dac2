import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, type Report, toHtml } from '../src/index.js';
import { launchChromium, requireChromium } from './support/chromium.js';
import { runCli } from './support/cli.js';
import { type Drift, rewriteJson, startDriftProxy } from './support/drift-proxy.js';
import { sampleReport as baseReport } from './support/sample-report.js';

/** What a hostile server puts in an error message: it must show as text and never run. */
const INJECTION = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

/** The sample report, its failure carrying markup a server sent and a reproducer. */
const sampleReport = () =>
  baseReport({
    violations: [
      { pointer: '/created_at', keyword: 'type', expected: 'must be string', actual: '5' },
      { pointer: '', keyword: 'status', expected: 'a 2xx', actual: `500 ${INJECTION}` },
    ],
    reproducer: `curl -sS 'http://127.0.0.1:4010/v2/task?task_id=t&x=1' -H "Authorization: Bearer $SCALE_API_KEY" # ${INJECTION}`,
  });

/** The text a reader sees in an element: rendered text, without what CSS hides. */
// biome-ignore lint/performance/useDomNodeTextContent: what is rendered is the point, not the DOM's text.
const seen = (locator: Locator) => locator.innerText();

/** The tags of a page, in order, with their attributes (enough to see what markup is there). */
const tagsOf = (html: string) => [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)];

describe('toHtml', () => {
  it('is one page: header, totals, failures first with pointer, keyword, expected, actual and reproducer, then every check', () => {
    const html = toHtml(sampleReport());
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<dt>Target</dt><dd><code>http://127.0.0.1:4010</code></dd>');
    expect(html).toContain('<dt>Server</dt><dd>live (the URL above, not the bundled mock)</dd>');
    expect(html).toContain('<dt>Writes</dt><dd>not allowed (reads only)</dd>');
    expect(html).toContain('<dt>Duration</dt><dd>1.2 s</dd>');
    expect(html).toContain('<dt>Requests</dt><dd>3</dd>');
    expect(html).toContain('<dt>✗ Failed</dt><dd>1</dd>');
    expect(html).toMatch(/<h2 id="failures-title">Failures \(1\)<\/h2>/);
    // The failure comes before the list of every check.
    expect(html.indexOf('class="failure"')).toBeLessThan(html.indexOf('class="operations"'));
    expect(html).toContain(
      '<tr><td data-label="JSON pointer"><code>/created_at</code></td><td data-label="Keyword"><code>type</code></td><td data-label="Expected" class="wrap">must be string</td><td data-label="Actual"><code>5</code></td></tr>',
    );
    expect(html).toContain(
      '<td data-label="JSON pointer"><code>(response)</code></td><td data-label="Keyword"><code>status</code></td>',
    );
    expect(html).toMatch(/<h4 [^>]*>Reproducer<\/h4>\n<pre tabindex="0"[^>]*><code>curl -sS /);
    expect(html).toContain('skipped: writes not allowed');
    expect(html).toContain('<input type="checkbox" id="only-failures"');
    expect(html).toContain('<label for="only-failures">Show only failed checks</label>');
  });

  it('escapes every string: markup a server sent is text', () => {
    const html = toHtml(sampleReport());
    const tags = tagsOf(html).map((match) => match[1]?.toLowerCase());
    expect(tags).not.toContain('script');
    expect(tags).not.toContain('img');
    expect(html).toContain(
      '&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;',
    );
    expect(html).toContain('by task_id &lt;&amp;&gt; &quot;quoted&quot;');
    expect(html).toContain('GET /v2/task?task_id=t&amp;x=1');
  });

  it('loads nothing and runs nothing: inline CSS only, links only within the page', () => {
    const html = toHtml(sampleReport());
    for (const [tag, name, attributes = ''] of tagsOf(html)) {
      expect(['script', 'link', 'img', 'iframe', 'object', 'embed'], tag).not.toContain(name);
      expect(attributes, tag).not.toMatch(/\s(src|srcset|action|formaction|background)=/i);
      for (const href of attributes.matchAll(/\shref="([^"]*)"/g)) {
        expect(href[1], tag).toMatch(/^#/);
      }
      expect(attributes, tag).not.toMatch(/\son\w+=/i);
    }
    const style = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
    expect(style).not.toMatch(/url\(|@import|@font-face/);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`,
    );
  });

  it('shows how a run ended when it did not simply end: outcome, cause, preflight, checks not run', () => {
    const report: Report = {
      ...sampleReport(),
      outcome: 'interrupted',
      cause: 'SIGINT <after 12 checks>',
      deadlineMs: 600_000,
      preflight: [{ api: 'scale', request: 'GET /v2/projects', status: 200, ok: true }],
      totals: { checks: 3, passed: 1, failed: 1, skipped: 1, notCounted: 0, notRun: 1 },
    };
    const html = toHtml(report);
    expect(html).toContain(
      '<div class="outcome failed">\n<p>✗ Interrupted: a partial report</p>\n<p>✗ 1 check failed: the server does not match the spec</p>\n<p class="cause">Cause: SIGINT &lt;after 12 checks&gt;</p>\n</div>',
    );
    expect(html).toContain('<dt>Deadline</dt><dd>10 min 0 s</dd>');
    expect(html).toContain(
      '<dt>Preflight</dt><dd><span class="badge passed">✓ passed</span> Scale: <code>GET /v2/projects</code> → 200</dd>',
    );
    expect(html).toContain('<dd class="parts">1 not run</dd>');

    const notStarted = toHtml({
      ...sampleReport(),
      operations: [],
      requests: 1,
      totals: { checks: 0, passed: 0, failed: 0, skipped: 0 },
      outcome: 'could-not-start',
      cause: 'the Scale key was refused: 401 from GET /v2/projects',
      preflight: [
        {
          api: 'scale',
          request: 'GET /v2/projects',
          status: 401,
          ok: false,
          cause: 'the key was refused',
        },
      ],
    });
    expect(notStarted).toContain(
      '<div class="outcome failed">\n<p>✗ Could not start: no check ran</p>\n<p class="cause">Cause: the Scale key was refused: 401 from GET /v2/projects</p>\n</div>',
    );
    expect(notStarted).toContain(
      '<span class="badge failed">✗ failed</span> Scale: <code>GET /v2/projects</code> → 401 (the key was refused)',
    );
    expect(notStarted).toContain('<p>No check ran.</p>');
  });

  it('shows the fuzz phase and what a fuzz finding sent, when the report has them', () => {
    const report = sampleReport();
    const finding = report.operations[1]?.checks[0];
    if (!finding) {
      throw new Error('sample report changed');
    }
    Object.assign(finding, {
      fuzz: {
        kind: 'invalid',
        seed: 42,
        examples: 25,
        shrinks: 4,
        statuses: { 200: 1, 400: 24 },
        refused: [],
        refusedCount: 0,
        rateLimited: 0,
        mutation: 'limit: maximum 100 <101>',
      },
    });
    const html = toHtml({
      ...report,
      fuzz: { seed: 7, maxExamples: 25, requests: 90, findings: 1, refused: 3, durationMs: 900 },
    } as Report);
    expect(html).toContain(
      '<dt>Fuzz</dt><dd>seed 7 (replay: <code>--fuzz --seed 7</code>), 25 examples per operation and kind, 90 requests, 1 finding, 3 valid requests refused by a rule the spec does not state</dd>',
    );
    expect(html).toContain(
      'Fuzz:</span> invalid generated requests, seed 42, 25 examples, 4 shrinking requests; the request breaks <code>limit: maximum 100 &lt;101&gt;</code>',
    );
  });

  it.each([
    ['<a & b>', '&lt;a &amp; b&gt;'],
    [`"it's"`, '&quot;it&#39;s&quot;'],
    ['nul\u0000 bell\u0007', 'nul\uFFFD bell\uFFFD'],
    ['tab\tnewline\n', 'tab\tnewline\n'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['pair \uD83D\uDE00 kept', 'pair \uD83D\uDE00 kept'],
  ])('escapeHtml(%j)', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

// Keys that look real, so that a leak would be plain to see; the SGP key has characters that
// URL-encoding changes.
const keys = { scale: 'live_Hq7sK2pXv9LmW3nR8tYbQ4', sgp: 'sgp_Zx4Jm8+Qe2Wr6/Tn0Pk5Ld' };
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ apiKeys: keys });
});
afterAll(async () => {
  await mock.close();
});

/** The drifts, tried in order: the first that rewrites a response wins. */
const drifts =
  (...list: Drift[]): Drift =>
  (request, response) => {
    for (const drift of list) {
      const rewritten = drift(request, response);
      if (rewritten) {
        return rewritten;
      }
    }
    return undefined;
  };

/** `verify` through the CLI against `url`, both APIs, no writes, writing `--report <file>`. */
const verifyCli = (url: string, file: string, ...extra: string[]) =>
  runCli(
    [
      'verify',
      '--base-url',
      url,
      '--api',
      'all',
      '--evaluation-id',
      mock.fixtures.evaluationIds[0] ?? '',
      '--rps',
      '1000',
      '--report',
      file,
      ...extra,
    ],
    { SCALE_API_KEY: keys.scale, SGP_API_KEY: keys.sgp },
  );

/** Every form of a key a report must not hold, and every 8-character piece of each. */
function leakForms(key: string): string[] {
  const whole = [key, encodeURIComponent(key), Buffer.from(`${key}:`).toString('base64')];
  const pieces = whole.flatMap((form) =>
    Array.from({ length: form.length - 7 }, (_, start) => form.slice(start, start + 8)),
  );
  return [...new Set([...whole, ...pieces])];
}

describe('no report holds a key', () => {
  it('in any form (plain, Basic base64, URL-encoded, cut short) when a server echoes it in bodies and headers', async () => {
    const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    // Long enough that the report's 200-character cut falls inside the echoed key.
    const pad = (length: number) => 'x'.repeat(length);
    // Echoes go on answers the run does not chain from, so every echo reaches the report.
    const echo = drifts(
      // The credential in a body, whole.
      rewriteJson('GET', '/v2/project', (body, request) => ({
        ...body,
        created_at: `echo ${request.headers.authorization}`,
      })),
      // In an error body, cut short by the report (a 500 for a 404: the body goes in `actual`).
      rewriteJson(
        'GET',
        '/v2/batch',
        (_body, request) => ({
          status_code: 500,
          error: `${pad(150)}${request.headers.authorization}`,
        }),
        { status: 500, when: (_request, status) => status === 404 },
      ),
      // As an HTTP Basic credential, cut short.
      rewriteJson(
        'GET',
        '/v2/batches',
        () => ({ status_code: 500, error: `${pad(140)}${basic(keys.scale)}` }),
        { status: 500, when: (_request, status) => status === 400 },
      ),
      // SGP: the key in the content type of a 422 (for the request without a body), ...
      (request, response) =>
        /\/tasks\/batch-assign$/.test(request.path) &&
        response.status === 422 &&
        request.headers['content-type'] === undefined
          ? {
              ...response,
              headers: { 'content-type': `application/x-${request.headers['x-api-key']}` },
            }
          : undefined,
      // ... and, URL-encoded and whole, in the detail of the others.
      rewriteJson(
        'PATCH',
        /\/tasks\/batch-assign$/,
        (_body, request) => ({
          detail: `bad key ${request.headers['x-api-key']} (${encodeURIComponent(keys.sgp)})`,
        }),
        { when: (_request, status) => status === 422 },
      ),
      // In headers: a content type, and a Location that is no URL, cut short.
      (request, response) =>
        request.path === '/v2/tasks' && response.status === 400
          ? {
              ...response,
              headers: { 'content-type': `text/plain; echo=${request.headers.authorization}` },
            }
          : undefined,
      (request, response) =>
        request.path.includes('/response_url/') && response.status === 302
          ? { ...response, headers: { location: `:${pad(180)}${basic(keys.scale)}` } }
          : undefined,
    );
    const proxy = await startDriftProxy(mock.url, echo);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'contract-testing-secrets-'));
      const names = ['report.html', 'report.json', 'report.xml'];
      const runs = await Promise.all(names.map((name) => verifyCli(proxy.url, join(dir, name))));
      for (const run of runs) {
        expect(run.status, run.stderr).toBe(1);
      }
      expect(readdirSync(dir).sort()).toEqual([...names].sort());
      const outputs: Record<string, Buffer> = {
        ...Object.fromEntries(names.map((name) => [name, readFileSync(join(dir, name))])),
        'text (stdout)': Buffer.from(runs[0]?.stdout ?? ''),
        'progress (stderr)': Buffer.from(runs.map((run) => run.stderr).join('\n')),
      };
      for (const [name, bytes] of Object.entries(outputs)) {
        for (const key of Object.values(keys)) {
          for (const form of leakForms(key)) {
            expect(bytes.includes(form), `${name} holds ${JSON.stringify(form)}`).toBe(false);
          }
        }
        expect(bytes.includes('[redacted]'), `${name} shows where a key was`).toBe(true);
      }
      // Each echo reached the report (the checks above are not vacuous).
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
      const actuals = report.operations.flatMap((operation) =>
        operation.checks.flatMap((check) =>
          check.violations.map((violation) => `${operation.operationId} ${violation.actual}`),
        ),
      );
      for (const [operationId, marker] of [
        ['getProject', '"echo Bearer [redacted]"'],
        ['getBatch', `${pad(150)}Bearer [redacted]`],
        ['getBatches', `${pad(140)}Basic [redacted]`],
        ['batchAssignEvaluationTasks', 'bad key [redacted] ([redacted])'],
        ['getTasks', 'text/plain; echo=Bearer [redacted]'],
        ['getDatasetTaskResponseUrl', 'Basic [redacted]'],
        ['batchAssignEvaluationTasks', 'application/x-[redacted]'],
      ] as const) {
        expect(
          actuals.some((actual) => actual.startsWith(`${operationId} `) && actual.includes(marker)),
          `${operationId}: ${marker}`,
        ).toBe(true);
      }
    } finally {
      await proxy.close();
    }
  });
});

const screenshot = fileURLToPath(new URL('../.vitest/report-html.png', import.meta.url));

describe('the HTML report in headless Chromium', () => {
  it('shows a drifting run as a reader sees it: totals, failures, a working filter, markup as text, no request', async () => {
    requireChromium();
    // A drifting mock: a renamed field, a wrong type, an accepted limit=0, and a server whose
    // error message is markup.
    const drift = drifts(
      rewriteJson('GET', '/v2/task', (body) => {
        const { task_id: id, ...rest } = body;
        return { ...rest, taskId: id };
      }),
      rewriteJson('GET', /^\/v1\/task\/[^/]+$/, (body) => ({ ...body, created_at: 5 })),
      rewriteJson('GET', '/v2/tasks', () => ({ tasks: [] }), {
        status: 200,
        when: (request, status) => status === 400 && request.query.get('limit') === '0',
      }),
      rewriteJson('GET', '/v2/batch', () => ({ status_code: 418, error: INJECTION }), {
        status: 418,
      }),
    );
    const proxy = await startDriftProxy(mock.url, drift);
    const dir = mkdtempSync(join(tmpdir(), 'contract-testing-html-'));
    const file = join(dir, 'contracts.html');
    let run: Awaited<ReturnType<typeof verifyCli>>;
    try {
      run = await verifyCli(proxy.url, file, '--quiet');
    } finally {
      await proxy.close();
    }
    expect(run.status, run.stderr).toBe(1);
    // The text report's last line: `N checks: N passed, N failed, N skipped[ (N not counted: …)]`.
    const summary =
      /^(\d+) checks: (\d+) passed, (\d+) failed, (\d+) skipped(?: \((\d+) not counted)?/m.exec(
        run.stdout,
      );
    expect(summary, run.stdout).not.toBeNull();
    const [checks, passed, failed, skipped, notCounted] = (summary ?? [])
      .slice(1)
      .map((count) => (count === undefined ? undefined : Number(count)));
    expect(failed).toBeGreaterThanOrEqual(4);
    expect(passed).toBeGreaterThan(0);
    expect(skipped).toBeGreaterThan(0);

    const browser = await launchChromium();
    try {
      const { context } = browser;
      const requests: string[] = [];
      context.on('request', (request) => requests.push(request.url()));
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          problems.push(`console ${message.type()}: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: 'load' });

      // The header and the totals, as rendered text.
      const header = await seen(page.locator('header'));
      expect(header).toContain(`scale-contracts verify: Scale and SGP`);
      expect(header).toMatch(/Target\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(header).toMatch(/Server\s+live/);
      expect(header).toMatch(/Writes\s+not allowed/);
      expect(header).toMatch(/Started at\s+\d{4}-\d\d-\d\dT/);
      expect(header).toMatch(/Requests\s+\d+/);
      const totals = await seen(page.locator('.totals'));
      expect(totals.replace(/\s+/g, ' ')).toBe(
        `Checks ${checks} ✓ Passed ${passed} ✗ Failed ${failed} – Skipped ${skipped}${notCounted === undefined ? '' : ` ${notCounted} not counted (no positive control)`}`,
      );
      expect(await seen(page.locator('.outcome'))).toContain(`✗ ${failed} checks failed`);

      // A failed check: its operation, pointer, keyword, expected and actual, visible.
      const getTask = page
        .locator('article.failure[data-operation="getTask"]', {
          has: page.locator('tbody tr', { hasText: 'must have required property task_id' }),
        })
        .first();
      expect(await getTask.isVisible()).toBe(true);
      const getTaskText = await seen(getTask);
      expect(getTaskText).toMatch(/^✗ failed\s+getTask\s+\S/);
      expect(getTaskText).toMatch(/Request: GET \/v2\/task\?task_id=\S+ → 200/);
      const row = getTask.locator('tbody tr', { hasText: 'must have required property task_id' });
      expect((await row.locator('td').allInnerTexts()).map((cell) => cell.trim())).toEqual([
        '/task_id',
        'required',
        'must have required property task_id',
        '(absent)',
      ]);
      expect(await row.isVisible()).toBe(true);
      const v1 = page.locator('article.failure[data-operation="getV1Task"] tbody tr');
      expect((await v1.first().locator('td').allInnerTexts()).map((cell) => cell.trim())).toEqual([
        '/created_at',
        'type',
        'must be string',
        '5',
      ]);

      // The server's markup is text on the page, and nothing ran.
      const injected = page.locator('article.failure[data-operation="getBatch"]').first();
      // As the report holds it: inside the JSON of the body.
      expect(await seen(injected)).toContain(JSON.stringify(INJECTION).slice(1, -1));
      expect(await seen(injected)).toContain('<script>window.__pwned=1</script>');
      // (Expressions as strings: this package's TypeScript has no DOM library.)
      expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
      expect(await page.evaluate('document.scripts.length')).toBe(0);
      expect(await page.evaluate('document.images.length')).toBe(0);

      // The filter: tick it and only the failed checks (and their operations) show.
      const passing = page.locator('section[data-operation="getProjects"] tr.check.passed').first();
      const skippedRow = page.locator('tr.check.skipped').first();
      const failedRow = page.locator('section[data-operation="getTask"] tr.check.failed').first();
      expect(await passing.isVisible()).toBe(true);
      expect(await skippedRow.isVisible()).toBe(true);
      const visibleRows = () =>
        page.evaluate<string[]>(
          "[...document.querySelectorAll('tr.check')].filter((row) => row.offsetParent !== null).map((row) => row.className)",
        );
      expect((await visibleRows()).length).toBe(checks);
      // What a reader sees on opening the page.
      mkdirSync(join(screenshot, '..'), { recursive: true });
      await page.screenshot({ path: screenshot });
      await page.getByLabel('Show only failed checks').check();
      expect(await passing.isVisible()).toBe(false);
      expect(await skippedRow.isVisible()).toBe(false);
      expect(await page.locator('section[data-operation="getProjects"]').isVisible()).toBe(false);
      expect(await failedRow.isVisible()).toBe(true);
      expect(await visibleRows()).toEqual(
        Array.from({ length: failed ?? 0 }, () => 'check failed'),
      );
      // The whole page, filtered: the run, the totals, every failure.
      await page.screenshot({
        path: screenshot.replace(/\.png$/, '-failures.png'),
        fullPage: true,
      });
      await page.getByLabel('Show only failed checks').uncheck();
      expect(await passing.isVisible()).toBe(true);

      // The page asked for nothing but itself, and nothing complained (a CSP block would).
      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
