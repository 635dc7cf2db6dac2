import { RequestFailure } from './http.js';
import type { Exchange, RequestSpec, Session } from './session.js';
import type { Api, PreflightResult } from './types.js';

/**
 * The preflight: before any check, one harmless request per API proves that the target is
 * reachable, speaks JSON and accepts the key. When it does not, no check runs (each would fail
 * or, worse, pass for the wrong reason) and the run ends with one line naming the cause.
 *
 * - **Scale:** `GET /v2/projects`, the one read that needs no id. Anything but a 2xx JSON
 *   answer stops the run.
 * - **SGP** has no read and no list endpoint. `PATCH /v4/evaluations/{id}/tasks/batch-assign`
 *   with `{"task_ids": []}` (the first `--evaluation-id`, or a made-up one) changes nothing
 *   even on a server that accepts it: it assigns no task. SGP (FastAPI) authenticates before it
 *   validates the body, so a 422 (or 400) proves the key, a 401/403 refuses it. A 404 proves
 *   nothing alone (an unknown evaluation, or no such route at all: FastAPI answers a wrong path
 *   with a JSON 404 before it looks at the key), so it is asked once more without a key: a
 *   401/403 then shows the route is there and checks keys (the key passed), a 404 again that
 *   the base URL is no SGP root.
 */

/** What the preflight needs to know about one API. */
export interface PreflightTarget {
  api: Api;
  /** Where the key came from, as the message names it: `SCALE_API_KEY`, `--scale-key (scaleApiKey)`. */
  keySource: string;
  /** The option that set the base URL, for "is --base-url the API root?". */
  urlOption: string;
  timeoutMs: number;
}

const LABEL: Record<Api, string> = { scale: 'Scale API', sgp: 'SGP API' };

/** The base URL as a message shows it: without credentials, query or fragment. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

const mediaTypeOf = (contentType: string) => (contentType.split(';')[0] ?? '').trim().toLowerCase();
const isJson = (mediaType: string) =>
  mediaType === 'application/json' || mediaType.endsWith('+json');

/** The request the preflight sends for `api`. */
function preflightRequest(
  api: Api,
  evaluationId: string,
): { operationId: string; spec: RequestSpec; shown: string } {
  if (api === 'scale') {
    return { operationId: 'getProjects', spec: {}, shown: 'GET /v2/projects' };
  }
  const path = `/v4/evaluations/${encodeURIComponent(evaluationId)}/tasks/batch-assign`;
  return {
    operationId: 'batchAssignEvaluationTasks',
    spec: { path, body: { task_ids: [] } },
    shown: `PATCH ${path}`,
  };
}

/** One line for a request that got no response. */
function networkCause(
  failure: RequestFailure,
  target: PreflightTarget,
  request: string,
  baseUrl: string,
): string {
  const label = LABEL[target.api];
  const host = failure.details.host ?? shownUrl(baseUrl);
  const hostname = host.replace(/:\d+$/, '');
  const code = failure.details.code;
  switch (failure.kind) {
    case 'refused':
      return `cannot connect to the ${label} at ${host}: connection refused (is ${target.urlOption} ${shownUrl(baseUrl)} right, and the server up?)`;
    case 'dns':
      return `cannot resolve ${hostname} (the ${label}'s host): DNS lookup failed${code ? ` (${code})` : ''}; check ${target.urlOption}`;
    case 'tls':
      return `TLS error connecting to the ${label} at ${host}: ${code ?? failure.message} (https to a plain-http port, or a certificate this machine does not trust?)`;
    case 'timeout':
      return `timeout: the ${label} at ${host} ${
        (failure.details.bytes ?? 0) > 0 || failure.message.startsWith('no complete')
          ? `did not finish answering ${request} within ${target.timeoutMs} ms (${failure.details.bytes ?? 0} bytes of the body read)`
          : `did not answer ${request} within ${target.timeoutMs} ms`
      } (--timeout-ms)`;
    case 'reset':
      return `the ${label} at ${host} closed the connection before answering ${request} (${failure.message})`;
    default:
      if (failure.message.includes('(bad port)')) {
        return `fetch refuses to connect to ${host}, the ${label}: port ${host.replace(/^.*:/, '')} is a "bad port" of the Fetch standard (check ${target.urlOption})`;
      }
      return `no response from the ${label} at ${host} to ${request}: ${failure.message}`;
  }
}

/**
 * Why the answer to the preflight request means the run cannot start, or undefined when it
 * proves the target and the key. `again` re-sends it without a key (SGP's 404, see above).
 */
