import type { ValidateFunction } from 'ajv/dist/2020.js';
import * as fc from 'fast-check';
import type { SchemaDocument } from './document.js';
import { createSchemaCompiler } from './matcher.js';

/**
 * fast-check arbitraries generated from the component schemas of a bundled document, for
 * differential tests of validators: `validValue` yields values meant to satisfy a schema,
 * `mutatedValue` yields such a value with one mutation applied (most of them invalid).
 *
 * How a schema becomes an arbitrary: every position of a value (the root, a property, an
 * item) collects the schemas that apply there (`$ref` targets and `allOf` parts are merged into
 * one flat set of constraints), `oneOf`/`anyOf` are expanded into one arbitrary per branch,
 * then one arbitrary per allowed JSON type is built. Recursion is bounded by counting, per
 * value position, whether a `$ref` was followed to get there: beyond `maxDepth` such
 * positions are generated "shallow" (required properties only, arrays as short as allowed,
 * the branches and types needing the fewest nested `$ref`s).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaObject = { [key: string]: Json };
type Schema = boolean | SchemaObject;
type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export type ArbitraryOptions = {
  /** How many `$ref`-reached value levels are generated in full (default 4). */
  maxDepth?: number;
};

export type MutationKind =
  | 'wrong type'
  | 'missing required property'
  | 'extra property'
  | 'enum miss'
  | 'const miss'
  | 'format miss'
  | 'constraint miss'
  | 'wrong discriminator tag';

export type MutatedValue = { value: unknown; mutation: string };

const jsonTypes: readonly JsonType[] = [
  'null',
  'boolean',
  'integer',
  'number',
  'string',
  'array',
  'object',
];
const refPrefix = '#/components/schemas/';

/** Keywords that never constrain a value. */
const annotationKeywords = new Set([
  'title',
  'description',
  'examples',
  'example',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentEncoding',
  'contentMediaType',
  'discriminator',
  'externalDocs',
  'xml',
  '$comment',
]);
const supportedFormats = new Set(['date-time', 'date', 'email', 'uri', 'uuid']);

/** A schema that cannot produce any value (e.g. a required property whose schema is `false`). */
export class UnsatisfiableSchemaError extends Error {
  override name = 'UnsatisfiableSchemaError';
}

// ---------------------------------------------------------------------------------------------
// Keyword check: every schema reachable from a component is looked at once, up front, so an
// unsupported keyword fails loudly (with its JSON pointer) instead of being silently ignored.

const isObject = (value: unknown): value is SchemaObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeToken = (token: string) => token.replaceAll('~1', '/').replaceAll('~0', '~');

function componentOf(doc: SchemaDocument, ref: unknown, at: string): Schema {
  if (typeof ref !== 'string' || !ref.startsWith(refPrefix)) {
    throw new Error(`${at}: unsupported $ref ${JSON.stringify(ref)} (only ${refPrefix}<Name>)`);
  }
  const name = unescapeToken(ref.slice(refPrefix.length));
  const schema = doc.components.schemas[name];
  if (schema === undefined) {
    throw new Error(`${at}: $ref ${ref} does not resolve`);
  }
  return schema as Schema;
}

/** Annotations (and `x-` extensions, which OpenAPI allows in any schema) never constrain a value. */
const isAnnotation = (keyword: string) =>
  annotationKeywords.has(keyword) || keyword.startsWith('x-');

/** Checks `schema` (found at `pointer`) and every component it reaches. */
function checkKeywords(doc: SchemaDocument, schema: Json, pointer: string): void {
  const seen = new Set<string>(pointer.startsWith(refPrefix) ? [pointer] : []);
  const nonNegative = (value: Json, at: string) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new Error(`${at}: expected a non-negative integer`);
    }
  };
  const visit = (schema: Json, pointer: string): void => {
    if (typeof schema === 'boolean') {
      return;
    }
    if (!isObject(schema)) {
      throw new Error(`${pointer}: a schema must be an object or a boolean`);
    }
    for (const [keyword, value] of Object.entries(schema)) {
      const at = `${pointer}/${escapeToken(keyword)}`;
      if (isAnnotation(keyword)) {
        continue;
      }
      switch (keyword) {
        case '$ref': {
          const target = componentOf(doc, value, at);
          if (!seen.has(value as string)) {
            seen.add(value as string);
            visit(target as Json, value as string);
          }
          break;
        }
        case 'not':
        case 'items':
        case 'additionalProperties':
          visit(value, at);
          break;
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
        case 'prefixItems':
          if (!Array.isArray(value) || value.length === 0) {
            throw new Error(`${at}: expected a non-empty array of schemas`);
          }
          value.forEach((entry, index) => {
            visit(entry, `${at}/${index}`);
          });
          break;
        case 'properties':
          if (!isObject(value)) {
            throw new Error(`${at}: expected an object of schemas`);
          }
          for (const [name, entry] of Object.entries(value)) {
            visit(entry, `${at}/${escapeToken(name)}`);
          }
          break;
        case 'type': {
          const types = Array.isArray(value) ? value : [value];
          for (const type of types) {
            if (!jsonTypes.includes(type as JsonType)) {
              throw new Error(`${at}: unknown type ${JSON.stringify(type)}`);
            }
          }
          break;
        }
        case 'format':
          if (typeof value !== 'string' || !supportedFormats.has(value)) {
            throw new Error(`${at}: unsupported format ${JSON.stringify(value)}`);
          }
          break;
        case 'required':
          if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
            throw new Error(`${at}: expected an array of property names`);
          }
          break;
        case 'enum':
          if (!Array.isArray(value) || value.length === 0) {
            throw new Error(`${at}: expected a non-empty array`);
          }
          break;
        case 'const':
          break;
        case 'uniqueItems':
          if (typeof value !== 'boolean') {
            throw new Error(`${at}: expected a boolean`);
          }
          break;
        case 'minItems':
        case 'maxItems':
        case 'minLength':
        case 'maxLength':
          nonNegative(value, at);
          break;
        case 'minimum':
        case 'maximum':
        case 'exclusiveMinimum':
        case 'exclusiveMaximum':
          if (typeof value !== 'number') {
            throw new Error(`${at}: expected a number`);
          }
          break;
        case 'multipleOf':
          if (typeof value !== 'number' || !(value > 0)) {
            throw new Error(`${at}: expected a positive number`);
          }
          break;
        case 'pattern':
          if (typeof value !== 'string') {
            throw new Error(`${at}: expected a regular expression`);
          }
          new RegExp(value, 'u');
          break;
        default:
          throw new Error(`${at}: unsupported JSON Schema keyword "${keyword}"`);
      }
    }
  };
  visit(schema, pointer);
}

// ---------------------------------------------------------------------------------------------
// Flat constraints of one value position.

type ArrayPart = { prefix: Schema[]; items: Schema | undefined };
/** A schema with `additionalProperties` (not `true`): names it declares, what others must be. */
type ObjectPart = { names: Set<string>; additional: Schema };
type Choice = { kind: 'oneOf' | 'anyOf'; branches: Schema[]; discriminator?: Discriminator };
type Discriminator = { property: string; tags: string[] };

type Flat = {
  /** Where this position's constraints come from (for error messages). */
  where: string;
  /** `$ref`-reached value levels above and at this position. */
  depth: number;
  refSeen: boolean;
  refs: Set<string>;
  never: boolean;
  types: JsonType[] | undefined;
  consts: Json[];
  enums: Json[][];
  formats: Set<string>;
  patterns: Set<string>;
  minLength: number;
  maxLength: number;
  lower: number | undefined;
  lowerExclusive: boolean;
  upper: number | undefined;
  upperExclusive: boolean;
  multipleOf: number[];
  properties: Map<string, Schema[]>;
  required: Set<string>;
  objectParts: ObjectPart[];
  arrayParts: ArrayPart[];
  minItems: number;
  maxItems: number;
  uniqueItems: boolean;
  nots: Schema[];
  choices: Choice[];
  discriminator: Discriminator | undefined;
  /** Every type some `oneOf`/`anyOf` branch allows here: a "wrong type" avoids them all. */
  positionTypes: JsonType[] | undefined;
};

