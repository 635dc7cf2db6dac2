import type { OperationResult } from '@scale-contracts/validators/scale';
import * as scale from '@scale-contracts/validators/scale';
import * as sgp from '@scale-contracts/validators/sgp';
import { guardFetch, RequestFailure } from './http.js';
import type { createPacer } from './pacer.js';
import { redactText, redactValue } from './redact.js';
import type {
  Api,
  CheckResult,
  FetchFunction,
  OperationReport,
  ProgressEvent,
  Violation,
} from './types.js';
import { issuesToViolations, showValue, truncate } from './violations.js';

/** The validators of each API, behind one signature. */
const validators = {
  scale: {
    operations: scale.operations as Record<string, OperationShape>,
    validateResponse: scale.validateResponse as ValidateResponse,
    validateRequest: scale.validateRequest as ValidateRequest,
  },
  sgp: {
    operations: sgp.operations as Record<string, OperationShape>,
    validateResponse: sgp.validateResponse as ValidateResponse,
    validateRequest: sgp.validateRequest as ValidateRequest,
  },
};

interface OperationShape {
  method: string;
  path: string;
  responses: Record<string, Record<string, unknown>>;
}
type ValidateResponse = (
  operationId: string,
  status: number,
  body: unknown,
  options: { contentType?: string },
) => OperationResult;
type ValidateRequest = (
  operationId: string,
  parts: { path?: unknown; query?: unknown; headers?: Record<string, unknown>; body?: unknown },
) => OperationResult;

/** The operation's method, path template and responses, from the spec. */
export function operationOf(api: Api, operationId: string): OperationShape {
  const found = validators[api].operations[operationId];
  if (!found) {
    throw new TypeError(`unknown ${api} operation ${JSON.stringify(operationId)}`);
  }
  return found;
}

/** A query value; arrays go out as repeated keys (`expand=project&expand=batch`). */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** One request of a check. */
export interface RequestSpec {
  /** Defaults to the operation's method. */
  method?: string;
  /** The concrete path, e.g. `/v1/task/abc`. Defaults to the operation's path template. */
  path?: string;
  query?: Record<string, QueryValue>;
  /** A JSON body. */
  body?: unknown;
  /** A body sent as is, with `content-type: application/json` (for malformed bodies). */
  rawBody?: string;
  /** `key` (default) sends the API key; `none` sends no credential; `wrong` sends a made-up key. */
  auth?: 'key' | 'none' | 'wrong';
}

/**
 * What a check expects: `success` a documented 2xx with a valid body; `rejected` a documented
 * 4xx (the request was invalid on purpose); a number, exactly that status; `documented` any
 * documented status (what the vitest matcher asks).
 */
export type Expectation = 'success' | 'rejected' | 'documented' | number;

/** A response as a check saw it. */
export interface Exchange {
  /** The request as the report shows it (`GET /v2/tasks?limit=0`). */
  request: string;
  status: number;
  /** The response headers, names in lower case. */
  headers: Record<string, string>;
  contentType: string;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  body: unknown;
  text: string;
  /**
   * Set when the body was larger than `maxBodyBytes`: it was not read to the end, `body` is
   * undefined and `text` empty; the check records a `size` violation (the message says why).
   */
  oversize?: string;
}

/** Where one API lives and how to authenticate to it. */
export interface Target {
  baseUrl: string;
  /** Headers that carry `key`. */
  credentials: (key: string) => Record<string, string>;
  key: string | undefined;
  /** Sent with every request (e.g. `x-selected-account-id`). */
  headers?: Record<string, string>;
}

export interface SessionOptions {
  targets: Partial<Record<Api, Target>>;
  fetch: FetchFunction;
  timeoutMs: number;
  maxRequests: number;
  pacer: ReturnType<typeof createPacer>;
  secrets: readonly string[];
  onProgress?: (event: ProgressEvent) => void;
  /** Waits before retrying a 429 (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** The most body bytes (decompressed) read from one response. Default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  /**
   * The run's stop (deadline, interruption): its reason, a string, says why. Once it aborts, the
   * request in flight ends and every check recorded after it is "not run: <reason>".
   */
  stop?: AbortSignal;
  /**
   * Run only the checks a stateless, spec-driven server (a mock answering from the spec's
   * examples) can pass; the others are recorded as skipped with {@link NEEDS_STATE}. See
   * {@link needsServerState} for the rule.
   */
  stateless?: boolean;
}

