// The fuzz phase of `verify --fuzz`: requests generated from the spec's request schemas, valid
// ones that must be accepted and invalid ones that must be refused; a failure is shrunk by
// fast-check to its smallest request and reported with a `curl` line that replays it.
import {
  mutatedSchemaValue,
  schemaValue,
  UnsatisfiableSchemaError,
} from '@scale-contracts/schema-arbitraries';
import * as fc from 'fast-check';
import { curlCommand } from './curl.js';
import {
  conformsOnWire,
  documentOf,
  type FuzzRequest,
  type OperationModel,
  operationModels,
  pathOf,
  pathValueOk,
  queryOf,
} from './fuzz-requests.js';
import { collect, listOf, objectOf, stringOf } from './plan-helpers.js';
import { redactText, redactValue } from './redact.js';
import {
  assess,
  type Exchange,
  NOT_RUN,
  operationOf,
  type Session,
  type SessionOptions,
} from './session.js';
import type {
  Api,
  CheckResult,
  FuzzCheckDetails,
  FuzzRefusal,
  FuzzReport,
  Violation,
} from './types.js';
import { showValue, truncate } from './violations.js';

/** At most this many requests shrink one failure (fewer when the request budget is short). */
export const MAX_SHRINK_REQUESTS = 100;
/**
 * Documented 4xx answers to a *valid* request that are not findings when their body conforms:
 * the server refused it by a rule the schema does not state (a one-of filter written in a
 * description, an unknown id, a feature not enabled for the account, a conflict).
 */
export const REFUSALS = [400, 402, 403, 404, 409, 422];
/** How many refusals a check lists (all are counted). */
const LISTED_REFUSALS = 10;
const MAX_429_RETRIES = 2;

/** The environment variable a reproducer reads each API's key from. */
export const KEY_VARIABLES: Record<Api, string> = {
  scale: 'SCALE_API_KEY',
  sgp: 'SGP_API_KEY',
};

export const VALID_CHECK = 'fuzz: valid request accepted';
export const INVALID_CHECK = 'fuzz: invalid request refused';

/** What the fuzz phase needs besides the session. */
export interface FuzzContext {
  /** The run's seed (0 to 4294967295). */
  seed: number;
  maxExamples: number;
  allowWrites: boolean;
  apis: Api[];
  /** SGP evaluations (SGP has no list endpoint). */
  evaluationIds: string[];
}

type Kind = 'valid' | 'invalid';

/** FNV-1a (32 bits) of `text`: the seed of one property, from the run's seed and its name. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The seed of the property of one operation and kind: independent of which others run. */
export const propertySeed = (seed: number, api: Api, operationId: string, kind: Kind) =>
  hash32(`${seed}:${api}:${operationId}:${kind}`);

// ---------------------------------------------------------------------------------------------
// Sending.

/** One request on the wire. */
interface Wire {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Headers carrying the key, for the reproducer: the key as `$SCALE_API_KEY`. */
  secretHeaders: Record<string, string>;
  body?: string;
}

/** What the fuzz phase found out about one request. */
interface Outcome {
  request: string;
  reproducer: string;
  status: number | null;
  /** Not a finding: accepted, refused as expected, refused by an unstated rule, rate limited. */
  ok: boolean;
  refused?: FuzzRefusal;
  rateLimited?: boolean;
  violations: Violation[];
  mutation?: string;
}

const isJson = (mediaType: string) =>
  mediaType === 'application/json' || mediaType.endsWith('+json');
const mediaTypeOf = (contentType: string) => (contentType.split(';')[0] ?? '').trim().toLowerCase();

/** Seconds or an HTTP date from `Retry-After`, capped at 30 s; 1 s when absent (as the session). */
function retryDelay(headers: Headers): number {
  const value = headers.get('retry-after');
  const seconds = value === null ? Number.NaN : Number(value);
  if (Number.isFinite(seconds)) {
    return Math.min(30_000, Math.max(0, seconds * 1000));
  }
  const date = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(date) ? 1000 : Math.min(30_000, Math.max(0, date - Date.now()));
}

/**
 * Sends requests as the session does (its targets, fetch, pacer and timeout; redirects judged,
 * never followed; a 429 waited out and retried twice), counting each one in `session.requests`
 * so that the fuzz phase draws from the run's request budget.
 */
class Sender {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly session: Session,
    private readonly options: SessionOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Requests the budget still allows. */
  remaining(): number {
    return this.options.maxRequests - this.session.requests;
  }

  /** The extra headers of `api` (e.g. `x-selected-account-id`), as the validators see them. */
  targetHeaders(api: Api): Record<string, string> {
    return this.options.targets[api]?.headers ?? {};
  }