function emptyFlat(depth: number, where: string): Flat {
  return {
    where,
    depth,
    refSeen: false,
    refs: new Set(),
    never: false,
    types: undefined,
    consts: [],
    enums: [],
    formats: new Set(),
    patterns: new Set(),
    minLength: 0,
    maxLength: Number.POSITIVE_INFINITY,
    lower: undefined,
    lowerExclusive: false,
    upper: undefined,
    upperExclusive: false,
    multipleOf: [],
    properties: new Map(),
    required: new Set(),
    objectParts: [],
    arrayParts: [],
    minItems: 0,
    maxItems: Number.POSITIVE_INFINITY,
    uniqueItems: false,
    nots: [],
    choices: [],
    discriminator: undefined,
    positionTypes: undefined,
  };
}

function cloneFlat(flat: Flat): Flat {
  return {
    ...flat,
    refs: new Set(flat.refs),
    types: flat.types && [...flat.types],
    consts: [...flat.consts],
    enums: [...flat.enums],
    formats: new Set(flat.formats),
    patterns: new Set(flat.patterns),
    multipleOf: [...flat.multipleOf],
    properties: new Map([...flat.properties].map(([name, list]) => [name, [...list]])),
    required: new Set(flat.required),
    objectParts: [...flat.objectParts],
    arrayParts: [...flat.arrayParts],
    nots: [...flat.nots],
    choices: [...flat.choices],
  };
}

/** `integer` is a subset of `number`. */
const allows = (types: readonly JsonType[], type: JsonType) =>
  types.includes(type) || (type === 'integer' && types.includes('number'));

function intersectTypes(a: JsonType[] | undefined, b: JsonType[]): JsonType[] {
  if (!a) {
    return [...b];
  }
  const out = new Set<JsonType>();
  for (const type of a) {
    if (allows(b, type)) {
      out.add(type);
    } else if (type === 'number' && b.includes('integer')) {
      out.add('integer');
    }
  }
  return [...out];
}

const typeOf = (value: Json): JsonType =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'number'
        : (typeof value as JsonType);

function absorb(doc: SchemaDocument, flat: Flat, schema: Schema): void {
  if (schema === true) {
    return;
  }
  if (schema === false) {
    flat.never = true;
    return;
  }
  for (const [keyword, value] of Object.entries(schema)) {
    switch (keyword) {
      case '$ref': {
        const ref = value as string;
        if (flat.refs.has(ref)) {
          break; // X ∧ X = X; also stops `allOf` cycles
        }
        flat.refs.add(ref);
        if (!flat.refSeen) {
          flat.refSeen = true;
          flat.depth += 1;
          flat.where = ref;
        }
        absorb(doc, flat, componentOf(doc, ref, flat.where));
        break;
      }
      case 'type':
        flat.types = intersectTypes(
          flat.types,
          (Array.isArray(value) ? value : [value]) as JsonType[],
        );
        break;
      case 'const':
        flat.consts.push(value);
        break;
      case 'enum':
        flat.enums.push(value as Json[]);
        break;
      case 'allOf':
        for (const part of value as Schema[]) {
          absorb(doc, flat, part);
        }
        break;
      case 'oneOf':
      case 'anyOf': {
        const choice: Choice = { kind: keyword, branches: value as Schema[] };
        const discriminator = schema.discriminator;
        if (keyword === 'oneOf' && isObject(discriminator)) {
          const mapping = isObject(discriminator.mapping) ? discriminator.mapping : {};
          choice.discriminator = {
            property: String(discriminator.propertyName),
            tags: Object.keys(mapping),
          };
        }
        flat.choices.push(choice);
        break;
      }
      case 'not':
        flat.nots.push(value as Schema);
        break;
      case 'properties':
        for (const [name, entry] of Object.entries(value as SchemaObject)) {
          const list = flat.properties.get(name);
          if (list) {
            list.push(entry as Schema);
          } else {
            flat.properties.set(name, [entry as Schema]);
          }
        }
        break;
      case 'required':
        for (const name of value as string[]) {
          flat.required.add(name);
        }
        break;
      case 'additionalProperties':
        if (value !== true) {
          const names = new Set(Object.keys(isObject(schema.properties) ? schema.properties : {}));
          flat.objectParts.push({ names, additional: value as Schema });
        }
        break;
      case 'items':
      case 'prefixItems':
        if (keyword === 'items' || !('items' in schema)) {
          flat.arrayParts.push({
            prefix: (schema.prefixItems as Schema[] | undefined) ?? [],
            items: schema.items as Schema | undefined,
          });
        }
        break;
      case 'minItems':
        flat.minItems = Math.max(flat.minItems, value as number);
        break;
      case 'maxItems':
        flat.maxItems = Math.min(flat.maxItems, value as number);
        break;
      case 'uniqueItems':
        flat.uniqueItems ||= value === true;
        break;
      case 'minLength':
        flat.minLength = Math.max(flat.minLength, value as number);
        break;
      case 'maxLength':
        flat.maxLength = Math.min(flat.maxLength, value as number);
        break;
      case 'pattern':
        flat.patterns.add(value as string);
        break;
      case 'format':
        flat.formats.add(value as string);
        break;
      case 'minimum':
      case 'exclusiveMinimum': {
        const exclusive = keyword === 'exclusiveMinimum';
        const bound = value as number;
        if (flat.lower === undefined || bound > flat.lower) {
          flat.lower = bound;
          flat.lowerExclusive = exclusive;
        } else if (bound === flat.lower) {
          flat.lowerExclusive ||= exclusive;
        }
        break;
      }
      case 'maximum':
      case 'exclusiveMaximum': {
        const exclusive = keyword === 'exclusiveMaximum';
        const bound = value as number;
        if (flat.upper === undefined || bound < flat.upper) {
          flat.upper = bound;
          flat.upperExclusive = exclusive;
        } else if (bound === flat.upper) {
          flat.upperExclusive ||= exclusive;
        }
        break;
      }
      case 'multipleOf':
        flat.multipleOf.push(value as number);
        break;
      default:
        break; // annotations; anything else was rejected by checkKeywords
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generated values carry, per node, the mutations that apply there.

type Applied = { value: Json; at?: string; detail?: string };
type Candidate = { kind: MutationKind; apply(value: Json, pick: number): Applied };
/**
 * A generated value: `v` the value, `c` its mutation candidates, `k` its children (the items
 * of an array; the properties of an object, named by `n`). `a`: generated for a `oneOf`/`anyOf`
 * branch that overlaps another one, so that mutations inside it (but a wrong type of the whole)
 * are often absorbed by the other branch (e.g. `file_size_in_bytes: -1` in an `anyOf` of open
 * objects of which only one declares `file_size_in_bytes`).
 */
type Gen = { v: Json; c: readonly Candidate[]; k?: Gen[]; n?: string[]; a?: true };

const noCandidates: readonly Candidate[] = [];

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const daysIn = (year: number, month: number) =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

const dateArb = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.integer({ min: 1900, max: 2100 }), weight: 4 },
      { arbitrary: fc.constantFrom(1900, 2000, 2024, 2100), weight: 1 },
      { arbitrary: fc.integer({ min: 0, max: 9999 }), weight: 1 },
    ),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 31 }),
  )
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(Math.min(d, daysIn(y, m)), 2)}`);
const fractionArb = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.nat(999_999))
  .map(([digits, n]) => `.${pad(n % 10 ** digits, digits)}`);
const offsetArb = fc.oneof(
  fc.constant('Z'),
  fc
    .tuple(
      fc.constantFrom('+', '-'),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
    )
    .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
);
const dateTimeArb = fc
  .tuple(
    dateArb,
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.option(fractionArb, { nil: '', freq: 3 }),
    offsetArb,
  )
  .map(
    ([date, h, m, s, fraction, offset]) =>
      `${date}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${fraction}${offset}`,
  );
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const wordArb = fc.string({ unit: alnum, minLength: 1, maxLength: 10 });
const emailArb = fc
  .tuple(wordArb, wordArb, fc.constantFrom('com', 'org', 'io', 'example'))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
const uriArb = fc
  .tuple(fc.constantFrom('https', 'http', 'urn'), wordArb, fc.array(wordArb, { maxLength: 3 }))
  .map(([scheme, host, path]) =>
    scheme === 'urn'
      ? `urn:${host}:${path.join(':')}`
      : `${scheme}://${host}.example/${path.join('/')}`,
  );