/** More about a check than its request and expected status. */
export interface CheckOptions {
  /**
   * The verdict depends on what the server kept from earlier requests (a read-back after a
   * write, a state transition): skipped in stateless mode.
   */
  stateful?: boolean;
  /**
   * What the spec says about the response beyond its schema (e.g. a `Location` header that is
   * a URL); its violations join the schema's. Judged only when the status is the expected one.
   */
  assert?: (exchange: Exchange) => Violation[];
}

/** Why a check is skipped in stateless mode. */
export const NEEDS_STATE = 'needs server state';

/** The start of the reason of a check the run did not get to (deadline, interruption). */
export const NOT_RUN = 'not run';

/**
 * Why a negative check that passed is not counted: no positive check of its operation passed in
 * the run, so its 4xx proves nothing (a wrong key, a proxy or an outage answers 4xx to all).
 */
export const NO_POSITIVE_CONTROL = 'no positive control passed for';

/** Default cap on the bytes read from one response body (after decompression): 20 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

/** What a check proves when it passes: that the operation works, or that it refuses. */
type Role = 'positive' | 'negative';
const roleOf = (expect: Expectation): Role | undefined =>
  expect === 'success' || (typeof expect === 'number' && expect < 400)
    ? 'positive'
    : expect === 'rejected' || (typeof expect === 'number' && expect >= 400)
      ? 'negative'
      : undefined;

/** The operations of a finished (or stopped) run, with positive controls applied. */
export interface SessionResults {
  operations: OperationReport[];
  /** Negative checks that passed without a positive control (recorded as skipped). */
  notCounted: number;
  /** Checks the run did not get to (recorded as skipped, `not run: ...`). */
  notRun: number;
}

/** A made-up credential, for the "wrong key is refused" checks. */
export const WRONG_KEY = 'scale-contracts-not-a-real-key';
const MAX_429_RETRIES = 2;
const isJson = (mediaType: string) =>
  mediaType === 'application/json' || mediaType.endsWith('+json');
const mediaTypeOf = (contentType: string) => (contentType.split(';')[0] ?? '').trim().toLowerCase();

/** Seconds or an HTTP date from `Retry-After`, capped at 30 s; 1 s when absent. */
function retryDelay(headers: Headers): number {
  const value = headers.get('retry-after');
  const seconds = value === null ? Number.NaN : Number(value);
  if (Number.isFinite(seconds)) {
    return Math.min(30_000, Math.max(0, seconds * 1000));
  }
  const date = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(date) ? 1000 : Math.min(30_000, Math.max(0, date - Date.now()));
}

/** Runs checks: sends each request (paced, within the budget), judges the response, records it. */
export class Session {
  /** Requests sent so far. */
  requests = 0;
  readonly operations: OperationReport[] = [];
  private readonly byId = new Map<string, OperationReport>();
  private readonly sleep: (ms: number) => Promise<void>;
  /** Every request goes through it: a per-request timer, the body cap, the stop signal. */
  private readonly fetch: SessionOptions['fetch'];
  /** What each recorded check proves when it passes (see {@link results}). */
  private readonly roles = new WeakMap<CheckResult, Role>();
  /** The checks recorded when the run was stopped (see {@link results}). */
  private atStop: Set<CheckResult> | undefined;
  /** The check being run (`getTask: by task_id`), for a suite error's message. */
  current: string | undefined;

  constructor(private readonly options: SessionOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = guardFetch(options.fetch, {
      timeoutMs: options.timeoutMs,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      stop: options.stop,
    });
    const stopped = () => {
      this.atStop = new Set(this.operations.flatMap((operation) => operation.checks));
    };
    if (options.stop?.aborted) {
      stopped();
    }
    options.stop?.addEventListener('abort', stopped, { once: true });
  }

  /** Why the run was stopped (deadline, interruption), or undefined while it runs. */
  get stopped(): string | undefined {
    const stop = this.options.stop;
    return stop?.aborted ? String(stop.reason ?? 'stopped') : undefined;
  }

  /** True when only the checks a stateless server can pass run (`stateless`). */
  get stateless(): boolean {
    return this.options.stateless ?? false;
  }

  /** Emits an informational progress line. */
  info(message: string): void {
    this.options.onProgress?.({ kind: 'info', message: redactText(message, this.options.secrets) });
  }

