// The requests of the fuzz phase: each operation's parameters and body as the bundled spec
// declares them, how a generated request goes on the wire, and how a server reads it back.
import { createRequire } from 'node:module';
import type { SchemaDocument } from '@scale-contracts/schema-arbitraries';
import * as scale from '@scale-contracts/validators/scale';
import * as sgp from '@scale-contracts/validators/sgp';
import type { Api } from './types.js';

/** A bundled document (every `$ref` local). */
export type Document = SchemaDocument & {
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
};

const requireHere = createRequire(import.meta.url);
const documents = new Map<Api, Document>();

/** The bundle of `@scale-contracts/openapi` (`scale.json`, `sgp.json`) the validators were generated from. */
export function documentOf(api: Api): Document {
  let doc = documents.get(api);
  if (!doc) {
    doc = requireHere(`@scale-contracts/openapi/${api}.json`) as Document;
    documents.set(api, doc);
  }
  return doc;
}

/** One parameter of an operation. */
export interface ParameterModel {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
  /** Its schema's JSON pointer in the bundle (for error messages). */
  where: string;
}

/** What the fuzz phase needs of an operation. */
export interface OperationModel {
  api: Api;
  operationId: string;
  method: string;
  path: string;
  /** A read (GET): fuzzed without writes allowed. */
  read: boolean;
  parameters: ParameterModel[];
  /** The JSON request body, when the operation takes one. */
  body?: { required: boolean; schema: unknown; where: string };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const objectOf = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** A local `$ref` (`#/components/parameters/Limit`) resolved, with the pointer it came from. */
function resolve(doc: Document, value: unknown, where: string): { value: unknown; where: string } {
  const ref = objectOf(value)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) {
    return { value, where };
  }
  let node: unknown = doc;
  for (const token of ref.slice(2).split('/')) {
    node = objectOf(node)?.[token.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return { value: node, where: ref };
}

/** Every operation of `api`'s bundle, in document order. */
export function operationModels(api: Api): OperationModel[] {
  const doc = documentOf(api);
  const models: OperationModel[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = objectOf(objectOf(item)?.[method]);
      if (!operation || typeof operation.operationId !== 'string') {
        continue;
      }
      const at = `#/paths/${escapeToken(path)}/${method}`;
      const shared = (objectOf(item)?.parameters as unknown[] | undefined) ?? [];
      const own = (operation.parameters as unknown[] | undefined) ?? [];
      const parameters = new Map<string, ParameterModel>();
      [...shared, ...own].forEach((entry, index) => {
        const { value, where } = resolve(doc, entry, `${at}/parameters/${index}`);
        const parameter = objectOf(value);
        if (!parameter || typeof parameter.name !== 'string') {
          return;
        }
        const located = parameter.in as ParameterModel['in'];
        parameters.set(`${located}:${parameter.name}`, {
          name: parameter.name,
          in: located,
          required: parameter.required === true || located === 'path',
          schema: parameter.schema ?? {},
          where: `${where}/schema`,
        });
      });
      const requestBody = resolve(doc, operation.requestBody, `${at}/requestBody`);
      const json = objectOf(objectOf(objectOf(requestBody.value)?.content)?.['application/json']);
      models.push({
        api,
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        read: method === 'get',
        parameters: [...parameters.values()],
        ...(json?.schema !== undefined
          ? {
              body: {
                required: objectOf(requestBody.value)?.required === true,
                schema: json.schema,
                where: `${requestBody.where}/content/application~1json/schema`,
              },
            }
          : {}),
      });
    }
  }
  return models;
}

/** A generated request: values as JSON, before they go on the wire. */
export interface FuzzRequest {
  /** Path parameters (strings; encoded on the wire). */
  path: Record<string, string>;
  /** Query parameters; `undefined` leaves one out, an array repeats its key. */
  query: Record<string, unknown>;
  /** A JSON body (`undefined`: none). */
  body?: unknown;
  /** A body sent as it is (a malformed JSON body), instead of `body`. */
  rawBody?: string;
  /** For an invalid request: what it breaks. */
  mutation?: string;
}

/** A query value as the wire carries it: strings as they are, other JSON as its text. */
function wireText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value) ?? '';
}