const formatArbs: Record<string, fc.Arbitrary<string>> = {
  'date-time': dateTimeArb,
  date: dateArb,
  email: emailArb,
  uri: uriArb,
  uuid: fc.uuid(),
};
const formatMisses: Record<string, string> = {
  'date-time': 'not-a-date',
  date: 'not-a-date',
  email: 'not-an-email',
  uri: 'not a uri',
  uuid: 'not-a-uuid',
};

const noNegativeZero = (value: number) => (Object.is(value, -0) ? 0 : value);
/**
 * Any code point but lone surrogates (like fast-check's 'binary' unit, which builds a costly
 * reverse mapping of all of Unicode each time a string arbitrary is created).
 */
const codePointUnit = fc
  .oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }))
  .map((codePoint) => String.fromCodePoint(codePoint));
const textArbs = new Map<string, fc.Arbitrary<string>>();
/** Mostly printable ASCII, sometimes any code point; lengths count code points (as Ajv does). */
function textArb(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const key = `${minLength}:${maxLength}`;
  let arb = textArbs.get(key);
  if (!arb) {
    arb = fc.oneof(
      { arbitrary: fc.string({ minLength, maxLength }), weight: 4 },
      { arbitrary: fc.string({ unit: codePointUnit, minLength, maxLength }), weight: 1 },
    );
    textArbs.set(key, arb);
  }
  return arb;
}
const keyArb = textArb(1, 10).filter((key) => key !== '__proto__');

/** Any JSON value (no -0, no `__proto__` keys, plain objects), a few levels deep. */
const anyJson: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'any-json' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegativeZero),
    textArb(0, 12),
    fc.array(tie('json'), { maxLength: 3 }),
    fc
      .uniqueArray(fc.tuple(keyArb, tie('json')), { maxLength: 3, selector: ([key]) => key })
      .map((entries) => Object.fromEntries(entries) as Json),
  ),
})).json;
const anyGen: fc.Arbitrary<Gen> = anyJson.map((v) => ({ v, c: noCandidates }));

/** Key-order independent serialization, for `uniqueItems`. */
function canonical(value: Json): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const codePoints = (value: string) => [...value].length;

const wrongTypeSamples: Record<JsonType, Json> = {
  null: null,
  boolean: true,
  integer: 7,
  number: 0.5,
  string: 'wrong',
  array: [],
  object: {},
};

function constMiss(value: Json): Json {
  if (typeof value === 'string') {
    return `${value}-miss`;
  }
  if (typeof value === 'number') {
    return value + 1;
  }
  if (typeof value === 'boolean') {
    return !value;
  }
  return 'const-miss';
}

// ---------------------------------------------------------------------------------------------
// Building arbitraries.

type Context = {
  doc: SchemaDocument;
  maxDepth: number;
  memo: Map<string, fc.Arbitrary<Gen>>;
  building: Set<string>;
  heights: Map<string, number>;
  nesting: number;
  matchers: WeakMap<object, ValidateFunction>;
  /** Per `oneOf` (its branch list): for each branch, the branches not provably disjoint. */
  overlaps: WeakMap<Schema[], Schema[][]>;
  factory: ReturnType<typeof createSchemaCompiler> | undefined;
  /** Inline schemas whose keywords were checked already. */
  checked: WeakSet<object>;
};

const heightBudget = 16;
/** Nested builds beyond this mean a recursion the height estimate failed to stop. */
const nestingLimit = (maxDepth: number) => 100 + 20 * maxDepth;

/** A check of a schema that is only `type`/`enum`/`const` (through `$ref`s), else undefined. */
function simpleMatcher(ctx: Context, schema: Schema): ((value: Json) => boolean) | undefined {
  let resolved = schema;
  for (let hops = 0; isPureRef(resolved) && hops < 32; hops++) {
    resolved = componentOf(ctx.doc, resolved.$ref, resolved.$ref);
  }
  if (!isObject(resolved)) {
    return undefined;
  }
  const object: SchemaObject = resolved;
  const keywords = Object.keys(object).filter((keyword) => !isAnnotation(keyword));
  if (!keywords.every((keyword) => ['type', 'enum', 'const'].includes(keyword))) {
    return undefined;
  }
  const { type, enum: members, const: constant } = object;
  const types =
    type === undefined ? undefined : ((Array.isArray(type) ? type : [type]) as JsonType[]);
  const allowed = Array.isArray(members) ? new Set(members.map(canonical)) : undefined;
  const pinned = 'const' in object ? canonical(constant as Json) : undefined;
  return (value) =>
    (!types || allows(types, typeOf(value))) &&
    (!allowed || allowed.has(canonical(value))) &&
    (pinned === undefined || pinned === canonical(value));
}

/** A check of a schema of the document (for `not` and `oneOf` exclusivity). */
function matcher(ctx: Context, schema: Schema): (value: Json) => boolean {
  if (typeof schema === 'boolean') {
    return () => schema;
  }
  const simple = simpleMatcher(ctx, schema);
  if (simple) {
    return simple;
  }
  let validate = ctx.matchers.get(schema);
  if (!validate) {
    ctx.factory ??= createSchemaCompiler(ctx.doc);
    validate = ctx.factory.compile(schema);
    ctx.matchers.set(schema, validate);
  }
  const check = validate;
  return (value) => check(value) === true;
}

const isPureRef = (schema: Schema): schema is { $ref: string } =>
  isObject(schema) && typeof schema.$ref === 'string' && Object.keys(schema).length === 1;

function normalize(ctx: Context, schemas: Schema[], depth: number, where: string): Flat {
  const flat = emptyFlat(depth, where);
  for (const schema of schemas) {
    absorb(ctx.doc, flat, schema);
  }
  return flat;
}

const isShallow = (ctx: Context, flat: Flat) => flat.depth > ctx.maxDepth;

/** The first pending `oneOf`/`anyOf` of `flat`, one flat per branch. */
function expand(ctx: Context, flat: Flat, choice: Choice) {
  return choice.branches.map((branch) => {
    const next = cloneFlat(flat);
    next.choices = flat.choices.slice(1);
    absorb(ctx.doc, next, branch);
    if (choice.discriminator) {
      next.discriminator = choice.discriminator;
    }
    return { branch, flat: next };
  });
}

function allowedTypes(flat: Flat): JsonType[] {
  if (flat.types) {
    return flat.types;
  }
  return [...jsonTypes];
}

/** The schemas applying to property `name` (undefined: the property is forbidden). */
function propertySchemas(flat: Flat, name: string): Schema[] | undefined {
  const list = [...(flat.properties.get(name) ?? [])];
  for (const part of flat.objectParts) {
    if (!part.names.has(name)) {
      list.push(part.additional);
    }
  }
  return list.includes(false) ? undefined : list;
}

