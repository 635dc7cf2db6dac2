/**
 * Fidelity of our bundled spec to Scale's official clients: both sides are normalised into one
 * `Shape` (types, required, enum, nullability, format, bounds, items, properties, unions) and
 * compared; a finding says where ours refuses a value the official client accepts or sends.
 *
 * The official side is the JSON in test/fixtures/official (see its README): models with
 * `properties.<wire name>.type` strings such as `array<ref:Thread>` or `string:date-time`, and
 * operations with `params` and `responses`.
 *
 * Not checked: `not` (ours uses it only to keep union members apart), and whether the members
 * of a `oneOf` of ours overlap (a value matching two of them fails `oneOf`).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export type Bounds = {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
};

/** One schema, either side, reduced to what decides which values it accepts. */
export type Shape = {
  /** Ours: the JSON pointer into the bundle. Official: `Model.field`. */
  at: string;
  /** A named schema of the same side, resolved lazily (the models are recursive). */
  ref?: string;
  /** Accepted JSON types; `undefined` is any type. Nullable means `null` is in the set. */
  types?: Set<JsonType>;
  /** A closed value set (`enum`, `const`); `undefined` is open. */
  enum?: Json[];
  format?: string;
  bounds: Bounds;
  items?: Shape;
  properties: Record<string, Shape>;
  required: Set<string>;
  /** What extra properties must satisfy: `true` open, `false` forbidden. */
  additional: boolean | Shape;
  /** The value must also match one of these (`oneOf`/`anyOf`; overlap is not checked). */
  anyOf?: Shape[];
  /** The JSON Schema `false`. */
  never?: boolean;
  /** Ours: `x-stricter-than-official` here, the evidence for keeping this place stricter. */
  exception?: { evidence: string; at: string };
};

export const exceptionKey = 'x-stricter-than-official';

const anyShape = (at: string): Shape => ({
  at,
  bounds: {},
  properties: {},
  required: new Set(),
  additional: true,
});

const escapeKey = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeKey = (key: string) => key.replaceAll('~1', '/').replaceAll('~0', '~');