/** The query string of `request`: repeated keys for arrays (`expand=project&expand=batch`). */
export function queryOf(request: FuzzRequest): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    if (value === undefined) {
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(name, wireText(item));
    }
  }
  return search;
}

/** The concrete path: each `{name}` replaced by its value, percent-encoded. */
export function pathOf(template: string, request: FuzzRequest): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(request.path[name] ?? ''),
  );
}

/** The JSON type a parameter's schema declares (through `$ref`s), for reading a query back. */
function declaredType(doc: Document, schema: unknown, hops = 0): string | undefined {
  const object = objectOf(schema);
  if (!object || hops > 16) {
    return undefined;
  }
  if (typeof object.$ref === 'string') {
    return declaredType(doc, resolve(doc, object, '').value, hops + 1);
  }
  const { type } = object;
  if (typeof type === 'string') {
    return type;
  }
  if (Array.isArray(type)) {
    return type.find((entry) => entry !== 'null') as string | undefined;
  }
  return undefined;
}

function itemsOf(doc: Document, schema: unknown, hops = 0): unknown {
  const object = objectOf(schema);
  if (!object || hops > 16) {
    return undefined;
  }
  if (typeof object.$ref === 'string') {
    return itemsOf(doc, resolve(doc, object, '').value, hops + 1);
  }
  return object.items;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** One query value read as a server reads it: numbers and booleans where the schema says so. */
function readScalar(type: string | undefined, text: string): unknown {
  if ((type === 'integer' || type === 'number') && NUMBER.test(text)) {
    return Number(text);
  }
  if (type === 'boolean' && (text === 'true' || text === 'false')) {
    return text === 'true';
  }
  return text;
}

/**
 * The query as a server reads it from the wire: each value converted to the JSON type its
 * parameter declares (a number, a boolean, an array from repeated keys); what does not
 * convert stays a string. A request is valid or invalid as the server sees it, not as it was
 * generated: `project_id: 7` goes out as `project_id=7`, a valid string.
 */
export function readQuery(model: OperationModel, search: URLSearchParams): Record<string, unknown> {
  const doc = documentOf(model.api);
  const out: Record<string, unknown> = {};
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name);
    const parameter = model.parameters.find((p) => p.in === 'query' && p.name === name);
    const type = parameter ? declaredType(doc, parameter.schema) : undefined;
    if (type === 'array') {
      const itemType = declaredType(doc, itemsOf(doc, parameter?.schema));
      out[name] = values.map((value) => readScalar(itemType, value));
    } else if (values.length === 1) {
      out[name] = readScalar(type, values[0] as string);
    } else {
      out[name] = values.map((value) => readScalar(type, value));
    }
  }
  return out;
}

/** A path value the wire carries as one segment (not empty, not `.` or `..`, which URLs fold). */
export const pathValueOk = (value: unknown): boolean =>
  typeof value === 'string' && value !== '' && !/^(?:\.|%2e){1,2}$/i.test(value);

const validators = { scale, sgp } as const;

/**
 * Whether `request`, as the server reads it off the wire, satisfies the operation's request
 * schema (path, query, headers, body), by the same validators that judge responses.
 */
export function conformsOnWire(
  model: OperationModel,
  request: FuzzRequest,
  headers: Record<string, string>,
): boolean {
  if (request.rawBody !== undefined) {
    return false;
  }
  if (Object.values(request.path).some((value) => !pathValueOk(value))) {
    return false;
  }
  const body = request.body === undefined ? undefined : JSON.parse(JSON.stringify(request.body));
  const validateRequest = validators[model.api].validateRequest as (
    operationId: string,
    parts: { path?: unknown; query?: unknown; headers?: Record<string, unknown>; body?: unknown },
  ) => { valid: boolean };
  return validateRequest(model.operationId, {
    path: request.path,
    query: readQuery(model, queryOf(request)),
    headers,
    body,
  }).valid;
}