function itemSchemas(flat: Flat, index: number): Schema[] | undefined {
  const list: Schema[] = [];
  for (const part of flat.arrayParts) {
    const schema = index < part.prefix.length ? part.prefix[index] : part.items;
    if (schema !== undefined) {
      list.push(schema);
    }
  }
  return list.includes(false) ? undefined : list;
}

const prefixLength = (flat: Flat) => Math.max(0, ...flat.arrayParts.map((p) => p.prefix.length));

/** Longest array allowed by `maxItems` and `false` item schemas. */
function arrayLimit(flat: Flat): number {
  const prefix = prefixLength(flat);
  for (let index = 0; index <= prefix; index++) {
    if (index >= flat.maxItems) {
      break;
    }
    if (!itemSchemas(flat, index)) {
      return index;
    }
  }
  return flat.maxItems;
}

/**
 * How many nested `$ref`-reached levels the smallest value of `flat` needs (Infinity: none
 * within the budget). Used to pick the "shallowest" branches and types beyond maxDepth.
 */
function heightOf(ctx: Context, flat: Flat, budget: number): number {
  if (flat.never) {
    return Number.POSITIVE_INFINITY;
  }
  const [choice] = flat.choices;
  if (choice) {
    return Math.min(...expand(ctx, flat, choice).map((o) => heightOf(ctx, o.flat, budget)));
  }
  if (flat.consts.length > 0 || flat.enums.length > 0) {
    return 0;
  }
  return Math.min(...allowedTypes(flat).map((type) => typeHeight(ctx, flat, type, budget)));
}

function typeHeight(ctx: Context, flat: Flat, type: JsonType, budget: number): number {
  let height = 0;
  if (type === 'object') {
    for (const name of flat.required) {
      const list = propertySchemas(flat, name);
      if (!list) {
        return Number.POSITIVE_INFINITY;
      }
      height = Math.max(height, positionHeight(ctx, list, flat, budget));
    }
  } else if (type === 'array') {
    if (flat.minItems > arrayLimit(flat)) {
      return Number.POSITIVE_INFINITY;
    }
    const distinct = Math.min(flat.minItems, prefixLength(flat) + 1);
    for (let index = 0; index < distinct; index++) {
      height = Math.max(height, positionHeight(ctx, itemSchemas(flat, index) ?? [], flat, budget));
    }
  }
  return height;
}

function positionHeight(ctx: Context, list: Schema[], parent: Flat, budget: number): number {
  if (budget <= 0) {
    return Number.POSITIVE_INFINITY;
  }
  const [only] = list;
  const key = list.length === 1 && only !== undefined && isPureRef(only) ? only.$ref : undefined;
  const known = key === undefined ? undefined : ctx.heights.get(key);
  if (known !== undefined) {
    return known;
  }
  const child = normalize(ctx, list, parent.depth, parent.where);
  const height = (child.refSeen ? 1 : 0) + heightOf(ctx, child, budget - 1);
  if (key !== undefined && height !== Number.POSITIVE_INFINITY) {
    ctx.heights.set(key, height);
  }
  return height;
}

/** The arbitrary of a value position where `list` applies; `depth` is the parent's. */
function position(ctx: Context, list: Schema[], depth: number, where: string): fc.Arbitrary<Gen> {
  const [only] = list;
  if (list.length === 1 && only !== undefined && isPureRef(only)) {
    const level = depth + 1 > ctx.maxDepth ? 'shallow' : String(depth + 1);
    const key = `${only.$ref}@${level}`;
    const cached = ctx.memo.get(key);
    if (cached) {
      return cached;
    }
    if (ctx.building.has(key)) {
      throw new Error(
        `${only.$ref}: recursion does not terminate (every way to generate it needs itself again)`,
      );
    }
    ctx.building.add(key);
    try {
      const built = buildFlat(ctx, normalize(ctx, list, depth, where));
      ctx.memo.set(key, built);
      return built;
    } finally {
      ctx.building.delete(key);
    }
  }
  return buildFlat(ctx, normalize(ctx, list, depth, where));
}

function buildFlat(ctx: Context, flat: Flat): fc.Arbitrary<Gen> {
  ctx.nesting += 1;
  try {
    if (ctx.nesting > nestingLimit(ctx.maxDepth)) {
      throw new Error(`${flat.where}: schema nesting too deep to generate`);
    }
    const arb = buildChoicesOrTypes(ctx, flat);
    if (flat.nots.length === 0) {
      return arb;
    }
    const nots = flat.nots.map((schema) => matcher(ctx, schema));
    return arb.filter((gen) => !nots.some((matches) => matches(gen.v)));
  } finally {
    ctx.nesting -= 1;
  }
}

/** `flat` with all its `oneOf`/`anyOf` expanded (undefined: more than `limit` leaves). */
function leavesOf(ctx: Context, flat: Flat, limit = 64): Flat[] | undefined {
  const [choice] = flat.choices;
  if (!choice) {
    return flat.never ? [] : [flat];
  }
  const leaves: Flat[] = [];
  for (const option of expand(ctx, flat, choice)) {
    const more = leavesOf(ctx, option.flat, limit - leaves.length);
    if (!more || leaves.length + more.length > limit) {
      return undefined;
    }
    leaves.push(...more);
  }
  return leaves;
}

/** The values a property is pinned to (`const`, `enum`) and excluded from (`not` of those). */
function pinnedValues(ctx: Context, flat: Flat, name: string) {
  const resolve = (schema: Schema): Schema =>
    isPureRef(schema) ? componentOf(ctx.doc, schema.$ref, flat.where) : schema;
  const valuesOf = (schema: Schema): string[] | undefined => {
    const resolved = resolve(schema);
    if (!isObject(resolved)) {
      return undefined;
    }
    if ('const' in resolved) {
      return [canonical(resolved.const as Json)];
    }
    return Array.isArray(resolved.enum) ? resolved.enum.map(canonical) : undefined;
  };
  let only: string[] | undefined;
  const excluded = new Set<string>();
  for (const schema of flat.properties.get(name) ?? []) {
    const resolved = resolve(schema);
    if (!isObject(resolved)) {
      continue;
    }
    const values = valuesOf(resolved);
    if (values) {
      only = only ? only.filter((value) => values.includes(value)) : values;
    }
    if (resolved.not !== undefined) {
      for (const value of valuesOf(resolved.not as Schema) ?? []) {
        excluded.add(value);
      }
    }
  }
  return { only, excluded };
}

function leavesDisjoint(ctx: Context, a: Flat, b: Flat): boolean {
  if (a.types && b.types && intersectTypes(a.types, b.types).length === 0) {
    return true;
  }
  const objectsOnly = (flat: Flat) => flat.types?.length === 1 && flat.types[0] === 'object';
  if (!objectsOnly(a) || !objectsOnly(b)) {
    return false;
  }
  for (const [one, other] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const name of one.required) {
      if (!propertySchemas(other, name)) {
        return true; // required by one, forbidden by the other
      }
      if (!other.required.has(name)) {
        continue;
      }
      const mine = pinnedValues(ctx, one, name);
      const theirs = pinnedValues(ctx, other, name);
      const possible = (mine.only ?? []).filter(
        (value) => !mine.excluded.has(value) && !theirs.excluded.has(value),
      );
      if (
        mine.only &&
        (theirs.only ? !possible.some((v) => theirs.only?.includes(v)) : possible.length === 0)
      ) {
        return true;
      }
    }
  }
  return false;
}

/** True when no value can match both schemas (checked on their expanded branches). */
function provablyDisjoint(ctx: Context, a: Flat, b: Flat): boolean {
  const left = leavesOf(ctx, a);
  const right = leavesOf(ctx, b);
  if (!left || !right) {
    return false;
  }
  return left.every((x) => right.every((y) => leavesDisjoint(ctx, x, y)));
}

