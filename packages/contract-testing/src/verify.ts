import { randomUUID } from 'node:crypto';
import { fuzzSettings } from './fuzz-options.js';
import { guardFetch, RequestFailure } from './http.js';
import { defaultDeadlineMs, formatDuration } from './outcome.js';
import { createPacer } from './pacer.js';
import { planScale } from './plan-scale.js';
import { planSgp } from './plan-sgp.js';
import { type PreflightTarget, runPreflight } from './preflight.js';
import { redactText, redactValue, secretForms } from './redact.js';
import { DEFAULT_MAX_BODY_BYTES, Session, type SessionOptions, type Target } from './session.js';
import type { Api, FuzzReport, Outcome, PreflightResult, Report, VerifyOptions } from './types.js';

/** The part of `@scale-contracts/mock-server` that `verify` uses. */
interface MockServer {
  url: string;
  apiKeys: { scale: string; sgp: string };
  fixtures: { evaluationIds: string[] };
  close(): Promise<void>;
}

async function startMock(apiKeys: { scale?: string; sgp?: string }): Promise<MockServer> {
  const { startMockServer } = await import('@scale-contracts/mock-server');
  const keys = Object.fromEntries(Object.entries(apiKeys).filter(([, key]) => key));
  return (await startMockServer(
    Object.keys(keys).length > 0 ? { apiKeys: keys } : {},
  )) as unknown as MockServer;
}

const DEFAULT_REMOTE_RPS = 5;
const DEFAULT_MAX_REQUESTS = 200;
const DEFAULT_TIMEOUT_MS = 30_000;
/** After a stop, how long the plans get to list their remaining checks as not run. */
const DRAIN_MS = 2000;
/** How long closing the mock may take before the report is assembled anyway. */
const CLOSE_MS = 2000;

/** A timer that can be cleared; resolves after `ms`. */
function delay(ms: number): { promise: Promise<void>; clear: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/** `TypeError: x is undefined`: the first line of an error, for a suite error's cause. */
function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : String((error as { message?: unknown })?.message ?? error);
  return (text.split('\n')[0] ?? text).trim();
}

/** Thrown by `verify` for options it cannot run with (the CLI maps it to exit code 2). */
export class VerifyUsageError extends Error {
  override readonly name = 'VerifyUsageError';
}

/** SGP lives on its own host: Scale's production URL implies SGP's; any other URL serves both. */
function sgpBaseUrlFor(baseUrl: string | undefined): string | undefined {
  if (baseUrl && URL.canParse(baseUrl) && new URL(baseUrl).host === 'api.scale.com') {
    return 'https://api.egp.scale.com';
  }
  return baseUrl;
}

const scaleCredentials = (key: string) => ({ authorization: `Bearer ${key}` });
const sgpCredentials = (key: string) => ({ 'x-api-key': key });

function positive(name: string, value: number | undefined, integer: boolean): void {
  if (
    value !== undefined &&
    (!(value > 0) || (integer && !Number.isInteger(value)) || Number.isNaN(value))
  ) {
    throw new VerifyUsageError(`${name} must be a positive ${integer ? 'integer' : 'number'}`);
  }
}

/**
 * Verifies an API against the spec: sends valid requests to every read operation (ids found by
 * chaining), invalid ones that must be refused with a documented 4xx, requests without a key,
 * and, with `allowWrites`, every write operation; judges each response's status, content type
 * and body. Without `baseUrl` it starts the mock server, verifies it and closes it. With
 * `stateless`, only the checks a stateless spec-driven mock can pass run; the rest are skipped
 * with the reason `needs server state`.
 * Requests are paced and bounded; the API keys never appear in the report.
 */