  /**
   * Records a check that did not run, with the reason. Once the run is stopped, the reason is
   * the stop's (a check with nothing to chain from then, is so because the run stopped).
   */
  skip(api: Api, operationId: string, name: string, reason: string, spec: RequestSpec = {}): void {
    const stopped = this.stopped;
    this.record(api, operationId, {
      name,
      request: this.describe(api, operationId, spec),
      status: null,
      ok: true,
      skipped: stopped === undefined ? reason : `${NOT_RUN}: ${stopped}`,
      violations: [],
    });
  }

  /**
   * Sends the request and records whether the response met `expect`. Returns the exchange
   * (whatever its verdict) for chaining, or undefined when no response came or the check was
   * skipped because the request budget is spent.
   */
  async check(
    api: Api,
    operationId: string,
    name: string,
    spec: RequestSpec,
    expect: Expectation,
    options: CheckOptions = {},
  ): Promise<Exchange | undefined> {
    const request = this.describe(api, operationId, spec);
    if (this.stopped !== undefined) {
      this.skip(api, operationId, name, NOT_RUN, spec);
      return undefined;
    }
    this.current = `${operationId}: ${name}`;
    if (this.options.stateless && this.needsServerState(api, operationId, spec, expect, options)) {
      this.record(api, operationId, {
        name,
        request,
        status: null,
        ok: true,
        skipped: NEEDS_STATE,
        violations: [],
      });
      return undefined;
    }
    if (this.requests >= this.options.maxRequests) {
      this.record(api, operationId, {
        name,
        request,
        status: null,
        ok: true,
        skipped: `request budget spent (maxRequests ${this.options.maxRequests})`,
        violations: [],
      });
      return undefined;
    }
    let exchange: Exchange | undefined;
    let violations: Violation[];
    try {
      exchange = await this.send(api, operationId, spec);
      if (exchange.oversize !== undefined) {
        violations = oversized(api, operationId, exchange, expect);
      } else {
        violations = assess(api, operationId, exchange, expect);
        if (options.assert && !violations.some((violation) => violation.keyword === 'status')) {
          violations.push(...options.assert(exchange));
        }
      }
    } catch (error) {
      if (error instanceof RequestFailure && error.kind === 'stopped') {
        // The run stopped while this request waited for its answer: not run, not a violation.
        this.record(api, operationId, {
          name,
          request,
          status: null,
          ok: true,
          skipped: `${NOT_RUN}: ${this.stopped ?? 'stopped'} (while waiting for the response)`,
          violations: [],
        });
        return undefined;
      }
      violations = [
        {
          pointer: '',
          keyword: 'network',
          expected: 'a response',
          actual: truncate(String((error as Error)?.message ?? error)),
        },
      ];
    }
    this.record(
      api,
      operationId,
      {
        name,
        request,
        status: exchange?.status ?? null,
        ok: violations.length === 0,
        violations,
      },
      roleOf(expect),
    );
    return exchange;
  }

  /**
   * Sends a request that is no check (the preflight): paced and counted like any other, 429s
   * waited out, the body capped; nothing recorded. Throws a {@link RequestFailure} when no
   * response came.
   */
  probe(api: Api, operationId: string, spec: RequestSpec): Promise<Exchange> {
    return this.send(api, operationId, spec);
  }