async function responseCause(
  exchange: Exchange,
  target: PreflightTarget,
  baseUrl: string,
  request: string,
  again: () => Promise<Exchange | undefined>,
): Promise<string | undefined> {
  const label = LABEL[target.api];
  const at = `${request} at ${shownUrl(baseUrl)}`;
  const { status } = exchange;
  const mediaType = mediaTypeOf(exchange.contentType);
  const shownType = mediaType === '' ? 'no content type' : mediaType;
  const root = `is ${target.urlOption} the API root?`;
  if (status === 401 || status === 403) {
    return `the ${label} refused the key in ${target.keySource} (${status} on ${request})`;
  }
  if (status >= 300 && status < 400) {
    const location = exchange.headers.location;
    return `${at} redirected (${status})${location ? ` to ${shownUrl(location)}` : ''}: ${root}`;
  }
  if (status === 429) {
    return `the ${label} is rate limiting: ${request} answered 429 after the retries (try later, or a lower --rps)`;
  }
  if (status >= 500) {
    return `the ${label} is failing: ${request} answered ${status}; try again later`;
  }
  if (mediaType === 'text/html') {
    return `${at} answered ${status} with text/html, not JSON: ${root}`;
  }
  if (status === 404) {
    if (target.api === 'sgp' && isJson(mediaType)) {
      const keyless = await again();
      if (keyless && (keyless.status === 401 || keyless.status === 403)) {
        return undefined;
      }
      return `${at} answered 404 with the key and without one: ${root}`;
    }
    return `${at} answered 404 (${shownType}): ${root}`;
  }
  if (status === 402) {
    return `the ${label} answered 402 (payment required) on ${request}: the account of the key in ${target.keySource} cannot use it`;
  }
  if (!isJson(mediaType)) {
    return `${at} answered ${status} with ${shownType}, not JSON: ${root}`;
  }
  if (exchange.oversize === undefined && exchange.body === undefined) {
    return `${at} answered ${status} with ${mediaType} that is not JSON (${exchange.text === '' ? 'an empty body' : 'it does not parse'}): ${root}`;
  }
  const accepted =
    target.api === 'scale'
      ? status >= 200 && status < 300
      : (status >= 200 && status < 300) || status === 400 || status === 409 || status === 422;
  return accepted
    ? undefined
    : `${at} answered ${status} (expected ${target.api === 'scale' ? '200' : '422'}): ${root}`;
}

/**
 * Sends the preflight request of each target, in turn. A failure of one API on an origin (other
 * than a refused key: each API has its own) stands for the next API there too, instead of
 * being waited for twice and said twice.
 */
export async function runPreflight(
  session: Session,
  targets: readonly (PreflightTarget & { baseUrl: string })[],
  evaluationId: string,
): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [];
  const failedOrigins = new Map<string, string>();
  for (const target of targets) {
    const { operationId, spec, shown } = preflightRequest(target.api, evaluationId);
    session.info(`${target.api}: preflight ${shown}`);
    const origin = URL.canParse(target.baseUrl) ? new URL(target.baseUrl).origin : target.baseUrl;
    const known = failedOrigins.get(origin);
    if (known !== undefined) {
      // Not tried: the same host failed a moment ago (the same cause, said once).
      results.push({ api: target.api, request: shown, status: null, ok: false, cause: known });
      continue;
    }
    let exchange: Exchange;
    try {
      exchange = await session.probe(target.api, operationId, spec);
    } catch (error) {
      if (error instanceof RequestFailure && error.kind === 'stopped') {
        throw error;
      }
      const failure =
        error instanceof RequestFailure
          ? error
          : new RequestFailure(String((error as Error)?.message ?? error), 'network');
      const cause = networkCause(failure, target, shown, target.baseUrl);
      failedOrigins.set(origin, cause);
      results.push({ api: target.api, request: shown, status: null, ok: false, cause });
      continue;
    }
    const cause = await responseCause(exchange, target, target.baseUrl, shown, async () => {
      try {
        return await session.probe(target.api, operationId, { ...spec, auth: 'none' });
      } catch (error) {
        if (error instanceof RequestFailure && error.kind === 'stopped') {
          throw error;
        }
        return undefined;
      }
    });
    if (cause !== undefined && exchange.status !== 401 && exchange.status !== 403) {
      // Another API on this origin would only say the same (its keys are its own: a refused
      // key does not count here).
      failedOrigins.set(origin, cause);
    }
    results.push({
      api: target.api,
      request: exchange.request,
      status: exchange.status,
      ok: cause === undefined,
      ...(cause === undefined ? {} : { cause }),
    });
  }
  return results;
}