export async function verify(options: VerifyOptions = {}): Promise<Report> {
  const api = options.api ?? 'all';
  if (api !== 'scale' && api !== 'sgp' && api !== 'all') {
    throw new VerifyUsageError(`api must be scale, sgp or all (got ${JSON.stringify(api)})`);
  }
  positive('requestsPerSecond', options.requestsPerSecond, false);
  positive('maxRequests', options.maxRequests, true);
  positive('timeoutMs', options.timeoutMs, false);
  positive('deadlineMs', options.deadlineMs, false);
  positive('maxBodyBytes', options.maxBodyBytes, true);
  const fuzz = fuzzSettings(options.fuzz);
  if (typeof fuzz === 'string') {
    throw new VerifyUsageError(fuzz);
  }
  const apis: Api[] = api === 'all' ? ['scale', 'sgp'] : [api];
  const started = Date.now();
  const startedAt = new Date(started).toISOString();

  let mock: MockServer | undefined;
  let baseUrl = options.baseUrl;
  let sgpBaseUrl = options.sgpBaseUrl ?? sgpBaseUrlFor(options.baseUrl);
  let scaleKey = options.scaleApiKey;
  let sgpKey = options.sgpApiKey;
  let evaluationIds = options.evaluationIds ?? [];
  if (baseUrl === undefined || baseUrl === '') {
    options.onProgress?.({ kind: 'info', message: 'starting the mock server' });
    // Keys the caller gave are the mock's keys; the environment's (real) keys are not sent to it.
    mock = await startMock({ scale: scaleKey, sgp: sgpKey });
    baseUrl = mock.url;
    sgpBaseUrl = options.sgpBaseUrl ?? mock.url;
    scaleKey = mock.apiKeys.scale;
    sgpKey = mock.apiKeys.sgp;
    evaluationIds = options.evaluationIds ?? mock.fixtures.evaluationIds;
  } else {
    scaleKey ??= process.env.SCALE_API_KEY || undefined;
    sgpKey ??= process.env.SGP_API_KEY || undefined;
    for (const [name, url] of [
      ['baseUrl', baseUrl],
      ['sgpBaseUrl', sgpBaseUrl],
    ] as const) {
      if (url !== undefined && !URL.canParse(url)) {
        throw new VerifyUsageError(`${name} is not a URL: ${url}`);
      }
    }
    if (apis.includes('scale') && !scaleKey) {
      throw new VerifyUsageError(
        'no Scale API key: pass scaleApiKey (--scale-key) or set SCALE_API_KEY',
      );
    }
    if (apis.includes('sgp') && !sgpKey) {
      throw new VerifyUsageError('no SGP API key: pass sgpApiKey (--sgp-key) or set SGP_API_KEY');
    }
  }
  const secrets = secretForms([scaleKey, sgpKey]);
  const accountId = options.sgpAccountId ?? (mock ? undefined : process.env.SGP_ACCOUNT_ID);

  const targets: Partial<Record<Api, Target>> = {};
  if (apis.includes('scale')) {
    targets.scale = { baseUrl, credentials: scaleCredentials, key: scaleKey };
  }
  if (apis.includes('sgp')) {
    targets.sgp = {
      baseUrl: sgpBaseUrl ?? baseUrl,
      credentials: sgpCredentials,
      key: sgpKey,
      headers: accountId ? { 'x-selected-account-id': accountId } : {},
    };
  }
  const requestsPerSecond =
    options.requestsPerSecond ?? (mock ? Number.POSITIVE_INFINITY : DEFAULT_REMOTE_RPS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRequests =
    options.maxRequests ?? (mock ? Number.POSITIVE_INFINITY : DEFAULT_MAX_REQUESTS);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deadlineMs =
    options.deadlineMs ?? defaultDeadlineMs({ maxRequests, timeoutMs, requestsPerSecond });

  // One stop for the whole run: the deadline or the caller's signal (Ctrl-C). The deadline's
  // timer is a plain (ref'd) one, so a run can never end by the event loop running dry.
  const stopper = new AbortController();
  let stoppedBy: 'deadline' | 'interrupted' | undefined;
  const stop = (by: 'deadline' | 'interrupted', reason: string) => {
    if (!stopper.signal.aborted) {
      stoppedBy = by;
      stopper.abort(reason);
      options.onProgress?.({ kind: 'info', message: `stopping: ${reason}` });
    }
  };
  const deadline = setTimeout(
    () => stop('deadline', `the deadline (${formatDuration(deadlineMs)}) was reached`),
    deadlineMs,
  );
  const onSignal = () => {
    const reason = options.signal?.reason;
    stop('interrupted', `interrupted (${typeof reason === 'string' ? reason : 'aborted'})`);
  };
  if (options.signal?.aborted) {
    onSignal();
  }
  options.signal?.addEventListener('abort', onSignal, { once: true });

  const sessionOptions: SessionOptions = {
    targets,
    // Guarded here already, so that a phase that sends through `sessionOptions.fetch` (fuzz)
    // is timed, capped and stopped like the checks.
    fetch: guardFetch(options.fetch ?? ((input, init) => globalThis.fetch(input, init)), {
      timeoutMs,
      maxBodyBytes,
      stop: stopper.signal,
    }),
    timeoutMs,
    maxRequests,
    pacer: createPacer(requestsPerSecond),
    secrets,
    onProgress: options.onProgress,
    stateless: options.stateless ?? false,
    maxBodyBytes,
    stop: stopper.signal,
  };
  const session = new Session(sessionOptions);
  let fuzzReport: FuzzReport | undefined;
  const context = { allowWrites: options.allowWrites ?? false, runId: randomUUID().slice(0, 8) };
  const keySource = (given: string | undefined, variable: string, flag: string, option: string) =>
    mock ? `the mock's key` : given ? `${flag} (${option})` : variable;
  const preflightTargets: (PreflightTarget & { baseUrl: string })[] = [];
  if (targets.scale) {
    preflightTargets.push({
      api: 'scale',
      baseUrl: targets.scale.baseUrl,
      keySource: keySource(options.scaleApiKey, 'SCALE_API_KEY', '--scale-key', 'scaleApiKey'),
      urlOption: '--base-url',
      timeoutMs,
    });
  }
  if (targets.sgp) {
    preflightTargets.push({
      api: 'sgp',
      baseUrl: targets.sgp.baseUrl,
      keySource: keySource(options.sgpApiKey, 'SGP_API_KEY', '--sgp-key', 'sgpApiKey'),
      urlOption:
        options.sgpBaseUrl !== undefined || targets.sgp.baseUrl !== baseUrl
          ? '--sgp-base-url'
          : '--base-url',
      timeoutMs,
    });
  }

  let preflight: PreflightResult[] | undefined;
  let suiteError: string | undefined;
  const assemble = (forced?: { outcome: Outcome; cause: string }): Report => {
    const { operations, notCounted, notRun } = session.results();
    const checks = operations.flatMap((operation) => operation.checks);
    const skipped = checks.filter((check) => check.skipped !== undefined).length;
    const failed = checks.filter((check) => !check.ok).length;
    const failures = (preflight ?? []).filter((result) => !result.ok);
    let outcome: Outcome;
    let cause: string | undefined;
    if (forced) {
      ({ outcome, cause } = forced);
    } else if (suiteError !== undefined) {
      outcome = 'suite-error';
      cause = suiteError;
    } else if (stoppedBy !== undefined) {
      outcome = stoppedBy;
      cause = `${session.stopped ?? stoppedBy}${preflight === undefined ? ' during the preflight' : ''}`;
    } else if (failures.length > 0) {
      outcome = 'could-not-start';
      // One cause per distinct failure: two APIs on one unreachable host fail alike.
      cause = [...new Set(failures.map((result) => result.cause))].join('; ');
    } else {
      outcome = failed > 0 ? 'violations' : 'conforms';
    }
    const report: Report = {
      baseUrl: baseUrl as string,
      ...(targets.sgp && targets.sgp.baseUrl !== baseUrl
        ? { sgpBaseUrl: targets.sgp.baseUrl }
        : {}),
      api,
      startedAt,
      durationMs: Date.now() - started,
      mock: mock !== undefined,
      writes: context.allowWrites,
      stateless: options.stateless ?? false,
      requests: session.requests,
      operations,
      totals: {
        checks: checks.length,
        passed: checks.length - failed - skipped,
        failed,
        skipped,
        ...(notCounted > 0 ? { notCounted } : {}),
        ...(notRun > 0 ? { notRun } : {}),
      },
      outcome,
      ...(cause === undefined ? {} : { cause: redactText(cause, secrets) }),
      ...(preflight ? { preflight } : {}),
      deadlineMs,
      ...(fuzzReport ? { fuzz: fuzzReport } : {}),
    };
    return redactValue(report, secrets);
  };
  options.onSnapshot?.((outcome, cause) => assemble({ outcome, cause }));

  const run = async () => {
    try {
      preflight = await runPreflight(
        session,
        preflightTargets,
        evaluationIds[0] ?? `scale-contracts-preflight-${context.runId}`,
      );
    } catch (error) {
      // Stopped during the preflight: the plans still run, to list their checks as not run.
      if (!(error instanceof RequestFailure && error.kind === 'stopped')) {
        throw error;
      }
    }
    if (preflight?.some((result) => !result.ok)) {
      return;
    }
    if (targets.scale) {
      await planScale(session, context);
    }
    if (targets.sgp) {
      await planSgp(session, { ...context, evaluationIds });
    }
    if (fuzz && session.stopped === undefined) {
      // After the checks, from what is left of the request budget (see fuzz.ts).
      const { runFuzz } = await import('./fuzz.js');
      fuzzReport = await runFuzz(session, sessionOptions, {
        ...fuzz,
        allowWrites: context.allowWrites,
        apis: apis.filter((item) => targets[item] !== undefined),
        evaluationIds,
      });
    }
  };
  const running = run().then(
    () => undefined,
    (error: unknown) => {
      // After a stop, an error is a consequence of it (a check that returned nothing), not a bug.
      if (session.stopped === undefined) {
        const where = session.current ? ` (last check started: ${session.current})` : '';
        suiteError = `the suite crashed: ${firstLine(error)}${where}`;
      }
    },
  );
  const stopped = new Promise<void>((resolve) => {
    if (stopper.signal.aborted) {
      resolve();
    }
    stopper.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  let drain: ReturnType<typeof delay> | undefined;
  try {
    // Normally the plans end; after a stop they get DRAIN_MS to list the rest as not run.
    await Promise.race([
      running,
      stopped.then(() => {
        drain = delay(DRAIN_MS);
        return Promise.race([running, drain.promise]);
      }),
    ]);
  } finally {
    drain?.clear();
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onSignal);
    if (mock) {
      const closing = delay(CLOSE_MS);
      await Promise.race([mock.close().catch(() => {}), closing.promise]);
      closing.clear();
    }
  }

  const report = assemble();
  if ((report.totals.notCounted ?? 0) > 0) {
    const operations = report.operations
      .filter((operation) =>
        operation.checks.some((check) => check.skipped?.startsWith('no positive control')),
      )
      .map((operation) => operation.operationId);
    options.onProgress?.({
      kind: 'info',
      message: `${report.totals.notCounted} negative checks not counted: no positive check of their operation passed (${operations.join(', ')})`,
    });
  }
  return report;
}
