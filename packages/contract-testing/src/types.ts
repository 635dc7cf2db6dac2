/** Which API a run verifies. */
export type Api = 'scale' | 'sgp';

/** One way a response broke the spec, or a request the server should have refused. */
export interface Violation {
  /** JSON pointer into the response body (`""` is the response as a whole: status, content type). */
  pointer: string;
  /** The JSON Schema keyword that failed (`type`, `required`, ...), or `status`, `contentType`, `json`, `network`. */
  keyword: string;
  /** What the spec expects there. */
  expected: string;
  /** What came back: JSON, cut to 200 characters; `(absent)` for a missing property. */
  actual: string;
}

/** One request and its verdict. */
export interface CheckResult {
  /** What the check does, e.g. `limit=0 is rejected`. */
  name: string;
  /** The request as sent, without host or credentials: `GET /v2/tasks?limit=0`. */
  request: string;
  /** The response status; `null` when no response came (network error, timeout) or the check was skipped. */
  status: number | null;
  /** True when the response conformed (a skipped check is neither passed nor failed: `ok` is true). */
  ok: boolean;
  /** Why the check did not run (no id to chain from, writes not allowed, request budget spent). */
  skipped?: string;
  violations: Violation[];
}

/** The checks of one operation. */
export interface OperationReport {
  api: Api;
  operationId: string;
  method: string;
  path: string;
  checks: CheckResult[];
}

/** What `verify` found. */
export interface Report {
  /** The Scale base URL (or the mock's URL). */
  baseUrl: string;
  /** The SGP base URL, when it differs from `baseUrl`. */
  sgpBaseUrl?: string;
  api: Api | 'all';
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  /** True when `verify` started the mock server itself (no base URL was given). */
  mock: boolean;
  /** True when write operations ran. */
  writes: boolean;
  /** True when only the checks that need no server state ran (`stateless`). */
  stateless: boolean;
  /** Requests sent. */
  requests: number;
  operations: OperationReport[];
  totals: { checks: number; passed: number; failed: number; skipped: number };
}

/** What `onProgress` hears: a phase of the run, or a finished check. */
export type ProgressEvent =
  | { kind: 'info'; message: string }
  | { kind: 'check'; api: Api; operationId: string; check: CheckResult };

/** A standard `fetch`. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options of `verify`. */
export interface VerifyOptions {
  /** Base URL of the Scale API (`https://api.scale.com`); none starts the mock server and verifies it. */
  baseUrl?: string;
  /**
   * Base URL of the SGP API. Default: `https://api.egp.scale.com` when `baseUrl` is
   * `https://api.scale.com`, otherwise `baseUrl` (a fake or the mock serves both).
   */
  sgpBaseUrl?: string;
  /** Which API to verify (default `all`). */
  api?: Api | 'all';
  /** Scale API key (default `SCALE_API_KEY`), sent as `Authorization: Bearer <key>`. */
  scaleApiKey?: string;
  /** SGP API key (default `SGP_API_KEY`), sent as `x-api-key`. */
  sgpApiKey?: string;
  /** SGP account to act as (`x-selected-account-id`; default `SGP_ACCOUNT_ID`). */
  sgpAccountId?: string;
  /** SGP evaluations to check (SGP has no list endpoint); against the mock, its fixtures. */
  evaluationIds?: string[];
  /** Run write operations (create, metadata, cancel, unique_id, tags, audit, SGP update/claim/assign). Default false. */
  allowWrites?: boolean;
  /**
   * Run only the checks that need no server state or server semantics, for a stateless
   * spec-driven mock (e.g. Prism): positive checks, negative checks whose request breaks the
   * spec, "no key → 401". Skipped, with the reason `needs server state`: read-backs and state
   * transitions after writes, made-up keys, and negative checks whose request conforms to the
   * spec (only a server's data can refuse it: unknown ids, one-of filters, reused unique ids).
   * Default false.
   */
  stateless?: boolean;
  /** Pace of requests (token bucket). Default 5 against a remote URL, unlimited against the mock. */
  requestsPerSecond?: number;
  /** Most requests to send; checks beyond it are skipped. Default 200 against a remote URL, unlimited against the mock. */
  maxRequests?: number;
  /** Per request. Default 30,000 ms. */
  timeoutMs?: number;
  /** A standard fetch (default `globalThis.fetch`). */
  fetch?: FetchFunction;
  /** Hears each phase and each finished check (secrets already removed). */
  onProgress?: (event: ProgressEvent) => void;
}