  /**
   * The operations as the report shows them, with two rules applied:
   *
   * - **Positive controls.** A negative check (a 4xx expected) that passed counts only when a
   *   positive check (a 2xx or 3xx expected) of the same operation passed in the same run.
   *   Otherwise its 4xx proves nothing: a wrong key, an outage or a proxy answers 4xx to
   *   everything. It is recorded as skipped, `no positive control passed for <operationId>`,
   *   keeping the status it got. A negative check that failed stays failed: a 2xx, a 5xx or an
   *   undocumented status to an invalid request is a violation whatever else happened.
   * - **Stopped runs.** A check recorded after the stop (by a phase that does not go through
   *   {@link check}) that failed only for want of a response is "not run", not a violation.
   */
  results(): SessionResults {
    const stopped = this.stopped;
    let notCounted = 0;
    let notRun = 0;
    const operations = this.operations.map((operation) => {
      const role = (check: CheckResult): Role | undefined =>
        this.roles.get(check) ??
        (check.fuzz?.kind === 'valid'
          ? 'positive'
          : check.fuzz?.kind === 'invalid'
            ? 'negative'
            : undefined);
      const checks = operation.checks.map((check): CheckResult => {
        if (
          stopped !== undefined &&
          this.atStop !== undefined &&
          !this.atStop.has(check) &&
          !check.ok &&
          check.violations.length > 0 &&
          check.violations.every((violation) => violation.keyword === 'network')
        ) {
          return { ...check, ok: true, violations: [], skipped: `${NOT_RUN}: ${stopped}` };
        }
        return check;
      });
      const controlled = checks.some(
        (check, index) =>
          check.ok &&
          check.skipped === undefined &&
          role(operation.checks[index] as CheckResult) === 'positive',
      );
      return {
        ...operation,
        checks: checks.map((check, index) => {
          if (
            !controlled &&
            check.ok &&
            check.skipped === undefined &&
            role(operation.checks[index] as CheckResult) === 'negative'
          ) {
            notCounted += 1;
            return { ...check, skipped: `${NO_POSITIVE_CONTROL} ${operation.operationId}` };
          }
          if (check.skipped?.startsWith(`${NOT_RUN}:`)) {
            notRun += 1;
          }
          return check;
        }),
      };
    });
    return { operations, notCounted, notRun };
  }

  /**
   * Records a check of what the server must have kept (a batch's status after a transition,
   * metadata after a merge), judged on the response an earlier check got: no request of its
   * own. `assert` returns the violations. Skipped in stateless mode, and when that check got
   * no 2xx response (it has failed or been skipped already). `stateful: false` (default true)
   * marks a check that is a pure function of the one response (a page holds at most `limit`
   * items): it runs in stateless mode too.
   */
  state(
    api: Api,
    operationId: string,
    name: string,
    exchange: Exchange | undefined,
    assert: (body: unknown) => Violation[],
    options: { stateful?: boolean } = {},
  ): void {
    const needsState = this.options.stateless && (options.stateful ?? true);
    if (needsState || !exchange || exchange.status < 200 || exchange.status > 299) {
      this.skip(
        api,
        operationId,
        name,
        needsState ? NEEDS_STATE : 'the request it judges got no 2xx response',
      );
      return;
    }
    const violations = assert(exchange.body);
    this.record(api, operationId, {
      name,
      request: exchange.request,
      status: exchange.status,
      ok: violations.length === 0,
      violations,
    });
  }

  /**
   * The stateless rule: a check needs server state, and is skipped in stateless mode, when
   * 1. the plan marks it `stateful` (a read-back after a write, a transition refused because of
   *    an earlier one);
   * 2. it sends a made-up key (only a server that knows the keys tells it from a real one;
   *    "no key → 401" follows from the spec's security requirement and runs);
   * 3. it is a negative check (a 4xx expected) whose request conforms to the operation's
   *    request schema (path, query, headers, body): then only the server's data or rules can
   *    refuse it (an unknown id, a one-of filter, a cursor it never issued, a reused
   *    unique_id). A negative check whose request breaks the spec (a missing required
   *    parameter, a value outside its enum or range, a body of the wrong shape) runs.
   */
  private needsServerState(
    api: Api,
    operationId: string,
    spec: RequestSpec,
    expect: Expectation,
    options: CheckOptions,
  ): boolean {
    if (options.stateful || spec.auth === 'wrong') {
      return true;
    }
    const negative = expect === 'rejected' || (typeof expect === 'number' && expect >= 400);
    if (!negative || spec.auth === 'none') {
      return false;
    }
    return this.conforms(api, operationId, spec);
  }

  /** True when the request satisfies the operation's request schema. */
  private conforms(api: Api, operationId: string, spec: RequestSpec): boolean {
    const template = operationOf(api, operationId).path;
    let body: unknown = spec.body;
    if (spec.rawBody !== undefined) {
      try {
        body = JSON.parse(spec.rawBody);
      } catch {
        return false;
      }
    }
    const query = Object.fromEntries(
      Object.entries(spec.query ?? {}).filter(([, value]) => value !== undefined),
    );
    return validators[api].validateRequest(operationId, {
      path: pathParameters(template, spec.path ?? template),
      query,
      headers: this.options.targets[api]?.headers ?? {},
      body,
    }).valid;
  }