/** The JSON types values of `flat` can have, over all its `oneOf`/`anyOf` branches. */
function typesOf(ctx: Context, flat: Flat): JsonType[] {
  if (flat.never) {
    return [];
  }
  const [choice] = flat.choices;
  if (choice) {
    return [...new Set(expand(ctx, flat, choice).flatMap((option) => typesOf(ctx, option.flat)))];
  }
  if (flat.consts.length > 0 || flat.enums.length > 0) {
    return [...new Set([...flat.consts, ...(flat.enums[0] ?? [])].map(typeOf))];
  }
  return allowedTypes(flat);
}

function overlapping(ctx: Context, flat: Flat, choice: Choice): Schema[][] {
  let overlaps = ctx.overlaps.get(choice.branches);
  if (!overlaps) {
    const flats = choice.branches.map((branch) => normalize(ctx, [branch], flat.depth, flat.where));
    overlaps = choice.branches.map((_, index) =>
      choice.branches.filter(
        (_other, otherIndex) =>
          otherIndex !== index &&
          !provablyDisjoint(ctx, flats[index] as Flat, flats[otherIndex] as Flat),
      ),
    );
    ctx.overlaps.set(choice.branches, overlaps);
  }
  return overlaps;
}

function buildChoicesOrTypes(ctx: Context, flat: Flat): fc.Arbitrary<Gen> {
  if (flat.never) {
    throw new UnsatisfiableSchemaError(`${flat.where}: no value satisfies this schema (false)`);
  }
  const [choice] = flat.choices;
  if (choice) {
    let options = expand(ctx, flat, choice).filter((option) => !option.flat.never);
    const positionTypes = flat.positionTypes ?? typesOf(ctx, flat);
    for (const option of options) {
      option.flat.positionTypes = positionTypes;
    }
    if (isShallow(ctx, flat)) {
      const heights = options.map((option) => heightOf(ctx, option.flat, heightBudget));
      const lowest = Math.min(...heights);
      if (lowest === Number.POSITIVE_INFINITY) {
        throw new UnsatisfiableSchemaError(`${flat.where}: no ${choice.kind} branch terminates`);
      }
      options = options.filter((_, index) => heights[index] === lowest);
    }
    const arbs: fc.Arbitrary<Gen>[] = [];
    let failure: unknown;
    for (const option of options) {
      let arb: fc.Arbitrary<Gen>;
      try {
        arb = buildFlat(ctx, option.flat);
      } catch (error) {
        if (!(error instanceof UnsatisfiableSchemaError)) {
          throw error;
        }
        failure = error;
        continue;
      }
      if (choice.kind === 'oneOf') {
        // Exactly one branch may match: drop values that also match another branch, unless
        // the branches are disjoint by type, by a differing required `const` or a forbidden one.
        const index = choice.branches.indexOf(option.branch);
        const others = (overlapping(ctx, flat, choice)[index] ?? []).map((other) =>
          matcher(ctx, other),
        );

        if (others.length > 0) {
          arb = arb.filter((gen) => !others.some((matches) => matches(gen.v)));
        }
      }
      if (overlapping(ctx, flat, choice)[choice.branches.indexOf(option.branch)]?.length) {
        arb = arb.map((gen): Gen => ({ ...gen, a: true }));
      }
      arbs.push(arb);
    }
    const [first, ...rest] = arbs;
    if (!first) {
      throw failure ?? new UnsatisfiableSchemaError(`${flat.where}: no ${choice.kind} branch`);
    }
    return rest.length === 0 ? first : fc.oneof(first, ...rest);
  }
  return buildTypes(ctx, flat);
}

function isUnconstrained(flat: Flat): boolean {
  return (
    flat.types === undefined &&
    flat.consts.length === 0 &&
    flat.enums.length === 0 &&
    flat.formats.size === 0 &&
    flat.patterns.size === 0 &&
    flat.minLength === 0 &&
    flat.maxLength === Number.POSITIVE_INFINITY &&
    flat.lower === undefined &&
    flat.upper === undefined &&
    flat.multipleOf.length === 0 &&
    flat.properties.size === 0 &&
    flat.required.size === 0 &&
    flat.objectParts.length === 0 &&
    flat.arrayParts.length === 0 &&
    flat.minItems === 0 &&
    flat.maxItems === Number.POSITIVE_INFINITY &&
    !flat.uniqueItems
  );
}

/** Checks of the scalar keywords, for `enum`/`const` values. */
function scalarOk(flat: Flat, value: Json): boolean {
  const type = typeOf(value);
  if (flat.types && !allows(flat.types, type)) {
    return false;
  }
  if (flat.consts.some((c) => canonical(c) !== canonical(value))) {
    return false;
  }
  if (flat.enums.some((list) => !list.some((entry) => canonical(entry) === canonical(value)))) {
    return false;
  }
  if (typeof value === 'string') {
    const length = codePoints(value);
    return (
      length >= flat.minLength &&
      length <= flat.maxLength &&
      [...flat.patterns].every((pattern) => new RegExp(pattern, 'u').test(value))
    );
  }
  if (typeof value === 'number') {
    return numberOk(flat, value);
  }
  return true;
}

function numberOk(flat: Flat, value: number): boolean {
  if (
    flat.lower !== undefined &&
    (flat.lowerExclusive ? value <= flat.lower : value < flat.lower)
  ) {
    return false;
  }
  if (
    flat.upper !== undefined &&
    (flat.upperExclusive ? value >= flat.upper : value > flat.upper)
  ) {
    return false;
  }
  return flat.multipleOf.every((m) => Number.isInteger(value / m));
}

function buildTypes(ctx: Context, flat: Flat): fc.Arbitrary<Gen> {
  if (isUnconstrained(flat)) {
    return anyGen;
  }
  if (flat.consts.length > 0 || flat.enums.length > 0) {
    const values = (
      flat.consts.length > 0 ? [flat.consts[0] as Json] : (flat.enums[0] ?? [])
    ).filter((value) => scalarOk(flat, value));
    if (values.length === 0) {
      throw new UnsatisfiableSchemaError(`${flat.where}: no enum/const value satisfies the schema`);
    }
    const allowed = flat.types ?? [...new Set(values.map(typeOf))];
    const candidates = new Map<JsonType, readonly Candidate[]>();
    const candidatesOf = (type: JsonType) => {
      let list = candidates.get(type);
      if (!list) {
        list = mutationCandidates(flat, type, allowed);
        candidates.set(type, list);
      }
      return list;
    };
    for (const value of values) {
      candidatesOf(typeOf(value));
    }
    // Objects and arrays are copied: a consumer may change the values it gets.
    return fc.constantFrom(...values).map((v) => ({
      v: typeof v === 'object' && v !== null ? structuredClone(v) : v,
      c: candidatesOf(typeOf(v)),
    }));
  }
  let types = allowedTypes(flat);
  if (types.length === 0) {
    throw new UnsatisfiableSchemaError(`${flat.where}: the type constraints exclude each other`);
  }
  // `number` also produces integers; when both are allowed, keep only `number`.
  if (types.includes('number')) {
    types = types.filter((type) => type !== 'integer');
  }
  if (isShallow(ctx, flat)) {
    const heights = types.map((type) => typeHeight(ctx, flat, type, heightBudget));
    const lowest = Math.min(...heights);
    types = types.filter((_, index) => heights[index] === lowest);
  }
  const arbs: fc.Arbitrary<Gen>[] = [];
  let failure: unknown;
  for (const type of types) {
    try {
      arbs.push(typeArb(ctx, flat, type));
    } catch (error) {
      if (!(error instanceof UnsatisfiableSchemaError)) {
        throw error;
      }
      failure = error;
    }
  }
  const [first, ...rest] = arbs;
  if (!first) {
    throw failure;
  }
  return rest.length === 0 ? first : fc.oneof(first, ...rest);
}

