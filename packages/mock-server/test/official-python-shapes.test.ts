/**
 * The request shapes the official Python clients (`scaleapi` on PyPI: the hand-written v1
 * client and the openapi-generator v2 client) put on the wire, replayed over real HTTP against
 * the mock, each compared with the canonical (RFC 3339, lower-case JSON boolean) form of the
 * same request: the answers must be the same. The Python registry is out of reach in CI, so
 * the shapes are rebuilt here from what the clients do (see each comment), not captured.
 *
 * - Date-times: `strftime('%Y-%m-%dT%H:%M:%S.%f%z')`, so microseconds always, a `+HHMM` offset
 *   without a colon for an aware time and no offset at all for a naive one.
 * - Booleans in a query: `str(True)`, i.e. `True` / `False`.
 * - `audit_task(task_id, accepted)` without comments: `{"accepted": true, "comments": null}`.
 * - Every request: Basic auth with the key as user, `Content-Type: application/json` even on a
 *   body-less POST, and `None` parameters dropped by `requests`.
 */
import type { V1Task, V1TaskList } from '@scale-contracts/validators/scale';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { qs } from './support.js';

const FIXED_NOW = Date.parse('2025-06-01T12:00:00.000Z');
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ seed: 11, size: 300, now: () => FIXED_NOW });
});
afterAll(async () => {
  await mock?.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A request as the Python clients send it: Basic auth, JSON content type, None dropped. */
async function python(
  method: string,
  path: string,
  query: Record<string, string | number | readonly string[] | undefined | null> = {},
  body?: unknown,
): Promise<Answer> {
  const search = qs(
    Object.fromEntries(Object.entries(query).filter(([, value]) => value !== null)) as Record<
      string,
      string | number | readonly string[] | undefined
    >,
  );
  const response = await fetch(new URL(`${path}${search ? `?${search}` : ''}`, mock.url), {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${mock.apiKeys.scale}:`).toString('base64')}`,
      'content-type': 'application/json',
      'user-agent': 'scaleapi/2.18.4 Python/3.12.0 OS/Linux',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) };
}

const two = (n: number) => String(n).padStart(2, '0');
/**
 * `datetime.strftime('%Y-%m-%dT%H:%M:%S.%f%z')` of the instant `ms` in a zone `offset` minutes
 * east of UTC (`null`: a naive datetime holding the UTC wall time, rendered without `%z`).
 * `microseconds` adds to the millisecond instant (Python keeps six digits).
 */
function strftime(ms: number, offset: number | null, microseconds = 0): string {
  const wall = new Date(ms + (offset ?? 0) * 60_000);
  const fraction = String(wall.getUTCMilliseconds() * 1000 + microseconds).padStart(6, '0');
  const date = `${wall.getUTCFullYear()}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}`;
  const time = `${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}:${two(wall.getUTCSeconds())}`;
  const zone =
    offset === null
      ? ''
      : `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
  return `${date}T${time}.${fraction}${zone}`;
}
/** The RFC 3339 equivalent: the same wall time with `+HH:MM` (or `Z` for the naive, UTC, one). */
function rfc3339(ms: number, offset: number | null): string {
  const text = strftime(ms, offset);
  return offset === null ? `${text}Z` : `${text.slice(0, -2)}:${text.slice(-2)}`;
}
/** The misreading a parser that drops the offset would make: the wall time taken as UTC. */
const wallAsUtc = (ms: number, offset: number) => `${strftime(ms, offset).slice(0, -5)}Z`;

const PYTHON_ZONES = [
  ['aware UTC (+0000)', 0],
  ['aware +0530', 330],
  ['aware -0800', -480],
  ['naive (no offset, UTC)', null],
] as const;

/** A listing's answer without its cursor (the cursor encodes the filters as they were spelled). */
const withoutCursor = ({ status, body }: Answer) => {
  const { next_token: _token, ...rest } = body;
  return { status, body: rest, more: body.next_token !== undefined };
};

interface DateCase {
  name: string;
  path: string;
  param: string;
  /** `after` keeps items later than the value, `before` earlier ones. */
  bound: 'after' | 'before';
  base: Record<string, string | number>;
  items: string;
  id: string;
  time: string;
}

const v1 = (param: string, time: string, bound: 'after' | 'before'): DateCase => ({
  name: `v1 /v1/tasks ${param}`,
  path: '/v1/tasks',
  param,
  bound,
  base: { limit: 100 },
  items: 'docs',
  id: 'task_id',
  time,
});
const DATE_CASES: DateCase[] = [
  v1('start_time', 'created_at', 'after'),
  v1('end_time', 'created_at', 'before'),
  v1('completed_after', 'completed_at', 'after'),
  v1('completed_before', 'completed_at', 'before'),
  v1('updated_after', 'updated_at', 'after'),
  v1('updated_before', 'updated_at', 'before'),
  ...(['completed_after', 'completed_before'] as const).map(
    (param): DateCase => ({
      name: `v2 /v2/tasks ${param}`,
      path: '/v2/tasks',
      param,
      bound: param.endsWith('after') ? 'after' : 'before',
      base: { project_name: 'mock-chat-sft', limit: 100 },
      items: 'tasks',
      id: 'task_id',
      time: 'completed_at',
    }),
  ),
  {
    name: 'v2 /v2/batches created_after',
    path: '/v2/batches',
    param: 'created_after',
    bound: 'after',
    base: { limit: 100 },
    items: 'batches',
    id: 'id',
    time: 'created_at',
  },
  {
    name: 'v2 /v2/deliveries delivered_after',
    path: '/v2/deliveries',
    param: 'delivered_after',
    bound: 'after',
    base: { project_name: 'mock-chat-sft' },
    items: 'deliveries',
    id: 'id',
    time: 'delivered_at',
  },
  {
    name: 'v2 /v2/projects created_after',
    path: '/v2/projects',
    param: 'created_after',
    bound: 'after',
    base: {},
    items: 'projects',
    id: 'id',
    time: 'created_at',
  },
];

/** Every item of a listing (all pages), with the canonical query. */
async function everything(path: string, query: Record<string, string | number>) {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const answer = await python('GET', path, { ...query, next_token: token });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(200);
    const key = Object.keys(answer.body).find((k) => Array.isArray(answer.body[k])) as string;
    items.push(...(answer.body[key] as Record<string, unknown>[]));
    token = answer.body.next_token as string | undefined;
  } while (token);
  return items;
}

/** A pivot instant that sits exactly on one item's time, in the middle of the listing. */
async function pivotOf(testCase: DateCase) {
  const all = await everything(testCase.path, testCase.base);
  const times = [
    ...new Set(
      all
        .map((item) => item[testCase.time])
        .filter((time): time is string => typeof time === 'string'),
    ),
  ].sort();
  expect(times.length).toBeGreaterThanOrEqual(3);
  return Date.parse(times[Math.floor(times.length / 2)] as string);
}

describe('date-times as Python renders them (strftime %Y-%m-%dT%H:%M:%S.%f%z)', () => {
  it.each(DATE_CASES)(
    '$name: every Python rendering answers exactly as the RFC 3339 equivalent',
    async (testCase) => {
      const pivot = await pivotOf(testCase);
      const ask = (value: string) =>
        python('GET', testCase.path, { ...testCase.base, [testCase.param]: value });
      const canonical = await ask(new Date(pivot).toISOString());
      expect(canonical.status, JSON.stringify(canonical.body).slice(0, 400)).toBe(200);
      const ids = (canonical.body[testCase.items] as Record<string, unknown>[]).map(
        (item) => item[testCase.id],
      );
      // The filter cuts the listing (the pivot item itself is on the open bound: left out).
      const all = await everything(testCase.path, testCase.base);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(all.length);
      for (const [, offset] of PYTHON_ZONES) {
        const sent = strftime(pivot, offset);
        const equivalent = rfc3339(pivot, offset);
        expect(withoutCursor(await ask(sent)), sent).toEqual(withoutCursor(canonical));
        expect(withoutCursor(await ask(equivalent)), equivalent).toEqual(withoutCursor(canonical));
      }
      // The comparison can fail: reading the wall time as UTC moves the bound past the pivot
      // item (east of UTC for a `before` bound, west for an `after` bound) and changes the answer.
      const misread = await ask(wallAsUtc(pivot, testCase.bound === 'after' ? -480 : 330));
      expect(withoutCursor(misread)).not.toEqual(withoutCursor(canonical));
    },
  );

  it.each([
    ['a space instead of T (the Python docstrings’ form)', (iso: string) => iso.replace('T', ' ')],
    ['a lowercase t and z', (iso: string) => iso.replace('T', 't').replace('Z', 'z')],
    ['an offset in hours only', (iso: string) => iso.replace('Z', '+00')],
  ])('accepts %s with the same answer as RFC 3339', async (_name, render) => {
    const testCase = DATE_CASES[0] as DateCase;
    const pivot = await pivotOf(testCase);
    const ask = (value: string) =>
      python('GET', testCase.path, { ...testCase.base, [testCase.param]: value });
    const iso = new Date(pivot).toISOString();
    const canonical = await ask(iso);
    expect(canonical.status).toBe(200);
    expect(withoutCursor(await ask(render(iso)))).toEqual(withoutCursor(canonical));
  });

  it('keeps the fraction below the millisecond: 1 µs after a task’s created_at includes it', async () => {
    const all = await everything('/v1/tasks', { limit: 100 });
    const task = all[20] as V1Task;
    const at = Date.parse(task.created_at);
    const idsBefore = async (value: string) =>
      ((await python('GET', '/v1/tasks', { end_time: value, limit: 100 })).body as V1TaskList).docs
        .map((doc) => doc.task_id)
        .includes(task.task_id);
    expect(await idsBefore(strftime(at, 0))).toBe(false);
    expect(await idsBefore(strftime(at, 0, 1))).toBe(true);
    expect(await idsBefore(strftime(at, 330, 1))).toBe(true);
    // Nine digits (nanoseconds), 1 µs later: any fraction length is read as a fraction.
    expect(await idsBefore(`${new Date(at).toISOString().slice(0, -1)}001000Z`)).toBe(true);
    expect(await idsBefore(`${new Date(at).toISOString().slice(0, -1)}000000Z`)).toBe(false);
  });
});

describe('booleans as Python renders them (True / False)', () => {
  it('get_tasks(project_name=…): its exact parameters, paged by next_token, list what true lists', async () => {
    // `_process_tasks_endpoint_args` + `get_tasks`: None values (start_time, end_time, batch,
    // completed_*, tags, updated_*, unique_id) are dropped by requests; include_attachment_url
    // is always True; limit is added when given; next_token from the second page on.
    const walk = async (flag: string) => {
      const ids: string[] = [];
      let token: string | null = null;
      let hasMore = true;
      let pages = 0;
      while (hasMore) {
        const answer = await python('GET', '/v1/tasks', {
          start_time: null,
          end_time: null,
          project: 'mock-rlhf-preferences',
          batch: null,
          completed_before: null,
          completed_after: null,
          tags: null,
          updated_before: null,
          updated_after: null,
          unique_id: null,
          include_attachment_url: flag,
          limit: 40,
          next_token: token,
        });
        expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(200);
        const page = answer.body as unknown as V1TaskList;
        ids.push(...page.docs.map((task) => task.task_id));
        token = page.next_token ?? null;
        hasMore = page.has_more;
        pages += 1;
      }
      return { ids, pages };
    };
    const pythonWay = await walk('True');
    const canonical = await walk('true');
    expect(pythonWay).toEqual(canonical);
    expect(pythonWay.pages).toBeGreaterThan(1);
    expect(new Set(pythonWay.ids).size).toBe(pythonWay.ids.length);
    // A value that is no boolean at all is still refused, with the parameter's pointer.
    const wrong = await python('GET', '/v1/tasks', { include_attachment_url: 'yes' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toContain('/query/include_attachment_url');
  });

  it.each([
    ['False', 'false'],
    ['FALSE', 'false'],
    ['True', 'true'],
    ['tRuE', 'true'],
  ])('tasks(limited_response=%s) answers as limited_response=%s', async (sent, canonical) => {
    const asSent = await python('GET', '/v1/tasks', { limited_response: sent, limit: 5 });
    const asCanonical = await python('GET', '/v1/tasks', { limited_response: canonical, limit: 5 });
    expect(asSent.status).toBe(200);
    expect(withoutCursor(asSent)).toEqual(withoutCursor(asCanonical));
    const first = (asSent.body.docs as Record<string, unknown>[])[0] as Record<string, unknown>;
    // It is read, not ignored: limited entries have four fields, full ones have their type.
    if (canonical === 'true') {
      expect(Object.keys(first).sort()).toEqual(['metadata', 'project', 'status', 'task_id']);
    } else {
      expect(first.type).toEqual(expect.any(String));
    }
  });

  it.each([
    ['True', true],
    ['true', true],
    ['False', false],
  ])(
    'cancel_task(…, clear_unique_id) as ?clear_unique_id=%s: unique_id cleared is %s',
    async (sent, cleared) => {
      // The v1 client's cancel_task builds `?clear_unique_id=true` by hand; a bool passed as a
      // params value (as `tasks()` does) is rendered `True`. Both spellings must mean the same.
      const pending = (await python('GET', '/v1/tasks', { status: 'pending', limit: 100 }))
        .body as unknown as V1TaskList;
      const task = pending.docs.find((doc) => doc.unique_id !== undefined) as V1Task;
      const answer = await python('POST', `/v1/task/${task.task_id}/cancel`, {
        clear_unique_id: sent,
      });
      expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(200);
      expect(answer.body.status).toBe('canceled');
      expect(answer.body.unique_id).toEqual(cleared ? undefined : task.unique_id);
    },
  );

  it('a body-less POST with Content-Type: application/json (how the Python client cancels) is accepted', async () => {
    const pending = (await python('GET', '/v1/tasks', { status: 'pending', limit: 1 }))
      .body as unknown as V1TaskList;
    const id = pending.docs[0]?.task_id as string;
    const answer = await python('POST', `/v1/task/${id}/cancel`);
    expect(answer).toMatchObject({ status: 200, body: { task_id: id, status: 'canceled' } });
  });
});

describe('audit_task(task_id, accepted) sends comments: null', () => {
  it.each([
    [true, 'accepted'],
    [false, 'rejected'],
  ])(
    '{"accepted": %s, "comments": null} audits like {"accepted": %s} alone',
    async (accepted, result) => {
      const completed = (await python('GET', '/v1/tasks', { status: 'completed', limit: 100 }))
        .body as unknown as V1TaskList;
      const [first, second] = completed.docs
        .filter((task) => task.customer_review_status === 'pending')
        .slice(accepted ? 0 : 2);
      const withNull = await python('POST', `/v1/task/${first?.task_id}/audit`, undefined, {
        accepted,
        comments: null,
      });
      const without = await python('POST', `/v1/task/${second?.task_id}/audit`, undefined, {
        accepted,
      });
      expect(withNull.status, JSON.stringify(withNull.body).slice(0, 400)).toBe(200);
      expect(without.status).toBe(200);
      const audit = (answer: Answer) => (answer.body.audits as Record<string, unknown>[])[0];
      expect(audit(withNull)).toEqual(audit(without));
      expect(audit(withNull)).toMatchObject({ audit_result: result, audit_source: 'customer' });
      expect(audit(withNull)).not.toHaveProperty('comments');
      expect(withNull.body.customer_review_status).toBe(result);
      expect(without.body.customer_review_status).toBe(result);
      // A comment that is neither a string nor null is still refused.
      const wrong = await python('POST', `/v1/task/${first?.task_id}/audit`, undefined, {
        accepted,
        comments: 42,
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toContain('/body/comments');
    },
  );
});

describe('hostile date-times: 400 with the parameter’s pointer', () => {
  it.each([
    ['/v1/tasks', 'start_time', '2025-02-30T00:00:00Z', 'has 28 days'],
    ['/v1/tasks', 'end_time', '2025-02-29T00:00:00.000000+0000', 'has 28 days'],
    ['/v1/tasks', 'completed_after', '2025-04-31T00:00:00', 'has 30 days'],
    ['/v1/tasks', 'updated_before', '2025-01-01T12:00:60Z', 'leap second'],
    ['/v1/tasks', 'updated_after', '2025-13-01T00:00:00Z', 'must match pattern'],
    ['/v1/tasks', 'start_time', 'yesterday', 'must match pattern'],
    ['/v1/tasks', 'end_time', '2025-01-01_00:00:00', 'must match pattern'],
    ['/v1/tasks', 'end_time', '2025-01-01T00:00:00+1', 'must match pattern'],
    ['/v1/tasks', 'completed_before', '2025-01-01T00:00:00+2400', 'must match pattern'],
    ['/v2/tasks', 'completed_after', '2025-02-30T00:00:00.000000+0000', 'has 28 days'],
    ['/v2/tasks', 'completed_before', 'not-a-date', 'must match pattern'],
    ['/v2/batches', 'created_after', '2023-02-29T00:00:00Z', 'has 28 days'],
    ['/v2/deliveries', 'delivered_after', '2025-06-31T00:00:00', 'has 30 days'],
    ['/v2/projects', 'created_after', '2025-11-31T08:00:00.5-0800', 'has 30 days'],
  ])('%s?%s=%s', async (path, param, value, reason) => {
    const project = ['/v2/tasks', '/v2/deliveries'].includes(path)
      ? { project_name: 'mock-chat-sft' }
      : {};
    const answer = await python('GET', path, { ...project, [param]: value });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(400);
    expect(answer.body).toMatchObject({ status_code: 400, error: expect.any(String) });
    expect(answer.body.error).toContain(`/query/${param}`);
    expect(answer.body.error).toContain(reason);
  });

  it.each([
    ['a leap day of a leap year', '2024-02-29T00:00:00Z'],
    ['a leap second at the end of a UTC day', '2016-12-31T23:59:60Z'],
    ['the same leap second east of UTC', '2017-01-01T05:29:60+0530'],
    ['a lower-case z', '2025-01-01T00:00:00.5z'],
  ])('accepts %s (%s)', async (_name, value) => {
    const answer = await python('GET', '/v1/tasks', { start_time: value, limit: 1 });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(200);
  });

  it('broke no response of the spec in test mode', () => {
    expect(mock.violations).toEqual([]);
  });
});