  private record(api: Api, operationId: string, check: CheckResult, role?: Role): void {
    let operation = this.byId.get(operationId);
    if (!operation) {
      const { method, path } = operationOf(api, operationId);
      operation = { api, operationId, method, path, checks: [] };
      this.byId.set(operationId, operation);
      this.operations.push(operation);
    }
    const clean = redactValue(check, this.options.secrets);
    if (role !== undefined) {
      this.roles.set(clean, role);
    }
    operation.checks.push(clean);
    this.options.onProgress?.({ kind: 'check', api, operationId, check: clean });
  }

  private url(api: Api, operationId: string, spec: RequestSpec): URL {
    const target = this.options.targets[api];
    const base = new URL(target?.baseUrl ?? 'http://unset.invalid');
    const path = spec.path ?? operationOf(api, operationId).path;
    const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) {
        continue;
      }
      for (const item of Array.isArray(value) ? value : [value]) {
        url.searchParams.append(name, String(item));
      }
    }
    return url;
  }

  /** `GET /v2/tasks?limit=0`: method, the API path and the query, without host or credentials. */
  private describe(api: Api, operationId: string, spec: RequestSpec): string {
    const operation = operationOf(api, operationId);
    const method = (spec.method ?? operation.method).toUpperCase();
    const url = this.url(api, operationId, spec);
    const base = new URL(this.options.targets[api]?.baseUrl ?? 'http://unset.invalid');
    const prefix = base.pathname.replace(/\/$/, '');
    // Without a concrete path (a skipped check), the template as the spec writes it.
    const path =
      spec.path === undefined
        ? operation.path
        : url.pathname.startsWith(prefix)
          ? url.pathname.slice(prefix.length)
          : url.pathname;
    return redactText(`${method} ${path}${url.search}`, this.options.secrets);
  }

  /** Sleeps `ms`, or less when the run is stopped meanwhile (then throws `stopped`). */
  private async wait(ms: number): Promise<void> {
    const stop = this.options.stop;
    if (!stop) {
      await this.sleep(ms);
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        stop.removeEventListener('abort', done);
        resolve();
      };
      stop.addEventListener('abort', done, { once: true });
      this.sleep(ms).then(done, done);
    });
    if (this.stopped !== undefined) {
      throw new RequestFailure(`stopped: ${this.stopped}`, 'stopped');
    }
  }

  private async send(api: Api, operationId: string, spec: RequestSpec): Promise<Exchange> {
    const target = this.options.targets[api];
    if (!target) {
      throw new Error(`${api} is not being verified`);
    }
    const method = (spec.method ?? operationOf(api, operationId).method).toUpperCase();
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'scale-contracts-verify',
      ...target.headers,
    };
    const auth = spec.auth ?? 'key';
    if (auth === 'key' && target.key) {
      Object.assign(headers, target.credentials(target.key));
    } else if (auth === 'wrong') {
      Object.assign(headers, target.credentials(WRONG_KEY));
    }
    let body: string | undefined;
    if (spec.rawBody !== undefined) {
      body = spec.rawBody;
    } else if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
    }
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const url = this.url(api, operationId, spec).toString();
    for (let attempt = 0; ; attempt += 1) {
      await this.options.pacer.take();
      this.requests += 1;
      let response: Response;
      let text: string;
      try {
        // Timed, capped and stoppable by `guardFetch`: the body is read there, in full or not
        // at all, so `text()` here only decodes bytes in memory.
        response = await this.fetch(url, {
          method,
          headers,
          body,
          // A redirect is judged, never followed: following it could carry the key elsewhere.
          redirect: 'manual',
        });
        text = await response.text();
      } catch (error) {
        if (error instanceof RequestFailure && error.kind === 'oversize') {
          const found = error.details.headers ?? new Headers();
          return {
            request: this.describe(api, operationId, spec),
            status: error.details.status ?? 0,
            headers: Object.fromEntries(found),
            contentType: found.get('content-type') ?? '',
            body: undefined,
            text: '',
            oversize: error.message,
          };
        }
        throw error;
      }
      if (
        response.status === 429 &&
        attempt < MAX_429_RETRIES &&
        this.requests < this.options.maxRequests
      ) {
        const delay = retryDelay(response.headers);
        this.info(`429 from ${method} ${new URL(url).pathname}: waiting ${delay} ms`);
        await this.wait(delay);
        continue;
      }
      const contentType = response.headers.get('content-type') ?? '';
      const seen = {
        request: this.describe(api, operationId, spec),
        status: response.status,
        headers: Object.fromEntries(response.headers),
        contentType,
      };
      let parsed: unknown;
      if (text !== '' && isJson(mediaTypeOf(contentType))) {
        try {
          parsed = JSON.parse(text);
        } catch {
          return { ...seen, body: undefined, text };
        }
      }
      return { ...seen, body: parsed, text };
    }
  }
}