  wire(model: OperationModel, request: FuzzRequest): Wire {
    const target = this.options.targets[model.api];
    const base = new URL(target?.baseUrl ?? 'http://unset.invalid');
    const url = new URL(`${base.pathname.replace(/\/$/, '')}${pathOf(model.path, request)}`, base);
    url.search = queryOf(request).toString();
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'scale-contracts-verify',
      ...target?.headers,
    };
    let body: string | undefined;
    if (request.rawBody !== undefined) {
      body = request.rawBody;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
    }
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const secretHeaders =
      target?.key !== undefined ? target.credentials(`$${KEY_VARIABLES[model.api]}`) : {};
    return { method: model.method, url: url.toString(), headers, secretHeaders, body };
  }

  /** `GET /v2/tasks?limit=0`: without host or credentials, secrets redacted. */
  describe(model: OperationModel, wire: Wire): string {
    const url = new URL(wire.url);
    const base = new URL(this.options.targets[model.api]?.baseUrl ?? 'http://unset.invalid');
    const prefix = base.pathname.replace(/\/$/, '');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    return redactText(`${wire.method} ${path}${url.search}`, this.options.secrets);
  }

  reproducer(wire: Wire): string {
    return redactText(
      curlCommand({
        method: wire.method,
        url: wire.url,
        headers: wire.headers,
        secretHeaders: wire.secretHeaders,
        body: wire.body,
      }),
      this.options.secrets,
    );
  }

  /** Sends `wire`; throws with a message when no response came. */
  async send(model: OperationModel, wire: Wire): Promise<Exchange> {
    const target = this.options.targets[model.api];
    const headers = { ...wire.headers };
    if (target?.key) {
      Object.assign(headers, target.credentials(target.key));
    }
    for (let attempt = 0; ; attempt += 1) {
      await this.options.pacer.take();
      this.session.requests += 1;
      let response: Response;
      let text: string;
      try {
        response = await this.options.fetch(wire.url, {
          method: wire.method,
          headers,
          body: wire.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const name = (error as Error)?.name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new Error(`no response within ${this.options.timeoutMs} ms`);
        }
        const cause = (error as Error & { cause?: unknown })?.cause;
        throw new Error(
          `${(error as Error)?.message ?? error}${cause ? ` (${(cause as Error).message ?? cause})` : ''}`,
        );
      }
      if (response.status === 429 && attempt < MAX_429_RETRIES && this.remaining() > 0) {
        await this.sleep(retryDelay(response.headers));
        continue;
      }
      const contentType = response.headers.get('content-type') ?? '';
      let body: unknown;
      if (text !== '' && isJson(mediaTypeOf(contentType))) {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      }
      return {
        request: this.describe(model, wire),
        status: response.status,
        headers: Object.fromEntries(response.headers),
        contentType,
        body,
        text,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Judging.

const showResponse = (exchange: Exchange) =>
  truncate(
    `${exchange.status}${
      exchange.text === ''
        ? ''
        : ` ${exchange.body === undefined ? truncate(exchange.text, 160) : showValue(exchange.body)}`
    }`,
  );

/** The message of an error body (`error`, `detail`, `message`). */
function messageOf(body: unknown): string {
  const object = objectOf(body);
  const value = object?.error ?? object?.detail ?? object?.message ?? body;
  return truncate(typeof value === 'string' ? value : showValue(value));
}

const documentedCodes = (model: OperationModel) =>
  Object.keys(operationOf(model.api, model.operationId).responses);

/**
 * A valid request's response. Accepted: a documented 2xx or 3xx whose content type and body
 * conform. Not a finding either: a documented 400, 402, 403, 404, 409 or 422 whose body
 * conforms (refused by a rule the schema does not state: counted and listed), and a 429 (not
 * judged). A finding: a 5xx (documented or not), any other status (an undocumented one, a 401
 * to a request that carries the key), and a response, success or refusal, that breaks its
 * schema or content type.
 */
function judgeValid(model: OperationModel, exchange: Exchange): Omit<Outcome, 'reproducer'> {
  const base = { request: exchange.request, status: exchange.status };
  const violations = assess(model.api, model.operationId, exchange, 'documented');
  if (violations.length > 0) {
    return { ...base, ok: false, violations };
  }
  if (exchange.status >= 200 && exchange.status < 400) {
    return { ...base, ok: true, violations: [] };
  }
  if (exchange.status === 429) {
    return { ...base, ok: true, rateLimited: true, violations: [] };
  }
  if (REFUSALS.includes(exchange.status)) {
    return {
      ...base,
      ok: true,
      refused: {
        request: exchange.request,
        status: exchange.status,
        message: messageOf(exchange.body),
      },
      violations: [],
    };
  }
  const codes = documentedCodes(model);
  const success = codes.filter((code) => /^[23]/.test(code));
  const refusals = codes.filter((code) => REFUSALS.includes(Number(code)));
  return {
    ...base,
    ok: false,
    violations: [
      {
        pointer: '',
        keyword: 'status',
        expected: `a documented ${success.join(' or ')} (the request conforms to the spec), or a refusal the spec documents (${refusals.join(', ')})`,
        actual: showResponse(exchange),
      },
    ],
  };
}

/**
 * An invalid request's response: a documented 4xx whose content type and body conform. A 2xx
 * (the server took a request the spec forbids), a 5xx, an undocumented status, or a refusal
 * whose body breaks its schema is a finding; a 429 is not judged.
 */
function judgeInvalid(model: OperationModel, exchange: Exchange): Omit<Outcome, 'reproducer'> {
  const base = { request: exchange.request, status: exchange.status };
  if (exchange.status === 429 && documentedCodes(model).includes('429')) {
    return { ...base, ok: true, rateLimited: true, violations: [] };
  }
  const violations = assess(model.api, model.operationId, exchange, 'rejected');
  return { ...base, ok: violations.length === 0, violations };
}

// ---------------------------------------------------------------------------------------------
// Discovery: ids from the server, for the parameters the spec says must name a real thing.

/** What the server has: the ids and names the valid requests are built from. */
export interface Pools {
  projects: { id: string; name: string }[];
  batches: { id: string; name: string; projectName: string }[];
  tasks: string[];
  annotations: string[];
  deliveries: { id: string; name: string; projectId: string; projectName: string }[];
  schemas: string[];
  datasets: string[];
  datasetDeliveries: string[];
  datasetTasks: string[];
  attachments: { taskId: string; attachmentId: string }[];
  v1Tasks: string[];
  evaluations: string[];
}

const unique = <T>(values: T[], key: (value: T) => string = String): T[] => {
  const seen = new Set<string>();
  return values.filter((value) => {
    const k = key(value);
    if (seen.has(k)) {
      return false;
    }
    seen.add(k);
    return true;
  });
};
const strings = (values: unknown[]) =>
  unique(values.map(stringOf).filter((value): value is string => value !== undefined)).slice(0, 5);

/** The ids the fuzz phase's valid requests use, from a few list requests (plan-like chaining). */
async function discover(sender: Sender, context: FuzzContext): Promise<Pools> {
  const pools: Pools = {
    projects: [],
    batches: [],
    tasks: [],
    annotations: [],
    deliveries: [],
    schemas: [],
    datasets: [],
    datasetDeliveries: [],
    datasetTasks: [],
    attachments: [],
    v1Tasks: [],
    evaluations: [...context.evaluationIds],
  };
  if (!context.apis.includes('scale')) {
    return pools;
  }
  const models = new Map(operationModels('scale').map((model) => [model.operationId, model]));
  const get = async (operationId: string, query: Record<string, unknown>) => {
    const model = models.get(operationId);
    if (!model || sender.remaining() <= 0) {
      return undefined;
    }
    try {
      const exchange = await sender.send(model, sender.wire(model, { path: {}, query }));
      return exchange.status >= 200 && exchange.status < 300 ? exchange : undefined;
    } catch {
      return undefined;
    }
  };
  const projects = listOf(await get('getProjects', {}), 'projects');
  pools.projects = unique(
    projects.flatMap((project) => {
      const id = stringOf(project.id);
      const name = stringOf(project.name);
      return id && name ? [{ id, name }] : [];
    }),
    (project) => project.id,
  ).slice(0, 3);
  const project = pools.projects[0];
  if (project) {
    const batches = listOf(
      await get('getBatches', { project_id: project.id, limit: 5 }),
      'batches',
    );
    pools.batches = batches.flatMap((batch) => {
      const id = stringOf(batch.id);
      const name = stringOf(batch.name);
      return id && name ? [{ id, name, projectName: project.name }] : [];
    });
    const tasks = await get('getTasks', {
      project_id: project.id,
      limit: 5,
      opts: ['annotation_details'],
    });
    pools.tasks = strings(listOf(tasks, 'tasks').map((task) => task.task_id));
    pools.annotations = strings(collect(tasks?.body, 'annotations').map((a) => a.id));
    const deliveries = listOf(await get('getDeliveries', { project_id: project.id }), 'deliveries');
    pools.deliveries = deliveries
      .flatMap((delivery) => {
        const id = stringOf(delivery.id);
        const name = stringOf(delivery.name);
        return id && name ? [{ id, name, projectId: project.id, projectName: project.name }] : [];
      })
      .slice(0, 5);
    // Delivered responses name their schema (`response_schema_id`), as in the plan.
    const delivered = await get('getDeliveryTasks', { project_id: project.id, limit: 20 });
    pools.schemas = strings(listOf(delivered, 'docs').map((doc) => doc.response_schema_id));
  }
  pools.datasets = strings(listOf(await get('getDatasets', {}), 'datasets').map((d) => d.id));
  const dataset = pools.datasets[0];
  if (dataset) {
    const deliveries = await get('getDatasetDeliveries', { dataset_id: dataset });
    pools.datasetDeliveries = strings(listOf(deliveries, 'deliveries').map((d) => d.id));
    const tasks = listOf(await get('getDatasetTasks', { dataset_id: dataset, limit: 5 }), 'tasks');
    pools.datasetTasks = strings(tasks.map((task) => task.task_id));
    pools.attachments = unique(
      tasks.flatMap((task) => {
        const taskId = stringOf(task.task_id);
        const attachment = collect(task.response, 'attachments')
          .map((item) => stringOf(item.id) ?? stringOf(item.attachment_id))
          .find(Boolean);
        return taskId && attachment ? [{ taskId, attachmentId: attachment }] : [];
      }),
      (pair) => `${pair.taskId}/${pair.attachmentId}`,
    );
  }
  pools.v1Tasks = strings(
    listOf(await get('listV1Tasks', { limit: 5 }), 'docs').map((t) => t.task_id),
  );
  return pools;
}

// ---------------------------------------------------------------------------------------------
// Rules the spec states in prose: which parameters must name something the server has, and
// which of them go together. Each alternative is a list of parameter sets, one of which a valid
// request carries; the parameters they name are not generated freely.

type Binding = { path?: Record<string, string>; query?: Record<string, string> };
interface Rule {
  /** One alternative is picked, then one of its bindings. An empty list: nothing discovered. */
  alternatives: (pools: Pools) => Binding[][];
  /** Parameters a valid request leaves out (cursors: only the server hands them out). */
  omit?: string[];
}

const q = (query: Record<string, string>): Binding => ({ query });
const byProject = (pools: Pools, key: 'project_id' | 'project_name') =>
  pools.projects.map((p) => q({ [key]: key === 'project_id' ? p.id : p.name }));

/** The one-of rules of the Scale reads (from their descriptions), and the ids they need. */
const SCALE_RULES: Record<string, Rule> = {
  getTask: { alternatives: (p) => [p.tasks.map((id) => q({ task_id: id }))] },
  getTasks: {
    // "One of project_id, project_name, batch_id or batch_name is required."
    alternatives: (p) => [
      byProject(p, 'project_id'),
      byProject(p, 'project_name'),
      p.batches.map((b) => q({ batch_id: b.id })),
      p.batches.map((b) => q({ batch_name: b.name })),
    ],
    omit: ['next_token'],
  },
  getDeliveries: {
    alternatives: (p) => [byProject(p, 'project_id'), byProject(p, 'project_name')],
  },
  getDeliveredTasks: {
    // "by delivery_id, or by delivery_name together with project_id or project_name"
    alternatives: (p) => [
      p.deliveries.map((d) => q({ delivery_id: d.id })),
      p.deliveries.map((d) => q({ delivery_name: d.name, project_id: d.projectId })),
      p.deliveries.map((d) => q({ delivery_name: d.name, project_name: d.projectName })),
    ],
    omit: ['next_token'],
  },
  getDeliveryTasks: {
    alternatives: (p) => [
      byProject(p, 'project_id'),
      byProject(p, 'project_name'),
      p.deliveries.map((d) => q({ project_id: d.projectId, delivery_id: d.id })),
    ],
    omit: ['next_token'],
  },
  getBatch: {
    alternatives: (p) => [
      p.batches.map((b) => q({ batch_id: b.id })),
      p.batches.map((b) => q({ batch_name: b.name })),
    ],
  },
  getBatches: {
    alternatives: (p) => [byProject(p, 'project_id'), byProject(p, 'project_name')],
    omit: ['next_token'],
  },
  getAnnotation: { alternatives: (p) => [p.annotations.map((id) => q({ annotation_id: id }))] },
  getDatasetDeliveries: {
    alternatives: (p) => [[q({})], p.datasets.map((id) => q({ dataset_id: id }))],
  },
  getDatasetDelivery: {
    // "the server needs it (delivery_id): without it the answer is 400"
    alternatives: (p) => [p.datasetDeliveries.map((id) => q({ delivery_id: id }))],
    omit: ['next_token'],
  },
  getDatasetTasks: {
    // "One of dataset_id and delivery_id is needed"
    alternatives: (p) => [
      p.datasets.map((id) => q({ dataset_id: id })),
      p.datasetDeliveries.map((id) => q({ delivery_id: id })),
    ],
    omit: ['next_token'],
  },
  getDatasetTask: { alternatives: (p) => [p.datasetTasks.map((id) => q({ task_id: id }))] },
  getDatasetTaskResponseUrl: {
    alternatives: (p) => [
      p.attachments.map((a) => ({ path: { taskId: a.taskId, attachmentId: a.attachmentId } })),
    ],
  },
  getSchema: { alternatives: (p) => [p.schemas.map((id) => q({ schema_id: id }))] },
  getProject: {
    alternatives: (p) => [byProject(p, 'project_id'), byProject(p, 'project_name')],
  },
  getV1Task: { alternatives: (p) => [p.v1Tasks.map((id) => ({ path: { task_id: id } }))] },
  listV1Tasks: {
    // `project` and `batch` are names; the cursor comes from the server.
    alternatives: (p) => [
      [q({})],
      p.projects.map((project) => q({ project: project.name })),
      p.batches.map((batch) => q({ batch: batch.name })),
    ],
    omit: ['next_token'],
  },
};

/** SGP: every operation is a write on an evaluation the caller names (the plan's ids). */
const SGP_RULES: Record<string, Rule> = Object.fromEntries(
  ['updateEvaluationTask', 'claimEvaluationTask', 'batchAssignEvaluationTasks'].map((id) => [
    id,
    { alternatives: (p: Pools) => [p.evaluations.map((e) => ({ path: { evaluation_id: e } }))] },
  ]),
);

const rulesOf = (api: Api) => (api === 'scale' ? SCALE_RULES : SGP_RULES);

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** A request arbitrary, or why there is none. */
type Built = { arbitrary: fc.Arbitrary<FuzzRequest> } | { none: string };

const emptyRequest = (): FuzzRequest => ({ path: {}, query: {} });

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * `RequestDateTime` is a pattern, and its description adds what a pattern cannot say:
 * "Calendar validity (no February 30) is the server's to check; it answers 400." A valid
 * request's date-time keeps the generated shape (separator, fraction, offset) on a real
 * calendar day, with seconds below 60 (the server takes a leap second only at 23:59:60 UTC).
 */
export function calendarValid(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})([Tt ]\d{2}:\d{2}:)(\d{2})(.*)$/.exec(value);
  if (!match) {
    return value;
  }
  const [, year, month, day, time, second, rest] = match as unknown as string[];
  const last = daysIn(Number(year), Number(month));
  const fixedDay = String(Math.min(Number(day), last)).padStart(2, '0');
  const fixedSecond = second === '60' ? '59' : second;
  return `${year}-${month}-${fixedDay}${time}${fixedSecond}${rest}`;
}

/** Rules of component schemas stated in their descriptions, applied to the values of valid requests. */
const VALUE_RULES: Record<string, (value: unknown) => unknown> = {
  '#/components/schemas/RequestDateTime': (value) =>
    typeof value === 'string' ? calendarValid(value) : value,
};

/** Values of a parameter's schema that the wire can carry as they are meant. */
function parameterArb(model: OperationModel, name: string, location: 'path' | 'query') {
  const parameter = model.parameters.find((p) => p.name === name && p.in === location);
  if (!parameter) {
    return undefined;
  }
  // No filter here: a value the wire cannot carry (an empty path segment) is discarded when
  // the request is sent (`fc.pre`), so that a schema offering only such values cannot hang.
  const arb = schemaValue(documentOf(model.api), parameter.schema, { where: parameter.where });
  const ref = objectOf(parameter.schema)?.$ref;
  const rule = typeof ref === 'string' ? VALUE_RULES[ref] : undefined;
  return rule ? arb.map(rule) : arb;
}

/**
 * The base of a request: the bound parameters from one alternative of the operation's rule
 * (when the server had something for it), every other path and query parameter from its
 * schema (optional ones sometimes left out: that is also what they shrink to), and the body
 * when `withBody`.
 */
function baseArb(
  model: OperationModel,
  pools: Pools | undefined,
  options: { bind: boolean; withBody: boolean },
): fc.Arbitrary<FuzzRequest> {
  const rule = rulesOf(model.api)[model.operationId];
  const alternatives = options.bind && rule && pools ? rule.alternatives(pools) : [];
  const usable = alternatives.filter((bindings) => bindings.length > 0);
  const bound = new Set(
    alternatives.flatMap((bindings) =>
      bindings.flatMap((binding) => [
        ...Object.keys(binding.path ?? {}).map((name) => `path:${name}`),
        ...Object.keys(binding.query ?? {}).map((name) => `query:${name}`),
      ]),
    ),
  );
  const bindingArb: fc.Arbitrary<Binding> =
    usable.length === 0
      ? fc.constant({})
      : // Cross-shrinking: a failure found with a later alternative shrinks to the first one
        // that still fails (`project_id` before `project_name`).
        fc.oneof(
          { withCrossShrink: true },
          ...usable.map((bindings) => fc.constantFrom(...bindings)),
        );
  const omitted = new Set(options.bind ? (rule?.omit ?? []) : []);
  // Without anything discovered, the bound parameters are generated like the others.
  const free = model.parameters.filter(
    (p) =>
      (p.in === 'path' || p.in === 'query') &&
      !omitted.has(p.name) &&
      !(usable.length > 0 && bound.has(`${p.in}:${p.name}`)),
  );
  const entries = free.map((p) => {
    const arb = parameterArb(model, p.name, p.in as 'path' | 'query') as fc.Arbitrary<unknown>;
    return { parameter: p, arb: p.required ? arb : fc.option(arb, { nil: undefined, freq: 3 }) };
  });
  const body = model.body;
  const bodyArb: fc.Arbitrary<unknown> =
    options.withBody && body
      ? body.required
        ? schemaValue(documentOf(model.api), body.schema, { where: body.where })
        : fc.option(schemaValue(documentOf(model.api), body.schema, { where: body.where }), {
            nil: undefined,
            freq: 3,
          })
      : fc.constant(undefined);
  return fc
    .tuple(bindingArb, fc.tuple(...entries.map((entry) => entry.arb)), bodyArb)
    .map(([binding, values, bodyValue]) => {
      const request = emptyRequest();
      entries.forEach((entry, index) => {
        const value = values[index];
        if (value !== undefined) {
          if (entry.parameter.in === 'path') {
            request.path[entry.parameter.name] = value as string;
          } else {
            request.query[entry.parameter.name] = value;
          }
        }
      });
      Object.assign(request.path, binding.path);
      Object.assign(request.query, binding.query);
      if (bodyValue !== undefined) {
        request.body = bodyValue;
      }
      return request;
    });
}

/** Valid requests of a read: the base with the discovered ids. */
function validArb(model: OperationModel, pools: Pools): Built {
  return { arbitrary: baseArb(model, pools, { bind: true, withBody: true }) };
}

type Mutator = fc.Arbitrary<(request: FuzzRequest) => FuzzRequest>;

/** A proper prefix of an object's JSON text is never JSON; nor are these. */
const MALFORMED = ['{', 'not json', "{'single': 'quotes'}", '{"trailing": 1,}', '{"a":}'];

/**
 * Invalid requests: the base (ids discovered for reads, generated for writes) with one thing
 * broken, which the wire must carry (checked when the request is sent): one parameter with a
 * mutation of its schema (wrong type, outside its enum, range or length, a format miss), a
 * required parameter left out, the body with a mutation of its schema, no body where one is
 * required, or a body that is not JSON.
 */
function invalidArb(model: OperationModel, pools: Pools, headers: Record<string, string>): Built {
  const doc = documentOf(model.api);
  const mutators: Mutator[] = [];
  for (const parameter of model.parameters) {
    if (parameter.in !== 'path' && parameter.in !== 'query') {
      continue;
    }
    const location = parameter.in;
    mutators.push(
      mutatedSchemaValue(doc, parameter.schema, { where: parameter.where }).map(
        ({ value, mutation }) =>
          (request: FuzzRequest) => {
            const next = structuredClone(request);
            if (location === 'path') {
              next.path[parameter.name] = value as string;
            } else {
              next.query[parameter.name] = value;
            }
            next.mutation = `${location} ${parameter.name}: ${mutation}`;
            return next;
          },
      ),
    );
    if (parameter.required && location === 'query') {
      mutators.push(
        fc.constant((request: FuzzRequest) => {
          const next = structuredClone(request);
          delete next.query[parameter.name];
          next.mutation = `query ${parameter.name}: required, left out`;
          return next;
        }),
      );
    }
  }
  const body = model.body;
  if (body) {
    mutators.push(
      mutatedSchemaValue(doc, body.schema, { where: body.where }).map(
        ({ value, mutation }) =>
          (request: FuzzRequest) => ({
            ...structuredClone(request),
            body: value,
            mutation: `body: ${mutation}`,
          }),
      ),
    );
    if (body.required) {
      mutators.push(
        fc.constant((request: FuzzRequest) => {
          const { body: _dropped, ...rest } = structuredClone(request);
          return { ...rest, mutation: 'body: required, left out' };
        }),
      );
    }
    const cut = fc
      .tuple(schemaValue(doc, body.schema, { where: body.where }), fc.nat())
      .map(([value, at]) => {
        const text = JSON.stringify(value);
        return text.length > 1 ? text.slice(0, 1 + (at % (text.length - 1))) : '{';
      });
    mutators.push(
      fc.oneof(cut, fc.constantFrom(...MALFORMED)).map((raw) => (request: FuzzRequest) => {
        const { body: _dropped, ...rest } = structuredClone(request);
        return { ...rest, rawBody: raw, mutation: `body: not JSON (${truncate(raw, 40)})` };
      }),
    );
  }
  const base = baseArb(model, pools, { bind: model.read || model.api === 'sgp', withBody: true });
  // Only the mutations that can break a request on the wire: `project_id: 7` goes out as the
  // valid string `7`, an empty path segment changes the route. Judged on a fixed sample, so
  // that the property does not spend its runs discarding them.
  const [sample] = fc.sample(base, { seed: 0, numRuns: 1 });
  const effective = mutators.filter(
    (mutator) =>
      sample !== undefined &&
      fc.sample(mutator, { seed: 0, numRuns: 30 }).some((mutate) => {
        const request = mutate(sample);
        return carriable(request) && !conformsOnWire(model, request, headers);
      }),
  );
  if (effective.length === 0) {
    return { none: 'the spec refuses nothing a request to it can carry' };
  }
  return {
    arbitrary: fc
      .tuple(base, fc.oneof({ withCrossShrink: true }, ...effective))
      .map(([request, mutate]) => mutate(request)),
  };
}

/** The wire carries every path value as one segment of the route. */
const carriable = (request: FuzzRequest) => Object.values(request.path).every(pathValueOk);

// ---------------------------------------------------------------------------------------------
// Running.

const canonical = (request: FuzzRequest) => JSON.stringify(request);

/** A check of the fuzz phase, in the session's report (under its operation), announced as the session does. */
function record(
  session: Session,
  options: SessionOptions,
  model: OperationModel,
  check: CheckResult,
): void {
  const clean = redactValue(check, options.secrets);
  let operation = session.operations.find(
    (item) => item.api === model.api && item.operationId === model.operationId,
  );
  if (!operation) {
    const { method, path } = operationOf(model.api, model.operationId);
    operation = { api: model.api, operationId: model.operationId, method, path, checks: [] };
    session.operations.push(operation);
  }
  operation.checks.push(clean);
  options.onProgress?.({
    kind: 'check',
    api: model.api,
    operationId: model.operationId,
    check: clean,
  });
}

interface PropertyRun {
  model: OperationModel;
  kind: Kind;
  build: () => Built;
}

/**
 * Runs the fuzz phase after the plan's checks: discovery (a few list requests), then, per
 * operation, a property of valid requests (reads) and one of invalid requests (reads; writes
 * only with `allowWrites`), each run by fast-check (`fc.asyncProperty`) with the property's
 * seed. A failure is shrunk (at most {@link MAX_SHRINK_REQUESTS} more requests) and reported
 * with its smallest request and a `curl` reproducer. Checks are added to the session's report.
 *
 * The budget is the run's: each property gets at most `maxExamples` requests and at most a fair
 * share of what the budget still has (what is left over divided by the properties still to
 * run); past the budget, a property is skipped (`request budget spent`).
 */
export async function runFuzz(
  session: Session,
  options: SessionOptions,
  context: FuzzContext,
): Promise<FuzzReport> {
  const started = Date.now();
  const before = session.requests;
  const sender = new Sender(session, options);
  const info = (message: string) => session.info(`fuzz: ${message}`);
  info(
    `seed ${context.seed}, at most ${context.maxExamples} examples per operation and kind (replay: --fuzz --seed ${context.seed})`,
  );
  const pools = await discover(sender, context);
  if (context.apis.includes('scale')) {
    info(
      `from the server: ${pools.projects.length} projects, ${pools.batches.length} batches, ${pools.tasks.length} tasks, ${pools.annotations.length} annotations, ${pools.deliveries.length} deliveries, ${pools.schemas.length} schemas, ${pools.datasets.length} datasets, ${pools.datasetDeliveries.length} dataset deliveries, ${pools.datasetTasks.length} dataset tasks, ${pools.attachments.length} attachments, ${pools.v1Tasks.length} v1 tasks`,
    );
  }

  const runs: PropertyRun[] = [];
  const skipped: { model: OperationModel; kind: Kind; reason: string }[] = [];
  for (const api of context.apis) {
    for (const model of operationModels(api)) {
      if (model.read) {
        runs.push({ model, kind: 'valid', build: () => validArb(model, pools) });
        runs.push({
          model,
          kind: 'invalid',
          build: () => invalidArb(model, pools, sender.targetHeaders(api)),
        });
      } else if (context.allowWrites) {
        // Valid writes are not generated: they would create and change real records at random.
        runs.push({
          model,
          kind: 'invalid',
          build: () => invalidArb(model, pools, sender.targetHeaders(api)),
        });
      } else {
        skipped.push({
          model,
          kind: 'invalid',
          reason: 'writes not allowed (allowWrites / --allow-writes)',
        });
      }
    }
  }

  let findings = 0;
  let refused = 0;
  for (const [index, run] of runs.entries()) {
    const check = await runProperty(session, options, sender, context, run, runs.length - index);
    if (!check.ok) {
      findings += 1;
    }
    refused += check.fuzz?.refusedCount ?? 0;
    record(session, options, run.model, check);
  }
  for (const { model, kind, reason } of skipped) {
    record(session, options, model, {
      name: kind === 'valid' ? VALID_CHECK : INVALID_CHECK,
      request: `${model.method} ${model.path}`,
      status: null,
      ok: true,
      skipped: reason,
      violations: [],
    });
  }
  const report: FuzzReport = {
    seed: context.seed,
    maxExamples: context.maxExamples,
    requests: session.requests - before,
    findings,
    refused,
    durationMs: Date.now() - started,
  };
  info(
    `${report.requests} requests, ${findings} finding${findings === 1 ? '' : 's'}, ${refused} valid request${refused === 1 ? '' : 's'} refused by rules the schema does not state (seed ${context.seed})`,
  );
  return report;
}

async function runProperty(
  session: Session,
  options: SessionOptions,
  sender: Sender,
  context: FuzzContext,
  run: PropertyRun,
  left: number,
): Promise<CheckResult> {
  const { model, kind } = run;
  const name = kind === 'valid' ? VALID_CHECK : INVALID_CHECK;
  const template = `${model.method} ${model.path}`;
  const skip = (reason: string): CheckResult => ({
    name,
    request: template,
    status: null,
    ok: true,
    skipped: reason,
    violations: [],
  });
  if (session.stopped !== undefined) {
    return skip(`${NOT_RUN}: ${session.stopped}`);
  }
  const remaining = sender.remaining();
  if (remaining <= 0) {
    return skip(`request budget spent (maxRequests ${options.maxRequests})`);
  }
  let built: Built;
  try {
    built = run.build();
  } catch (error) {
    if (error instanceof UnsatisfiableSchemaError || error instanceof Error) {
      return skip(`no request can be generated: ${error.message}`);
    }
    throw error;
  }
  if ('none' in built) {
    return skip(built.none);
  }

  const seed = propertySeed(context.seed, model.api, model.operationId, kind);
  const numRuns = Math.max(1, Math.min(context.maxExamples, Math.floor(remaining / left)));
  const headers = sender.targetHeaders(model.api);
  const outcomes = new Map<string, Outcome>();
  const statuses: Record<string, number> = {};
  const refusals: FuzzRefusal[] = [];
  let refusedCount = 0;
  let rateLimited = 0;
  let examples = 0;
  let shrinks = 0;
  let failing = false;
  /** The run was stopped (deadline, interruption) while this property ran. */
  let stopped = false;

  const property = fc.asyncProperty(built.arbitrary, async (request) => {
    // Valid means valid as the server reads it off the wire, and invalid likewise.
    fc.pre(carriable(request));
    const conforms = conformsOnWire(model, request, headers);
    fc.pre(kind === 'valid' ? conforms : !conforms);
    const limit = failing
      ? Math.min(MAX_SHRINK_REQUESTS - shrinks, sender.remaining())
      : sender.remaining();
    if (limit <= 0 || (!failing && examples >= numRuns) || session.stopped !== undefined) {
      return true; // the budget is spent, or the run stopped: nothing more is sent
    }
    const wire = sender.wire(model, request);
    const reproducer = sender.reproducer(wire);
    let outcome: Outcome;
    try {
      const exchange = await sender.send(model, wire);
      const judged = kind === 'valid' ? judgeValid(model, exchange) : judgeInvalid(model, exchange);
      outcome = {
        ...judged,
        reproducer,
        ...(request.mutation ? { mutation: request.mutation } : {}),
      };
    } catch (error) {
      if (session.stopped !== undefined) {
        // Cut off by the run's stop, not by the server: not judged.
        stopped = true;
        return true;
      }
      outcome = {
        request: sender.describe(model, wire),
        reproducer,
        status: null,
        ok: false,
        violations: [
          {
            pointer: '',
            keyword: 'network',
            expected: 'a response',
            actual: truncate(String((error as Error)?.message ?? error)),
          },
        ],
        ...(request.mutation ? { mutation: request.mutation } : {}),
      };
    }
    if (failing) {
      shrinks += 1;
    } else {
      examples += 1;
    }
    const code = outcome.status === null ? 'none' : String(outcome.status);
    statuses[code] = (statuses[code] ?? 0) + 1;
    if (outcome.rateLimited) {
      rateLimited += 1;
    }
    if (outcome.refused && !failing) {
      refusedCount += 1;
      if (refusals.length < LISTED_REFUSALS) {
        refusals.push(outcome.refused);
      }
    }
    outcomes.set(canonical(request), outcome);
    if (!outcome.ok) {
      failing = true;
    }
    return outcome.ok;
  });
  const details = await fc.check(property, {
    seed,
    numRuns,
    maxSkipsPerRun: 50,
  });

  const fuzz: FuzzCheckDetails = {
    kind,
    seed,
    examples,
    shrinks,
    statuses,
    refused: refusals,
    refusedCount,
    rateLimited,
  };
  const counterexample = details.counterexample?.[0] as FuzzRequest | undefined;
  const outcome = counterexample ? outcomes.get(canonical(counterexample)) : undefined;
  if (stopped && !(details.failed && outcome)) {
    return { ...skip(`${NOT_RUN}: ${session.stopped ?? 'stopped'}`), fuzz };
  }
  if (details.failed && outcome) {
    return {
      name,
      request: outcome.request,
      status: outcome.status,
      ok: false,
      violations: outcome.violations,
      reproducer: outcome.reproducer,
      fuzz: { ...fuzz, ...(outcome.mutation ? { mutation: outcome.mutation } : {}) },
    };
  }
  // Too many generated requests discarded (not valid, or not invalid, on the wire): the examples
  // sent so far are judged; none at all, the check did not run.
  const tooManySkips = details.failed && details.counterexample === null;
  if (tooManySkips && examples === 0) {
    return skip(
      `no ${kind} request the wire can carry was generated (${details.numSkips} discarded)`,
    );
  }
  if (details.failed && !tooManySkips) {
    // The generator or the judge threw: not the server's fault, but the check did not finish.
    return {
      ...skip(`stopped: ${truncate(String(details.errorInstance ?? 'unknown error'))}`),
      fuzz,
    };
  }
  const top = Object.entries(statuses)
    .sort(([, a], [, b]) => b - a)
    .map(([code, count]) => `${code} ×${count}`)
    .join(', ');
  return {
    name,
    request: `${template} ×${examples} (seed ${seed}${top ? `; ${top}` : ''}${refusedCount > 0 ? `; ${refusedCount} refused by unstated rules` : ''})`,
    status: mostFrequent(statuses),
    ok: true,
    violations: [],
    fuzz,
  };
}

const mostFrequent = (statuses: Record<string, number>): number | null => {
  const [code] = Object.entries(statuses).sort(([, a], [, b]) => b - a)[0] ?? [];
  return code === undefined || code === 'none' ? null : Number(code);
};