/** The node a local `#/...` pointer names in the document. */
export function resolvePointer(doc: unknown, pointer: string): Json | undefined {
  let node = doc as Json | undefined;
  for (const key of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = node && typeof node === 'object' ? (node as JsonObject)[unescapeKey(key)] : undefined;
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// Our side: OpenAPI 3.1 / JSON Schema 2020-12
// ---------------------------------------------------------------------------------------------

const boundKeys = [
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

/** Keywords that only annotate; a `$ref` with nothing but these beside it is a plain reference. */
const annotations = new Set([
  '$ref',
  'title',
  'description',
  'examples',
  'example',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'discriminator',
  'contentEncoding',
  'contentMediaType',
  '$comment',
  exceptionKey,
]);

export type ExceptionDeclaration = { pointer: string; evidence: Json };

/** Our bundle's schemas, normalised on demand (component schemas once each). */
export class OurSchemas {
  private readonly components = new Map<string, Shape>();
  /** Every `x-stricter-than-official` of the bundle, valid or not. */
  readonly declarations: ExceptionDeclaration[] = [];

  constructor(readonly doc: JsonObject) {
    const walk = (node: Json, pointer: string) => {
      if (Array.isArray(node)) {
        node.forEach((child, index) => {
          walk(child, `${pointer}/${index}`);
        });
      } else if (node && typeof node === 'object') {
        for (const [key, child] of Object.entries(node)) {
          if (key === exceptionKey) {
            this.declarations.push({ pointer, evidence: child });
          } else {
            walk(child, `${pointer}/${escapeKey(key)}`);
          }
        }
      }
    };
    walk(doc, '#');
  }

  /** The declarations that are not a non-empty string (the test rejects them). */
  invalidDeclarations(): ExceptionDeclaration[] {
    return this.declarations.filter(
      ({ evidence }) => typeof evidence !== 'string' || evidence.trim() === '',
    );
  }

  names(): string[] {
    return Object.keys(((this.doc.components as JsonObject)?.schemas ?? {}) as JsonObject);
  }

  component(name: string): Shape {
    let shape = this.components.get(name);
    if (!shape) {
      const at = `#/components/schemas/${escapeKey(name)}`;
      const schema = resolvePointer(this.doc, at);
      shape = schema === undefined ? { ...anyShape(at), never: true } : this.shape(schema, at);
      this.components.set(name, shape);
    }
    return shape;
  }

  /** Follows a `$ref` node to the component it names. */
  deref(shape: Shape): Shape {
    return shape.ref === undefined ? shape : this.component(shape.ref);
  }

  shape(schema: Json, at: string): Shape {
    if (schema === false) {
      return { ...anyShape(at), never: true };
    }
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
      return anyShape(at);
    }
    const evidence = schema[exceptionKey];
    const exception =
      typeof evidence === 'string' && evidence.trim() !== '' ? { evidence, at } : undefined;
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    if (ref !== undefined) {
      const name = ref.replace('#/components/schemas/', '');
      const rest = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$ref'));
      const node: Shape = { ...anyShape(at), ref: name, exception };
      if (Object.keys(rest).every((key) => annotations.has(key))) {
        return node;
      }
      return intersect(this.shape(rest, at), this.component(name), this);
    }
    const shape: Shape = { ...anyShape(at), exception };
    if (schema.type !== undefined) {
      shape.types = new Set(
        (Array.isArray(schema.type) ? schema.type : [schema.type]) as JsonType[],
      );
    }
    if ('const' in schema) {
      shape.enum = [schema.const as Json];
    } else if (Array.isArray(schema.enum)) {
      shape.enum = schema.enum;
    }
    if (typeof schema.format === 'string') {
      shape.format = schema.format;
    }
    for (const key of boundKeys) {
      if (schema[key] !== undefined) {
        (shape.bounds as Record<string, Json>)[key] = schema[key] as Json;
      }
    }
    if (schema.items !== undefined) {
      shape.items = this.shape(schema.items, `${at}/items`);
    }
    for (const [name, property] of Object.entries((schema.properties ?? {}) as JsonObject)) {
      shape.properties[name] = this.shape(property, `${at}/properties/${escapeKey(name)}`);
    }
    shape.required = new Set((schema.required ?? []) as string[]);
    if (schema.additionalProperties === false || schema.unevaluatedProperties === false) {
      shape.additional = false;
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      shape.additional = this.shape(schema.additionalProperties, `${at}/additionalProperties`);
    }
    // `not` is ignored: ours uses it only to keep union members apart (UnknownAnnotation).
    const union = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
    const unionKey = schema.oneOf ? 'oneOf' : 'anyOf';
    if (Array.isArray(union)) {
      shape.anyOf = union.map((member, index) => this.shape(member, `${at}/${unionKey}/${index}`));
    }
    let merged = shape;
    ((schema.allOf ?? []) as Json[]).forEach((part, index) => {
      merged = intersect(merged, this.shape(part, `${at}/allOf/${index}`), this);
    });
    return merged;
  }
}

/** Both `a` and `b` apply (allOf): the merged shape accepts what both accept. */
function intersect(first: Shape, second: Shape, ours: OurSchemas): Shape {
  const a = ours.deref(first);
  const b = ours.deref(second);
  const both = <T>(x: T | undefined, y: T | undefined, join: (x: T, y: T) => T) =>
    x === undefined ? y : y === undefined ? x : join(x, y);
  const properties: Record<string, Shape> = { ...a.properties };
  for (const [name, property] of Object.entries(b.properties)) {
    const existing = properties[name];
    properties[name] = existing ? intersect(existing, property, ours) : property;
  }
  // Both bounds apply: the tighter one wins (the first pattern is kept when both have one).
  const bounds: Record<string, unknown> = { ...a.bounds };
  for (const [key, value] of Object.entries(b.bounds)) {
    const current = bounds[key];
    if (typeof current !== 'number' || typeof value !== 'number' || key === 'multipleOf') {
      bounds[key] = current ?? value;
    } else {
      const lower = key.startsWith('min') || key.startsWith('exclusiveMin');
      bounds[key] = lower ? Math.max(current, value) : Math.min(current, value);
    }
  }
  return {
    at: first.at,
    types: both(a.types, b.types, (x, y) => new Set([...x].filter((t) => y.has(t)))),
    enum: both(a.enum, b.enum, (x, y) => x.filter((v) => y.some((w) => same(v, w)))),
    format: a.format ?? b.format,
    bounds: bounds as Bounds,
    items: both(a.items, b.items, (x, y) => intersect(x, y, ours)),
    properties,
    required: new Set([...a.required, ...b.required]),
    additional:
      a.additional === false || b.additional === false
        ? false
        : a.additional === true
          ? b.additional
          : a.additional,
    anyOf: a.anyOf ?? b.anyOf,
    never: a.never || b.never,
    exception: first.exception ?? second.exception ?? a.exception ?? b.exception,
  };
}

const same = (x: Json, y: Json) => JSON.stringify(x) === JSON.stringify(y);

// ---------------------------------------------------------------------------------------------
// Official side: the introspected client models
// ---------------------------------------------------------------------------------------------

export type OfficialProperty = {
  type: string;
  required: boolean;
  python_optional?: boolean;
  enum?: Json[];
};
export type OfficialModel = {
  kind: 'object' | 'enum' | 'oneOf';
  module?: string;
  properties?: Record<string, OfficialProperty>;
  additional_properties?: boolean;
  extra_fields_rejected?: boolean;
  values?: Json[];
  member_types?: string[];
  discriminator_values?: string[];
};
export type OfficialParameter = {
  in: 'query' | 'path' | 'header' | 'body';
  type: string;
  required: boolean;
  collection_format?: string;
  constraints?: string[];
};
export type OfficialOperation = {
  method: string;
  path: string;
  params: Record<string, OfficialParameter>;
  responses?: Record<string, string>;
};
export type OfficialFile = {
  scaleapi_version?: string;
  models: Record<string, OfficialModel>;
  operations: Record<string, OfficialOperation>;
};

const primitives: Record<string, Pick<Shape, 'types' | 'format'>> = {
  string: { types: new Set(['string']) },
  str: { types: new Set(['string']) },
  integer: { types: new Set(['integer']) },
  int: { types: new Set(['integer']) },
  number: { types: new Set(['number']) },
  float: { types: new Set(['number']) },
  boolean: { types: new Set(['boolean']) },
  bool: { types: new Set(['boolean']) },
  object: { types: new Set(['object']) },
  datetime: { types: new Set(['string']), format: 'date-time' },
  any: {},
  None: { types: new Set(['null']) },
};

/** Parses an official type string: `array<ref:X>`, `union<a,b>`, `map<V>`, `float|int`, `string:date-time`. */
export function parseOfficialType(text: string, at: string): Shape {
  let position = 0;
  const parse = (): Shape => {
    const match = /^[A-Za-z0-9_:.|-]+/.exec(text.slice(position));
    if (!match) {
      throw new Error(`cannot parse official type ${text} at ${position}`);
    }
    const word = match[0];
    position += word.length;
    if (text[position] === '<') {
      position += 1;
      const args = [parse()];
      while (text[position] === ',') {
        position += 1;
        args.push(parse());
      }
      position += 1; // '>'
      const [first] = args as [Shape];
      if (word === 'array' || word === 'list') {
        return { ...anyShape(at), types: new Set(['array']), items: { ...first, at: `${at}[]` } };
      }
      if (word === 'map' || word === 'dict') {
        return { ...anyShape(at), types: new Set(['object']), additional: first };
      }
      if (word === 'union') {
        return { ...anyShape(at), anyOf: args };
      }
      throw new Error(`unknown official type constructor ${word} in ${text}`);
    }
    if (word.startsWith('ref:')) {
      return { ...anyShape(at), ref: word.slice(4) };
    }
    if (word.includes('|')) {
      const members = word.split('|').map((part) => parseWord(part, at));
      // `float|int` is a number; other alternatives stay a union.
      return members.every((member) => member.types?.has('number') || member.types?.has('integer'))
        ? { ...anyShape(at), types: new Set(['number']) }
        : { ...anyShape(at), anyOf: members };
    }
    return parseWord(word, at);
  };
  const shape = parse();
  if (position !== text.length) {
    throw new Error(`trailing text in official type ${text}`);
  }
  return shape;
}

function parseWord(word: string, at: string): Shape {
  const [base = '', format] = word.split(':');
  const primitive = primitives[base];
  if (!primitive) {
    throw new Error(`unknown official type ${word}`);
  }
  return { ...anyShape(at), ...primitive, ...(format ? { format } : {}) };
}

/** `ge=1`, `le=100`, `min_length=1`... (pydantic constraints of a parameter) as bounds. */
export function parseConstraints(constraints: string[] = []): Bounds {
  const names: Record<string, keyof Bounds> = {
    ge: 'minimum',
    gt: 'exclusiveMinimum',
    le: 'maximum',
    lt: 'exclusiveMaximum',
    min_length: 'minLength',
    max_length: 'maxLength',
  };
  const bounds: Bounds = {};
  for (const constraint of constraints) {
    const [name = '', value = ''] = constraint.split('=');
    const key = names[name];
    if (key && key !== 'pattern' && key !== 'uniqueItems') {
      bounds[key] = Number(value);
    }
  }
  return bounds;
}

/** How the official client treats a non-required field. */
export type OptionalFields = 'absent-only' | 'nullable';

export class OfficialModels {
  private readonly shapes = new Map<string, Shape>();
  /**
   * Member model → its discriminator value in the `oneOf` it belongs to. The extraction lists
   * `discriminator_values` in the order of `member_types` (both sorted by name).
   */
  readonly discriminated = new Map<string, Set<string>>();

  constructor(
    readonly file: OfficialFile,
    private readonly optional: (model: OfficialModel) => OptionalFields,
  ) {
    for (const model of Object.values(file.models)) {
      const values = model.discriminator_values ?? [];
      (model.member_types ?? []).forEach((member, index) => {
        const value = values[index];
        if (value !== undefined && values.length === model.member_types?.length) {
          this.discriminated.set(member.replace('ref:', ''), new Set([value]));
        }
      });
    }
  }

  has(name: string): boolean {
    return name in this.file.models;
  }

  /**
   * The model a Python `XProperties` helper belongs to: openapi-generator emits the fields an
   * `allOf` part adds as `XProperties`; they are compared as part of `X`.
   */
  helperOf(name: string): string | undefined {
    const base = /^(\w+)Properties$/.exec(name)?.[1];
    return base !== undefined && this.file.models[base]?.kind === 'object' ? base : undefined;
  }

  model(name: string): Shape {
    let shape = this.shapes.get(name);
    if (!shape) {
      shape = this.build(name);
      this.shapes.set(name, shape);
    }
    return shape;
  }

  private build(name: string): Shape {
    const model = this.file.models[name];
    if (!model) {
      return anyShape(name);
    }
    if (model.kind === 'enum') {
      return { ...anyShape(name), types: new Set(['string']), enum: model.values ?? [] };
    }
    if (model.kind === 'oneOf') {
      const members = (model.member_types ?? []).map((type) => parseOfficialType(type, name));
      return { ...anyShape(name), anyOf: members };
    }
    const nullable = this.optional(model) === 'nullable';
    const properties: Record<string, Shape> = {};
    const fields = {
      ...this.file.models[`${name}Properties`]?.properties,
      ...model.properties,
    };
    for (const [field, property] of Object.entries(fields)) {
      const at = `${name}.${field}`;
      let shape = parseOfficialType(property.type, at);
      if (property.enum) {
        shape = { ...shape, enum: property.enum };
      }
      if (nullable && !property.required) {
        shape = { ...anyShape(at), anyOf: [shape, { ...anyShape(at), types: new Set(['null']) }] };
      }
      properties[field] = shape;
    }
    return {
      ...anyShape(name),
      types: new Set(['object']),
      properties,
      required: new Set(
        Object.entries(fields)
          .filter(([, property]) => property.required)
          .map(([field]) => field),
      ),
      additional: !model.extra_fields_rejected,
    };
  }

  /** The model names a type string mentions (`ref:X`). */
  static refs(type: string): string[] {
    return [...type.matchAll(/ref:([A-Za-z0-9_]+)/g)].map((match) => match[1] as string);
  }

  /** Every model reachable from `roots` through properties and union members. */
  reachable(roots: string[]): Set<string> {
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length > 0) {
      const name = queue.pop() as string;
      const model = this.file.models[name];
      if (seen.has(name) || !model) {
        continue;
      }
      seen.add(name);
      for (const property of Object.values(model.properties ?? {})) {
        queue.push(...OfficialModels.refs(property.type));
      }
      for (const member of model.member_types ?? []) {
        queue.push(...OfficialModels.refs(member));
      }
    }
    return seen;
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

export type Finding = {
  level: 'stricter' | 'info' | 'exception' | 'match';
  /** The official model.field (or operation(parameter)) concerned. */
  official: string;
  /** Our JSON pointer. */
  pointer: string;
  message: string;
  evidence?: string;
};

export type Where = {
  official: string;
  /** Set when the shape is a parameter's schema: where the parameter travels. */
  parameter?: 'query' | 'path' | 'header';
  /** Values a closed enum of ours may be limited to here: the official `oneOf`'s discriminator. */
  discriminator?: Set<string>;
  /** Set while comparing a member of a discriminated official `oneOf`: for its fields. */
  memberOf?: Set<string>;
};

/**
 * What the official Python client puts in the query for a `datetime`
 * (`strftime('%Y-%m-%dT%H:%M:%S.%f%z')`): an aware time with a `+HHMM` offset, a naive one
 * with none. A date-time parameter of ours must accept both.
 */
export const officialDateTimeQueryValues = [
  '2025-01-01T00:00:00.000000+0000',
  '2025-01-01T12:30:00.123456-0530',
  '2025-01-01T00:00:00.000000',
];

/** RFC 3339 `date-time` as ajv-formats checks it: the offset needs its colon. */
const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/;

export type Comparison = {
  ours: OurSchemas;
  official: OfficialModels;
  /** Our component standing for an official model, if it exists. */
  counterpart: (official: string) => string | undefined;
};

const typeList = (types: Set<JsonType> | undefined) =>
  types === undefined ? 'any type' : [...types].join('|');

const describe = (shape: Shape): string => {
  if (shape.ref !== undefined) {
    return shape.ref;
  }
  if (shape.anyOf) {
    return shape.anyOf.map(describe).join(' | ');
  }
  if (shape.items) {
    return `array<${describe(shape.items)}>`;
  }
  if (typeof shape.additional === 'object') {
    return `map<${describe(shape.additional)}>`;
  }
  return `${typeList(shape.types)}${shape.format ? `:${shape.format}` : ''}`;
};

const isStricter = (finding: Finding) => finding.level === 'stricter';

/**
 * Compares an official shape with ours. The `stricter` findings are the places where ours
 * refuses a value the official client accepts; an `x-stricter-than-official` on our side turns
 * them into one `exception` finding carrying the evidence.
 */
export function compare(
  c: Comparison,
  official: Shape,
  ours: Shape,
  where: Where,
  stack: ReadonlySet<string> = new Set(),
): Finding[] {
  if (ours.exception === undefined) {
    return compareInner(c, official, ours, where, stack);
  }
  const found = compareInner(c, official, { ...ours, exception: undefined }, where, stack);
  const excused = found.filter(isStricter);
  if (excused.length === 0) {
    return found;
  }
  return [
    ...found.filter((finding) => !isStricter(finding)),
    {
      level: 'exception',
      official: where.official,
      pointer: ours.exception.at,
      message: excused.map((finding) => `${finding.pointer}: ${finding.message}`).join('; '),
      evidence: ours.exception.evidence,
    },
  ];
}

function compareInner(
  c: Comparison,
  official: Shape,
  ours: Shape,
  where: Where,
  stack: ReadonlySet<string>,
): Finding[] {
  const counterpart = official.ref === undefined ? undefined : c.counterpart(official.ref);
  if (counterpart !== undefined && ours.ref === counterpart) {
    return []; // the two models are compared with each other, field by field
  }
  if (ours.ref !== undefined) {
    return compare(c, official, c.ours.component(ours.ref), where, stack);
  }
  if (official.ref !== undefined) {
    const name = official.ref;
    if (!c.official.has(name)) {
      const message = `official model ${name} is not in the fixture; not compared`;
      return [{ level: 'info', official: where.official, pointer: ours.at, message }];
    }
    const model = c.official.model(name);
    // An official model with a counterpart may match one member of a union of ours by name.
    if (!(ours.anyOf && counterpart !== undefined && !model.anyOf)) {
      const key = `${name} ${ours.at}`;
      if (stack.has(key)) {
        return [];
      }
      const inline: Finding[] =
        counterpart === undefined
          ? [{ level: 'match', official: name, pointer: ours.at, message: 'compared inline' }]
          : [];
      const memberOf = c.official.discriminated.get(name);
      const inner = { official: name, parameter: where.parameter, memberOf };
      return [...inline, ...compare(c, model, ours, inner, new Set([...stack, key]))];
    }
  }
  if (official.anyOf) {
    return official.anyOf.flatMap((member) => compare(c, member, ours, where, stack));
  }
  if (ours.never) {
    const message = `ours forbids this value; official accepts ${describe(official)}`;
    return [{ level: 'stricter', official: where.official, pointer: ours.at, message }];
  }
  const resolved = official.ref === undefined ? official : c.official.model(official.ref);
  const own = compareOwn(c, resolved, ours, where, stack);
  if (!ours.anyOf) {
    return own;
  }
  // The member that accepts with the fewest remarks (a member matched by name has none).
  const candidates = ours.anyOf.map((member) => compare(c, official, member, where, stack));
  const accepted = candidates.filter((found) => !found.some(isStricter));
  if (accepted.length > 0) {
    return [
      ...own,
      ...accepted.reduce((best, found) => (found.length < best.length ? found : best)),
    ];
  }
  // Otherwise report the member closest to it: fewest differences, a type mismatch counting most.
  const score = (found: Finding[]) =>
    found.filter(isStricter).length +
    (found.some((f) => isStricter(f) && f.message.startsWith('type narrower')) ? 100 : 0);
  const closest = candidates.reduce((best, found) => (score(found) < score(best) ? found : best));
  const reasons = closest
    .filter(isStricter)
    .map((finding) => `${finding.pointer}: ${finding.message}`)
    .join('; ');
  return [
    ...own,
    ...closest.filter((finding) => finding.level === 'match'),
    {
      level: 'stricter',
      official: where.official,
      pointer: ours.at,
      message: `no member of our union accepts official ${describe(official)} (closest: ${reasons})`,
    },
  ];
}

function compareOwn(
  c: Comparison,
  official: Shape,
  ours: Shape,
  where: Where,
  stack: ReadonlySet<string>,
): Finding[] {
  const found: Finding[] = [];
  const stricter = (message: string) =>
    found.push({ level: 'stricter', official: where.official, pointer: ours.at, message });

  // Types. Ours `number` accepts an official `integer`; ours `integer` refuses an official `number`.
  if (official.types === undefined) {
    if (ours.types !== undefined || ours.enum !== undefined) {
      stricter(`type narrower: official accepts any JSON value, ours ${typeList(ours.types)}`);
    }
  } else if (ours.types !== undefined) {
    const refused = [...official.types].filter(
      (type) => !(ours.types?.has(type) || (type === 'integer' && ours.types?.has('number'))),
    );
    if (refused.length > 0) {
      stricter(
        refused.length === 1 && refused[0] === 'null'
          ? 'official accepts null (a Python Optional field), ours does not'
          : `type narrower: official ${typeList(official.types)}, ours ${typeList(ours.types)}`,
      );
      return found;
    }
  }

  // Enums: a closed enum of ours must hold every official value.
  if (ours.enum !== undefined) {
    const officialValues =
      official.enum ??
      (official.types?.size === 1 && official.types.has('null') ? [null] : undefined);
    if (officialValues !== undefined) {
      const lacking = officialValues.filter((value) => !ours.enum?.some((v) => same(v, value)));
      if (lacking.length > 0) {
        stricter(`closed enum lacks official values ${JSON.stringify(lacking)}`);
      }
    } else if (!ours.enum.every((value) => where.discriminator?.has(String(value)))) {
      stricter(
        `closed enum ${JSON.stringify(ours.enum)} where official is any ${typeList(official.types)}`,
      );
    }
  }

  // Formats, and what the official client sends for a date-time query parameter.
  const dateTimeParameter = where.parameter !== undefined && official.format === 'date-time';
  const isString = official.types === undefined || official.types.has('string');
  if (isString && ours.format !== undefined && ours.format !== official.format) {
    stricter(
      official.format === undefined
        ? `format: ${ours.format} where official is a plain string`
        : `format: ${ours.format} where official is ${official.format}`,
    );
  }
  if (dateTimeParameter) {
    const refused = officialDateTimeQueryValues.filter(
      (value) =>
        (ours.format === 'date-time' && !rfc3339.test(value)) ||
        (ours.bounds.pattern !== undefined && !new RegExp(ours.bounds.pattern, 'u').test(value)),
    );
    if (refused.length > 0) {
      stricter(`refuses date-times the official client sends: ${refused.join(', ')}`);
    }
  }
  for (const message of boundsStricter(ours.bounds, official.bounds, where, dateTimeParameter)) {
    stricter(message);
  }

  // Arrays: item by item.
  if (ours.items && (official.types === undefined || official.types.has('array'))) {
    const items = official.items ?? anyShape(`${where.official}[]`);
    const inner = { official: `${where.official}[]`, parameter: where.parameter };
    found.push(...compare(c, items, ours.items, inner, stack));
  }

  // Objects: field by field.
  if (official.types?.has('object')) {
    found.push(...compareObject(c, official, ours, where, stack));
  }
  return found;
}

/** The bounds of ours that refuse values the official bounds allow. */
export function boundsStricter(
  ours: Bounds,
  official: Bounds,
  where: Pick<Where, 'parameter'>,
  dateTimeParameter = false,
): string[] {
  const found: string[] = [];
  const none = (value: number | undefined) => (value === undefined ? 'none' : String(value));
  // A lower bound of 0 on a count or size is allowed. An empty path parameter cannot be sent
  // at all (the empty segment changes the route), so `minLength: 1` is no stricter there.
  const floors = { minLength: where.parameter === 'path' ? 1 : 0, minItems: 0, minProperties: 0 };
  for (const key of ['minLength', 'minItems', 'minProperties'] as const) {
    const value = ours[key];
    if (value !== undefined && value > (official[key] ?? floors[key])) {
      found.push(`${key}: ${value} where official has ${none(official[key])}`);
    }
  }
  for (const key of ['maxLength', 'maxItems', 'maxProperties', 'maximum'] as const) {
    const value = ours[key];
    const limit = official[key];
    if (value !== undefined && (limit === undefined || value < limit)) {
      found.push(`${key}: ${value} where official has ${none(limit)}`);
    }
  }
  if (ours.exclusiveMaximum !== undefined) {
    const limit = official.exclusiveMaximum ?? official.maximum;
    if (limit === undefined || ours.exclusiveMaximum <= limit) {
      found.push(`exclusiveMaximum: ${ours.exclusiveMaximum} where official has ${none(limit)}`);
    }
  }
  const officialFloor = official.minimum ?? official.exclusiveMinimum;
  if (ours.minimum !== undefined && ours.minimum > (officialFloor ?? 0)) {
    found.push(`minimum: ${ours.minimum} where official has ${none(officialFloor)}`);
  }
  if (ours.exclusiveMinimum !== undefined) {
    const refuses =
      official.exclusiveMinimum !== undefined
        ? ours.exclusiveMinimum > official.exclusiveMinimum
        : ours.exclusiveMinimum >= (official.minimum ?? 0);
    if (refuses) {
      found.push(
        `exclusiveMinimum: ${ours.exclusiveMinimum} where official has ${none(officialFloor)}`,
      );
    }
  }
  if (ours.multipleOf !== undefined && ours.multipleOf !== official.multipleOf) {
    found.push(`multipleOf: ${ours.multipleOf} where official has none`);
  }
  if (ours.pattern !== undefined && ours.pattern !== official.pattern && !dateTimeParameter) {
    found.push(`pattern ${ours.pattern} where official has none`);
  }
  if (ours.uniqueItems && !official.uniqueItems) {
    found.push('uniqueItems: true where the official client sends any list, duplicates included');
  }
  return found;
}

function compareObject(
  c: Comparison,
  official: Shape,
  ours: Shape,
  where: Where,
  stack: ReadonlySet<string>,
): Finding[] {
  const found: Finding[] = [];
  const add = (level: Finding['level'], official: string, pointer: string, message: string) =>
    found.push({ level, official, pointer, message });
  // A union of ours carries its fields in its members; they are compared there.
  const fieldsHere = !ours.anyOf || Object.keys(ours.properties).length > 0;
  for (const [field, officialField] of Object.entries(official.properties)) {
    const name = `${where.official}.${field}`;
    const pointer = `${ours.at}/properties/${escapeKey(field)}`;
    const ourField = ours.properties[field];
    if (ours.required.has(field) && !official.required.has(field)) {
      add('stricter', name, pointer, 'ours requires it; official marks it not required');
    }
    if (!fieldsHere) {
      continue;
    }
    const inner: Where = { official: name, discriminator: where.memberOf };
    if (ourField) {
      found.push(...compare(c, officialField, ourField, inner, stack));
    } else if (ours.additional === false) {
      add('stricter', name, pointer, 'ours lacks the field and forbids extra properties');
    } else if (typeof ours.additional === 'object') {
      found.push(...compare(c, officialField, ours.additional, inner, stack));
    } else {
      const message = `ours lacks the field (official ${describe(officialField)}); generated types miss it`;
      add('info', name, pointer, message);
    }
  }
  for (const field of ours.required) {
    if (!(field in official.properties)) {
      const message = `ours requires ${field}, which official ${where.official} does not declare`;
      add('stricter', where.official, `${ours.at}/required`, message);
    }
  }
  if (official.additional !== false && ours.additional === false) {
    add(
      'stricter',
      where.official,
      ours.at,
      'ours forbids extra properties; official accepts them',
    );
  } else if (typeof official.additional === 'object' && typeof ours.additional === 'object') {
    const inner = { official: `${where.official}.*` };
    found.push(...compare(c, official.additional, ours.additional, inner, stack));
  }
  return found;
}
