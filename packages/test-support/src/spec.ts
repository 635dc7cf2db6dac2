import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, the plugin.
const addFormats = formatsModule as unknown as FormatsPlugin;

/** The two bundled documents this package builds. */
export const apis = ['scale', 'sgp'] as const;
export type ApiName = (typeof apis)[number];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type OpenApiDocument = { [key: string]: Json } & {
  paths: Record<string, Record<string, Json>>;
  webhooks?: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; examples?: Record<string, Json> } & Record<
    string,
    Json
  >;
};

/**
 * The workspace's openapi/ folder. Read by path rather than as a dependency, because the
 * openapi package's own tests use these helpers (a dependency would make a cycle).
 */
export const openapiDir = fileURLToPath(new URL('../../../openapi/', import.meta.url));

/** Reads the bundle `pnpm build` writes to openapi/dist/<api>.json. */
export function loadBundle(api: ApiName): OpenApiDocument {
  const file = `${openapiDir}dist/${api}.json`;
  return JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

const schemaRef = '#/components/schemas/';

/**
 * An Ajv (JSON Schema 2020-12, strict, with formats) that knows every component schema of the
 * document as `<api>#/$defs/<Name>`. OpenAPI-only keywords are registered as annotations.
 */
export function createValidatorFactory(api: ApiName, doc: OpenApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addVocabulary([
    'discriminator',
    'example',
    'xml',
    'externalDocs',
    'x-stricter-than-official',
  ]);
  const rewrite = (value: Json): Json =>
    JSON.parse(JSON.stringify(value).replaceAll(`"${schemaRef}`, `"${api}#/$defs/`)) as Json;
  ajv.addSchema({ $id: api, $defs: rewrite(doc.components.schemas as Json) });
  return {
    /** Compiles a schema found in the document (inline or `$ref`). */
    compile(schema: Json): ValidateFunction {
      return ajv.compile(rewrite(schema) as object);
    },
    /** The validator of one named component schema. */
    component(name: string): ValidateFunction {
      const validate = ajv.getSchema(`${api}#/$defs/${name}`);
      if (!validate) {
        throw new Error(`${api}: no component schema named ${name}`);
      }
      return validate;
    },
  };
}

/** JSON pointer of an Ajv error; a missing property points at the property itself. */
export function pointerOf(error: ErrorObject): string {
  if (error.keyword === 'required') {
    return `${error.instancePath}/${String(error.params.missingProperty)}`;
  }
  return error.instancePath;
}

/** Resolves a local `$ref` (e.g. `#/components/examples/x`) against the document. */
export function resolveRef(doc: OpenApiDocument, value: Json): Json {
  if (
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof value.$ref === 'string'
  ) {
    const path = value.$ref.replace(/^#\//, '').split('/');
    let node: Json = doc as unknown as Json;
    for (const key of path) {
      node = (node as Record<string, Json>)[
        key.replaceAll('~1', '/').replaceAll('~0', '~')
      ] as Json;
    }
    return node;
  }
  return value;
}

/** Where a media type sits: a request body or a response of an operation or webhook. */
export type MediaLocation = {
  container: 'paths' | 'webhooks';
  /** The path (`/v2/task`) or the webhook's name. */
  key: string;
  method: string;
  status?: string;
  mediaType: string;
};

export type MediaExample = {
  api: ApiName;
  /** Where the example sits, e.g. `GET /v2/task 200 application/json examples.pendingTaskFull`. */
  where: string;
  location: MediaLocation;
  schema: Json;
  value: Json;
};

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every example (request bodies, responses, webhooks) with the media type schema it must satisfy. */
export function collectMediaExamples(api: ApiName, doc: OpenApiDocument): MediaExample[] {
  const found: MediaExample[] = [];
  const fromContent = (
    label: string,
    at: Omit<MediaLocation, 'mediaType'>,
    content: Json | undefined,
  ) => {
    if (!content || typeof content !== 'object' || Array.isArray(content)) {
      return;
    }
    for (const [mediaType, media] of Object.entries(content)) {
      const { schema, example, examples } = media as Record<string, Json>;
      if (schema === undefined) {
        continue;
      }
      if (example !== undefined) {
        const location = { ...at, mediaType };
        found.push({
          api,
          where: `${label} ${mediaType} example`,
          location,
          schema,
          value: example,
        });
      }
      for (const [name, entry] of Object.entries((examples ?? {}) as Record<string, Json>)) {
        const resolved = resolveRef(doc, entry) as Record<string, Json>;
        const location = { ...at, mediaType };
        found.push({
          api,
          where: `${label} ${mediaType} examples.${name}`,
          location,
          schema,
          value: resolved.value as Json,
        });
      }
    }
  };
  const items: (readonly ['paths' | 'webhooks', string, Record<string, Json>])[] = [
    ...Object.entries(doc.paths).map(([key, item]) => ['paths', key, item] as const),
    ...Object.entries(doc.webhooks ?? {}).map(([key, item]) => ['webhooks', key, item] as const),
  ];
  for (const [container, key, item] of items) {
    for (const method of methods) {
      const operation = item[method] as Record<string, Json> | undefined;
      if (!operation) {
        continue;
      }
      const label = `${method.toUpperCase()} ${container === 'webhooks' ? `webhook ${key}` : key}`;
      const body = resolveRef(doc, operation.requestBody ?? null) as Record<string, Json> | null;
      fromContent(`${label} request`, { container, key, method }, body?.content);
      for (const [status, response] of Object.entries(
        (operation.responses ?? {}) as Record<string, Json>,
      )) {
        const content = (resolveRef(doc, response) as Record<string, Json>).content;
        fromContent(`${label} ${status}`, { container, key, method, status }, content);
      }
    }
  }
  return found;
}

/** One value of each JSON type (and an empty string): a schema that accepts them all accepts anything. */
const EVERY_JSON_TYPE: Json[] = [null, true, 1.5, '', [1, {}], {}];

/**
 * True when `validate` accepts a value of every JSON type, i.e. the schema constrains nothing
 * (SGP's `FlexibleValue` is one: the official model's union includes Python's `object`).
 * Mutation tests cannot expect rejections from such a schema.
 */
export function acceptsEveryJsonValue(validate: (value: unknown) => boolean): boolean {
  return EVERY_JSON_TYPE.every((value) => validate(value));
}