function typeArb(ctx: Context, flat: Flat, type: JsonType): fc.Arbitrary<Gen> {
  const candidates = mutationCandidates(flat, type, flat.types);
  const scalar = (arb: fc.Arbitrary<Json>) => arb.map((v): Gen => ({ v, c: candidates }));
  switch (type) {
    case 'null':
      return scalar(fc.constant(null));
    case 'boolean':
      return scalar(fc.boolean());
    case 'integer':
      return scalar(integerArb(flat));
    case 'number':
      return scalar(numberArb(flat));
    case 'string':
      return scalar(stringArb(flat));
    case 'array':
      return arrayArb(ctx, flat, candidates);
    case 'object':
      return objectArb(ctx, flat, candidates);
  }
}

function integerBounds(flat: Flat): [number, number] {
  let lo = Number.MIN_SAFE_INTEGER;
  let hi = Number.MAX_SAFE_INTEGER;
  if (flat.lower !== undefined) {
    lo = Math.max(lo, flat.lowerExclusive ? Math.floor(flat.lower) + 1 : Math.ceil(flat.lower));
  }
  if (flat.upper !== undefined) {
    hi = Math.min(hi, flat.upperExclusive ? Math.ceil(flat.upper) - 1 : Math.floor(flat.upper));
  }
  if (lo > hi) {
    throw new UnsatisfiableSchemaError(`${flat.where}: no integer within the bounds`);
  }
  return [lo, hi];
}

/** Multiples of the first `multipleOf` within bounds, checked against all of them. */
function multiplesArb(flat: Flat, lo: number, hi: number): fc.Arbitrary<number> {
  const step = flat.multipleOf[0] as number;
  const kLo = Math.ceil(lo / step);
  const kHi = Math.floor(hi / step);
  if (kLo > kHi) {
    throw new UnsatisfiableSchemaError(`${flat.where}: no multiple of ${step} within the bounds`);
  }
  return fc
    .integer({
      min: Math.max(kLo, Number.MIN_SAFE_INTEGER),
      max: Math.min(kHi, Number.MAX_SAFE_INTEGER),
    })
    .map((k) => noNegativeZero(k * step))
    .filter((value) => numberOk(flat, value));
}

function integerArb(flat: Flat): fc.Arbitrary<number> {
  const [lo, hi] = integerBounds(flat);
  if (flat.multipleOf.length > 0) {
    return multiplesArb(flat, lo, hi).filter(Number.isInteger);
  }
  if (flat.lower === undefined && flat.upper === undefined) {
    return fc.oneof({ arbitrary: fc.integer(), weight: 3 }, fc.integer({ min: lo, max: hi }));
  }
  return fc.integer({ min: lo, max: hi });
}

function numberArb(flat: Flat): fc.Arbitrary<number> {
  if (flat.multipleOf.length > 0) {
    const lo = flat.lower ?? Number.MIN_SAFE_INTEGER;
    const hi = flat.upper ?? Number.MAX_SAFE_INTEGER;
    return multiplesArb(flat, lo, hi);
  }
  const constraints: fc.DoubleConstraints = { noNaN: true, noDefaultInfinity: true };
  if (flat.lower !== undefined) {
    constraints.min = flat.lower;
    constraints.minExcluded = flat.lowerExclusive;
  }
  if (flat.upper !== undefined) {
    constraints.max = flat.upper;
    constraints.maxExcluded = flat.upperExclusive;
  }
  const doubles = fc
    .double(constraints)
    .map(noNegativeZero)
    .filter((value) => numberOk(flat, value));
  let integers: fc.Arbitrary<number> | undefined;
  try {
    integers = integerArb(flat);
  } catch (error) {
    if (!(error instanceof UnsatisfiableSchemaError)) {
      throw error;
    }
  }
  return integers ? fc.oneof(integers, doubles) : doubles;
}

function stringArb(flat: Flat): fc.Arbitrary<string> {
  const { minLength, maxLength } = flat;
  if (minLength > maxLength) {
    throw new UnsatisfiableSchemaError(`${flat.where}: minLength > maxLength`);
  }
  const formats = [...flat.formats];
  const patterns = [...flat.patterns].map((pattern) => new RegExp(pattern, 'u'));
  if (formats.length > 1) {
    throw new UnsatisfiableSchemaError(`${flat.where}: several formats (${formats.join(', ')})`);
  }
  const [format] = formats;
  const [firstPattern, ...otherPatterns] = patterns;
  let arb: fc.Arbitrary<string>;
  if (format !== undefined) {
    arb = formatArbs[format] as fc.Arbitrary<string>;
  } else if (firstPattern) {
    arb = fc.stringMatching(firstPattern);
  } else {
    return textArb(minLength, Math.min(maxLength, minLength + 16));
  }
  return arb.filter((value) => {
    const length = codePoints(value);
    return (
      length >= minLength &&
      length <= maxLength &&
      (format === undefined || !firstPattern || firstPattern.test(value)) &&
      otherPatterns.every((pattern) => pattern.test(value))
    );
  });
}

/** Short arrays: at most 3 items (2 below the second level) unless minItems demands more. */
function arrayArb(ctx: Context, flat: Flat, candidates: readonly Candidate[]): fc.Arbitrary<Gen> {
  const limit = arrayLimit(flat);
  const lo = flat.minItems;
  if (lo > limit) {
    throw new UnsatisfiableSchemaError(`${flat.where}: minItems cannot be met`);
  }
  // Deeper arrays are shorter still, which keeps big recursive values (Task) cheap.
  const longest = flat.depth < 2 ? 3 : 2;
  const hi = isShallow(ctx, flat) ? lo : Math.min(limit, Math.max(lo, longest));
  const prefix = prefixLength(flat);
  const itemArbs = new Map<number, fc.Arbitrary<Gen>>();
  const itemArb = (index: number) => {
    const at = Math.min(index, prefix);
    let arb = itemArbs.get(at);
    if (!arb) {
      const list = itemSchemas(flat, at) ?? [];
      arb = list.length === 0 ? anyGen : position(ctx, list, flat.depth, `${flat.where}/items`);
      itemArbs.set(at, arb);
    }
    return arb;
  };
  let items: fc.Arbitrary<Gen[]>;
  if (hi === 0) {
    items = fc.constant([]);
  } else if (prefix === 0) {
    items = flat.uniqueItems
      ? fc.uniqueArray(itemArb(0), {
          minLength: lo,
          maxLength: hi,
          selector: (gen) => canonical(gen.v),
        })
      : fc.array(itemArb(0), { minLength: lo, maxLength: hi });
  } else {
    for (let index = 0; index < hi; index++) {
      itemArb(index);
    }
    items = fc
      .integer({ min: lo, max: hi })
      .chain((length) => fc.tuple(...Array.from({ length }, (_, index) => itemArb(index))));
    if (flat.uniqueItems) {
      items = items.filter(
        (gens) => new Set(gens.map((gen) => canonical(gen.v))).size === gens.length,
      );
    }
  }
  return items.map((gens) => ({ v: gens.map((gen) => gen.v), c: candidates, k: gens }));
}