/** The path parameters of `path` under `template` (`/v1/task/{task_id}`), decoded; {} when it does not match. */
function pathParameters(template: string, path: string): Record<string, string> {
  const names: string[] = [];
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) {
        return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      }
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) {
    return {};
  }
  return Object.fromEntries(
    names.map((name, index) => {
      const raw = match[index + 1] ?? '';
      try {
        return [name, decodeURIComponent(raw)];
      } catch {
        return [name, raw];
      }
    }),
  );
}

const describeBody = (exchange: Pick<Exchange, 'body' | 'text'>) =>
  exchange.text === ''
    ? ''
    : ` ${exchange.body === undefined ? truncate(exchange.text, 160) : showValue(exchange.body)}`;

/**
 * The violations of a response whose body was too large to read (`maxBodyBytes`): its status
 * and content type as usual, and a `size` violation of its own (the body is not judged).
 */
function oversized(
  api: Api,
  operationId: string,
  exchange: Exchange,
  expect: Expectation,
): Violation[] {
  const head = assess(api, operationId, { ...exchange, body: undefined, text: '' }, expect).filter(
    (violation) => violation.keyword === 'status' || violation.keyword === 'contentType',
  );
  return [
    ...head,
    {
      pointer: '',
      keyword: 'size',
      expected: 'a body small enough to judge (--max-body-bytes, maxBodyBytes)',
      actual: truncate(exchange.oversize ?? 'too large'),
    },
  ];
}

/** The violations of one response against what the check expected. */
export function assess(
  api: Api,
  operationId: string,
  exchange: Pick<Exchange, 'status' | 'contentType' | 'body' | 'text'>,
  expect: Expectation,
): Violation[] {
  const { responses } = operationOf(api, operationId);
  const codes = Object.keys(responses);
  const code = String(exchange.status);
  const documented =
    responses[code] !== undefined ||
    responses[`${code[0]}XX`] !== undefined ||
    responses.default !== undefined;
  const actualStatus = truncate(`${exchange.status}${describeBody(exchange)}`);
  const statusViolation = (expected: string): Violation[] => [
    { pointer: '', keyword: 'status', expected, actual: actualStatus },
  ];
  if (!documented) {
    return statusViolation(`a documented status (${codes.join(', ')})`);
  }
  if (expect === 'success') {
    if (exchange.status < 200 || exchange.status > 299) {
      const success = codes.filter((item) => item.startsWith('2'));
      return statusViolation(`a 2xx response (documented: ${success.join(', ')})`);
    }
  } else if (expect === 'rejected') {
    if (exchange.status < 400 || exchange.status > 499) {
      const rejections = codes.filter((item) => item.startsWith('4'));
      return statusViolation(`a documented 4xx (${rejections.join(', ')})`);
    }
  } else if (typeof expect === 'number' && exchange.status !== expect) {
    return statusViolation(String(expect));
  }

  const declared = responses[code] ?? responses[`${code[0]}XX`] ?? responses.default ?? {};
  const mediaTypes = Object.keys(declared);
  if (mediaTypes.length === 0) {
    return [];
  }
  const mediaType = mediaTypeOf(exchange.contentType);
  if (!mediaTypes.includes(mediaType)) {
    return [
      {
        pointer: '',
        keyword: 'contentType',
        expected: mediaTypes.join(' or '),
        actual: exchange.contentType === '' ? '(none)' : truncate(exchange.contentType),
      },
    ];
  }
  if (isJson(mediaType) && exchange.body === undefined && exchange.text !== '') {
    return [
      {
        pointer: '',
        keyword: 'json',
        expected: `a JSON body (${mediaType})`,
        actual: truncate(exchange.text),
      },
    ];
  }
  const result = validators[api].validateResponse(operationId, exchange.status, exchange.body, {
    contentType: mediaType,
  });
  return issuesToViolations(result.issues, exchange.body);
}
