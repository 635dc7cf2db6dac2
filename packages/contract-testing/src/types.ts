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
  /**
   * A failed fuzz check's request as a runnable `curl` command line: the smallest request
   * (shrunk) that still fails, the API key written as `$SCALE_API_KEY` or `$SGP_API_KEY`.
   */
  reproducer?: string;
  /** What a fuzz check sent and saw (only on the checks of the fuzz phase, `verify({ fuzz })`). */
  fuzz?: FuzzCheckDetails;
}

/** The checks of one operation. */
export interface OperationReport {
  api: Api;
  operationId: string;
  method: string;
  path: string;
  checks: CheckResult[];
}

/**
 * How a run ended. `conforms`: every check that ran conforms (exit code 0). `violations`: the
 * API broke the spec (1). `could-not-start`: the preflight failed, no check ran (2).
 * `deadline` / `interrupted`: the run was cut short, the report is partial (1 when it found a
 * violation before, else 2). `suite-error`: the suite itself crashed (2). See `exitCodeOf`.
 */
export type Outcome =
  | 'conforms'
  | 'violations'
  | 'could-not-start'
  | 'deadline'
  | 'interrupted'
  | 'suite-error';

/** The preflight of one API: one harmless request that proves the target and the key. */
export interface PreflightResult {
  api: Api;
  /** As sent, without host or credentials: `GET /v2/projects`. */
  request: string;
  /** The response status; `null` when none came. */
  status: number | null;
  ok: boolean;
  /** Why the run cannot start, in one line (never the key). */
  cause?: string;
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
  /**
   * `skipped` includes the checks not counted and not run; `notCounted` (negative checks that
   * passed with no positive control of their operation) and `notRun` (cut short by the deadline
   * or an interruption) are present when not 0.
   */
  totals: {
    checks: number;
    passed: number;
    failed: number;
    skipped: number;
    notCounted?: number;
    notRun?: number;
  };
  /** How the run ended (always set by `verify`). */
  outcome?: Outcome;
  /** Why the run could not start, was cut short or crashed: one line, no key in it. */
  cause?: string;
  /** The preflight requests, one per API (absent when the run was stopped before them). */
  preflight?: PreflightResult[];
  /** The overall deadline the run had, in ms. */
  deadlineMs?: number;
  /** The fuzz phase, when it ran (`verify({ fuzz })`). */
  fuzz?: FuzzReport;
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
  /**
   * The whole run's deadline, in ms: when it passes, the request in flight is abandoned, the
   * checks not yet run are listed as `not run`, and the (partial) report has the outcome
   * `deadline`. Default: `min(maxRequests, 400) × (timeoutMs + 1000 / requestsPerSecond)`,
   * at least 1 minute and at most 30 minutes (30 minutes with the remote defaults).
   */
  deadlineMs?: number;
  /**
   * The most bytes read from one response body (after decompression). A larger body is not
   * read to the end: the check records a `size` violation. Default 20 MiB.
   */
  maxBodyBytes?: number;
  /**
   * Stops the run when it aborts (e.g. on Ctrl-C): like the deadline, with the outcome
   * `interrupted`; the abort reason (a string, e.g. `SIGINT`) is the cause.
   */
  signal?: AbortSignal;
  /**
   * Called once the run has started, with a function that assembles the report of what was
   * recorded so far, for a caller that must end the process at once (a second Ctrl-C).
   */
  onSnapshot?: (snapshot: (outcome: Outcome, cause: string) => Report) => void;
  /**
   * After the checks, fuzz the operations: requests generated from the spec's request schemas,
   * valid ones that must be accepted and invalid ones that must be refused, failures shrunk to
   * the smallest request and reported with a `curl` reproducer. `true` for the defaults (a
   * random seed, 25 examples per operation and kind). Default off.
   */
  fuzz?: boolean | FuzzOptions;
}

/** Options of the fuzz phase (`verify({ fuzz })`). */
export interface FuzzOptions {
  /** The seed (an integer from 0 to 4294967295): the same seed sends the same requests to the same server state. Default: random, reported. */
  seed?: number;
  /** Generated requests per operation and kind (valid, invalid), shrinking not counted. Default 25. */
  maxExamples?: number;
}

/** A valid generated request that the server refused with a documented 4xx and a conforming body. */
export interface FuzzRefusal {
  /** As sent, without host or credentials. */
  request: string;
  status: number;
  /** The error body's message (`error`, `detail`, `message`), cut to 200 characters. */
  message: string;
}

/** What one fuzz check (one operation, valid or invalid requests) sent and saw. */
export interface FuzzCheckDetails {
  kind: 'valid' | 'invalid';
  /** The seed of this check's property (derived from the run's seed, the API, the operation and the kind). */
  seed: number;
  /** Generated requests sent (shrinking not counted). */
  examples: number;
  /** Requests sent while shrinking a failure. */
  shrinks: number;
  /** How many responses had each status (shrinking included). */
  statuses: Record<string, number>;
  /**
   * Valid requests refused with a documented 400, 402, 403, 404, 409 or 422 whose body conforms:
   * by a rule the schema does not state (a one-of filter, an unknown id). Counted, not
   * findings; at most 10 are listed.
   */
  refused: FuzzRefusal[];
  refusedCount: number;
  /** Answers 429 even after the retries: not judged. */
  rateLimited: number;
  /** For a failed invalid check: what its request breaks, e.g. `limit: constraint miss at / (maximum 100: 101)`. */
  mutation?: string;
}

/** The fuzz phase of a run. */
export interface FuzzReport {
  /** Replays the run: `--fuzz --seed <seed>`. */
  seed: number;
  maxExamples: number;
  /** Requests the fuzz phase sent (discovery and shrinking included); also counted in `requests`. */
  requests: number;
  /** Failed fuzz checks. */
  findings: number;
  /** Valid requests refused by a rule the schema does not state (not findings). */
  refused: number;
  durationMs: number;
}