function objectArb(ctx: Context, flat: Flat, candidates: readonly Candidate[]): fc.Arbitrary<Gen> {
  const shallow = isShallow(ctx, flat);
  const names = new Set([...flat.properties.keys(), ...flat.required]);
  const entries: { name: string; arb: fc.Arbitrary<Gen | undefined> }[] = [];
  for (const name of names) {
    const list = propertySchemas(flat, name);
    const required = flat.required.has(name);
    if (!list) {
      if (required) {
        throw new UnsatisfiableSchemaError(`${flat.where}: required property ${name} is forbidden`);
      }
      continue;
    }
    if (!required && shallow) {
      continue;
    }
    const arb = position(ctx, list, flat.depth, `${flat.where}/properties/${escapeToken(name)}`);
    entries.push({ name, arb: required ? arb : fc.option(arb, { nil: undefined, freq: 2 }) });
  }
  let extras: fc.Arbitrary<[string, Gen][]> = fc.constant([]);
  const additional = flat.objectParts.map((part) => part.additional);
  if (!shallow && !additional.includes(false)) {
    const valueArb =
      additional.length === 0
        ? anyGen
        : position(ctx, additional, flat.depth, `${flat.where}/additionalProperties`);
    const extraKey = keyArb.filter((key) => !names.has(key));
    extras =
      names.size === 0
        ? fc.uniqueArray(fc.tuple(extraKey, valueArb), { maxLength: 2, selector: ([key]) => key })
        : fc
            .option(fc.tuple(extraKey, valueArb), { nil: undefined, freq: 4 })
            .map((extra) => (extra ? [extra] : []));
  }
  return fc.tuple(fc.tuple(...entries.map((entry) => entry.arb)), extras).map(([values, extra]) => {
    const v: { [key: string]: Json } = {};
    const k: Gen[] = [];
    const n: string[] = [];
    entries.forEach((entry, index) => {
      const gen = values[index];
      if (gen) {
        v[entry.name] = gen.v;
        k.push(gen);
        n.push(entry.name);
      }
    });
    for (const [key, gen] of extra) {
      v[key] = gen.v;
      k.push(gen);
      n.push(key);
    }
    return { v, c: candidates, k, n };
  });
}

// ---------------------------------------------------------------------------------------------
// Mutations.

function mutationCandidates(
  flat: Flat,
  type: JsonType,
  allowed: readonly JsonType[] | undefined,
): readonly Candidate[] {
  const list: Candidate[] = [];
  if (allowed) {
    const outside = jsonTypes.filter((other) => !allows(flat.positionTypes ?? allowed, other));
    const others =
      outside.length > 0 ? outside : jsonTypes.filter((other) => !allows(allowed, other));
    if (others.length > 0) {
      list.push({
        kind: 'wrong type',
        apply: (_, pick) => {
          const other = others[pick % others.length] as JsonType;
          return {
            value: structuredClone(wrongTypeSamples[other]),
            detail: `${other} instead of ${allowed.join('|')}`,
          };
        },
      });
    }
  }
  const [constant] = flat.consts;
  if (flat.consts.length > 0) {
    list.push({
      kind: 'const miss',
      apply: () => ({
        value: constMiss(constant as Json),
        detail: `not ${JSON.stringify(constant)}`,
      }),
    });
  } else if (flat.enums.length > 0) {
    const members = new Set(flat.enums.flat().map(canonical));
    let miss = 'not-in-enum';
    while (members.has(JSON.stringify(miss))) {
      miss += '-';
    }
    list.push({ kind: 'enum miss', apply: () => ({ value: miss, detail: JSON.stringify(miss) }) });
  }
  if (type === 'string') {
    const [format] = flat.formats;
    if (format !== undefined) {
      const miss = formatMisses[format] ?? 'not-a-format';
      list.push({
        kind: 'format miss',
        apply: () => ({ value: miss, detail: `${format}: ${miss}` }),
      });
    }
    const { minLength, maxLength } = flat;
    if (minLength > 0) {
      list.push({
        kind: 'constraint miss',
        apply: (value) => ({
          value: [...String(value)].slice(0, minLength - 1).join(''),
          detail: `minLength ${minLength}`,
        }),
      });
    }
    if (maxLength !== Number.POSITIVE_INFINITY) {
      list.push({
        kind: 'constraint miss',
        apply: (value) => ({
          value: String(value) + 'x'.repeat(maxLength + 1),
          detail: `maxLength ${maxLength}`,
        }),
      });
    }
  }
  if (type === 'integer' || type === 'number') {
    const { lower, upper } = flat;
    if (lower !== undefined) {
      const miss = flat.lowerExclusive ? lower : Math.floor(lower) - 1;
      const keyword = flat.lowerExclusive ? 'exclusiveMinimum' : 'minimum';
      list.push({
        kind: 'constraint miss',
        apply: () => ({ value: miss, detail: `${keyword} ${lower}: ${miss}` }),
      });
    }
    if (upper !== undefined) {
      const miss = flat.upperExclusive ? upper : Math.ceil(upper) + 1;
      const keyword = flat.upperExclusive ? 'exclusiveMaximum' : 'maximum';
      list.push({
        kind: 'constraint miss',
        apply: () => ({ value: miss, detail: `${keyword} ${upper}: ${miss}` }),
      });
    }
    const [step] = flat.multipleOf;
    if (step !== undefined) {
      list.push({
        kind: 'constraint miss',
        apply: (value) => ({ value: Number(value) + step / 2, detail: `multipleOf ${step}` }),
      });
    }
  }
  if (type === 'array') {
    const { minItems, maxItems } = flat;
    if (minItems > 0) {
      list.push({
        kind: 'constraint miss',
        apply: (value) => ({
          value: (value as Json[]).slice(0, minItems - 1),
          detail: `minItems ${minItems}`,
        }),
      });
    }
    if (maxItems !== Number.POSITIVE_INFINITY) {
      list.push({
        kind: 'constraint miss',
        apply: (value) => {
          const items = [...(value as Json[])];
          while (items.length <= maxItems) {
            items.push(structuredClone(items[items.length - 1] ?? null));
          }
          return { value: items, detail: `maxItems ${maxItems}` };
        },
      });
    }
    if (flat.uniqueItems) {
      list.push({
        kind: 'constraint miss',
        apply: (value) => {
          const items = value as Json[];
          return {
            value: items.length > 0 ? [...items, structuredClone(items[0] as Json)] : [null, null],
            detail: 'uniqueItems',
          };
        },
      });
    }
  }
  if (type === 'object') {
    const required = [...flat.required];
    if (required.length > 0) {
      list.push({
        kind: 'missing required property',
        apply: (value, pick) => {
          const name = required[pick % required.length] as string;
          const { [name]: _removed, ...rest } = value as { [key: string]: Json };
          return { value: rest, at: `/${escapeToken(name)}` };
        },
      });
    }
    const forbidden = [...flat.properties.keys()].filter((name) => !propertySchemas(flat, name));
    const closed = flat.objectParts.some((part) => part.additional === false);
    if (forbidden.length > 0 || closed) {
      let unexpected = 'unexpected_property';
      while (flat.properties.has(unexpected)) {
        unexpected += '_';
      }
      const names = closed ? [...forbidden, unexpected] : forbidden;
      list.push({
        kind: 'extra property',
        apply: (value, pick) => {
          const name = names[pick % names.length] as string;
          return {
            value: { ...(value as { [key: string]: Json }), [name]: 'extra' },
            at: `/${escapeToken(name)}`,
          };
        },
      });
    }
    const { discriminator } = flat;
    if (discriminator) {
      list.push({
        kind: 'wrong discriminator tag',
        apply: (value, pick) => {
          const object = value as { [key: string]: Json };
          const current = object[discriminator.property];
          const tags = [...discriminator.tags.filter((tag) => tag !== current), 'not-a-tag'];
          const tag = tags[pick % tags.length] as string;
          return {
            value: { ...object, [discriminator.property]: tag },
            at: `/${escapeToken(discriminator.property)}`,
            detail: `${JSON.stringify(current)} → ${JSON.stringify(tag)}`,
          };
        },
      });
    }
  }
  return list;
}

/** Whether a site is used: `all` sites, or only those outside ambiguous subtrees. */
const usable = (all: boolean, ambiguous: boolean, kind: MutationKind) =>
  all || !ambiguous || kind === 'wrong type';

