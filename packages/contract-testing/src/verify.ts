import { randomUUID } from 'node:crypto';
import { createPacer } from './pacer.js';
import { planScale } from './plan-scale.js';
import { planSgp } from './plan-sgp.js';
import { redactValue, secretForms } from './redact.js';
import { Session, type Target } from './session.js';
import type { Api, Report, VerifyOptions } from './types.js';

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
  const session = new Session({
    targets,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRequests: options.maxRequests ?? (mock ? Number.POSITIVE_INFINITY : DEFAULT_MAX_REQUESTS),
    pacer: createPacer(requestsPerSecond),
    secrets,
    onProgress: options.onProgress,
    stateless: options.stateless ?? false,
  });
  const context = { allowWrites: options.allowWrites ?? false, runId: randomUUID().slice(0, 8) };
  try {
    if (targets.scale) {
      await planScale(session, context);
    }
    if (targets.sgp) {
      await planSgp(session, { ...context, evaluationIds });
    }
  } finally {
    await mock?.close();
  }

  const checks = session.operations.flatMap((operation) => operation.checks);
  const skipped = checks.filter((check) => check.skipped !== undefined).length;
  const failed = checks.filter((check) => !check.ok).length;
  const report: Report = {
    baseUrl,
    ...(targets.sgp && targets.sgp.baseUrl !== baseUrl ? { sgpBaseUrl: targets.sgp.baseUrl } : {}),
    api,
    startedAt,
    durationMs: Date.now() - started,
    mock: mock !== undefined,
    writes: context.allowWrites,
    stateless: options.stateless ?? false,
    requests: session.requests,
    operations: session.operations,
    totals: { checks: checks.length, passed: checks.length - failed - skipped, failed, skipped },
  };
  return redactValue(report, secrets);
}