/** How many mutation sites of each kind `gen` offers. */
function countSites(
  gen: Gen,
  all: boolean,
  counts: Map<MutationKind, number>,
  inside = false,
): void {
  const ambiguous = inside || gen.a === true;
  for (const candidate of gen.c) {
    if (usable(all, ambiguous, candidate.kind)) {
      counts.set(candidate.kind, (counts.get(candidate.kind) ?? 0) + 1);
    }
  }
  if (all || !ambiguous) {
    for (const child of gen.k ?? []) {
      countSites(child, all, counts, ambiguous);
    }
  }
}

type Site = { keys: (string | number)[]; candidate: Candidate };

/** The `index`-th site of `kind` (depth-first, as counted by countSites), with its keys. */
function findSite(gen: Gen, all: boolean, kind: MutationKind, index: number): Site | undefined {
  const keys: (string | number)[] = [];
  let remaining = index;
  const visit = (node: Gen, inside: boolean): Candidate | undefined => {
    const ambiguous = inside || node.a === true;
    if (usable(all, ambiguous, kind)) {
      for (const candidate of node.c) {
        if (candidate.kind === kind && remaining-- === 0) {
          return candidate;
        }
      }
    }
    if (!all && ambiguous) {
      return undefined;
    }
    const children = node.k ?? [];
    for (let position = 0; position < children.length; position++) {
      keys.push(node.n ? (node.n[position] as string) : position);
      const found = visit(children[position] as Gen, ambiguous);
      if (found) {
        return found;
      }
      keys.pop();
    }
    return undefined;
  };
  const candidate = visit(gen, false);
  return candidate && { keys, candidate };
}

function replaceAt(
  value: Json,
  keys: (string | number)[],
  index: number,
  fn: (old: Json) => Json,
): Json {
  if (index === keys.length) {
    return fn(value);
  }
  const key = keys[index] as string | number;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[key as number] = replaceAt(value[key as number] as Json, keys, index + 1, fn);
    return copy;
  }
  const object = value as { [key: string]: Json };
  return { ...object, [key]: replaceAt(object[key] as Json, keys, index + 1, fn) };
}

const pointerOfKeys = (keys: (string | number)[]) =>
  keys.map((key) => `/${escapeToken(String(key))}`).join('');

// ---------------------------------------------------------------------------------------------
// Public API.

const contexts = new WeakMap<SchemaDocument, Map<number, Context>>();

function contextOf(doc: SchemaDocument, options?: ArbitraryOptions): Context {
  const maxDepth = options?.maxDepth ?? 4;
  let byDepth = contexts.get(doc);
  if (!byDepth) {
    byDepth = new Map();
    contexts.set(doc, byDepth);
  }
  let ctx = byDepth.get(maxDepth);
  if (!ctx) {
    ctx = {
      doc,
      maxDepth,
      memo: new Map(),
      building: new Set(),
      heights: new Map(),
      nesting: 0,
      matchers: new WeakMap(),
      overlaps: new WeakMap(),
      factory: undefined,
      checked: new WeakSet(),
    };
    byDepth.set(maxDepth, ctx);
  }
  return ctx;
}

/** The arbitrary of component schema `name`. */
function generated(doc: SchemaDocument, name: string, options?: ArbitraryOptions) {
  const ctx = contextOf(doc, options);
  const ref = `${refPrefix}${escapeToken(name)}`;
  if (!ctx.memo.has(`${ref}@0`)) {
    checkKeywords(doc, componentOf(doc, ref, ref) as Json, ref);
  }
  return position(ctx, [{ $ref: ref }], -1, ref);
}

/** The arbitrary of a schema found inside `doc` (a parameter's, a request body's). */
function generatedInline(
  doc: SchemaDocument,
  schema: unknown,
  options?: ArbitraryOptions & { where?: string },
) {
  const ctx = contextOf(doc, options);
  const where = options?.where ?? '#';
  if (typeof schema === 'object' && schema !== null) {
    if (!ctx.checked.has(schema)) {
      checkKeywords(doc, schema as Json, where);
      ctx.checked.add(schema);
    }
  } else if (typeof schema !== 'boolean') {
    throw new Error(`${where}: a schema must be an object or a boolean`);
  }
  return position(ctx, [schema as Schema], -1, where);
}

/** Values meant to satisfy component schema `name` of `doc` (JSON values only: no undefined, no NaN/Infinity, no -0). */
export function validValue(
  doc: SchemaDocument,
  name: string,
  options?: ArbitraryOptions,
): fc.Arbitrary<unknown> {
  return generated(doc, name, options).map((gen) => gen.v);
}

/** Options of the arbitraries of an inline schema. */
export type InlineOptions = ArbitraryOptions & {
  /** Where the schema sits, for error messages (default `#`), e.g. `#/paths/~1v2~1tasks/get/parameters/7/schema`. */
  where?: string;
};

/**
 * Values meant to satisfy `schema`, a schema found inside `doc` (a parameter's or a request
 * body's, not only a component): its `$ref`s resolve against `doc`'s component schemas.
 */
export function schemaValue(
  doc: SchemaDocument,
  schema: unknown,
  options?: InlineOptions,
): fc.Arbitrary<unknown> {
  return generatedInline(doc, schema, options).map((gen) => gen.v);
}

/** `mutatedValue` of a schema found inside `doc` (see {@link schemaValue}). */
export function mutatedSchemaValue(
  doc: SchemaDocument,
  schema: unknown,
  options?: InlineOptions,
): fc.Arbitrary<MutatedValue> {
  return mutate(generatedInline(doc, schema, options));
}

/**
 * A valid value with one mutation applied; `mutation` says which, e.g.
 * "wrong type at /threads/0/id (integer instead of string)". Kinds: wrong type, missing required
 * property, extra property (where `additionalProperties: false` or a `false` property schema
 * forbids it), enum miss, const miss, format miss, constraint miss (minLength, maxLength,
 * minimum, maximum, exclusive bounds, multipleOf, minItems, maxItems, uniqueItems), wrong
 * discriminator tag. The kind is picked first (among those the value offers), then its location.
 * Half of the time, locations inside a value of a `oneOf`/`anyOf` branch that overlaps another
 * branch are left out (their mutations are often absorbed by the other branch). The value may
 * still be valid; a value offering no mutation at all comes back unchanged with mutation "none".
 */
export function mutatedValue(
  doc: SchemaDocument,
  name: string,
  options?: ArbitraryOptions,
): fc.Arbitrary<MutatedValue> {
  return mutate(generated(doc, name, options));
}

function mutate(arb: fc.Arbitrary<Gen>): fc.Arbitrary<MutatedValue> {
  return fc
    .tuple(arb, fc.boolean(), fc.nat(), fc.nat(), fc.nat())
    .map(([gen, everywhere, kindPick, sitePick, pick]) => {
      let all = everywhere;
      const counts = new Map<MutationKind, number>();
      countSites(gen, all, counts);
      if (counts.size === 0 && !all) {
        all = true;
        countSites(gen, all, counts);
      }
      const kinds = [...counts.keys()];
      if (kinds.length === 0) {
        return { value: gen.v as unknown, mutation: 'none' };
      }
      const kind = kinds[kindPick % kinds.length] as MutationKind;
      const site = findSite(gen, all, kind, sitePick % (counts.get(kind) as number)) as Site;
      let applied: Applied | undefined;
      const value = replaceAt(gen.v, site.keys, 0, (old) => {
        applied = site.candidate.apply(old, pick);
        return applied.value;
      });
      const at = pointerOfKeys(site.keys) + (applied?.at ?? '');
      const detail = applied?.detail ? ` (${applied.detail})` : '';
      return { value: value as unknown, mutation: `${kind} at ${at || '/'}${detail}` };
    });
}
