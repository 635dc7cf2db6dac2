import { type Code, call, literal, object, raw } from './code.js';
import { EmitError } from './emit-error.js';

export type JsonSchema = boolean | { [keyword: string]: unknown };

/** What the schema emitter needs from the module being built. */
export interface SchemaContext {
  /** The expression that stands for component schema `name` where it is referenced. */
  reference(name: string, pointer: string): Code;
  /** The component schema `name`, to look through `$ref`s when reasoning about unions. */
  component(name: string): JsonSchema | undefined;
}

const componentRef = /^#\/components\/schemas\/([^/]+)$/;

/** Keywords that describe but never constrain: carried over as schema options. */
const annotations = new Set([
  'title',
  'description',
  'deprecated',
  'readOnly',
  'writeOnly',
  'default',
  'examples',
  'example',
  '$comment',
  'contentEncoding',
  'contentMediaType',
  'externalDocs',
]);

const stringKeywords = ['format', 'minLength', 'maxLength', 'pattern'];
const numberKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const arrayKeywords = ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems'];
const objectKeywords = ['properties', 'required', 'additionalProperties'];
const compositionKeywords = ['oneOf', 'anyOf', 'allOf', 'discriminator'];

/** Every keyword the emitter translates; anything else fails generation. */
const supported = new Set([
  ...annotations,
  ...stringKeywords,
  ...numberKeywords,
  ...arrayKeywords,
  ...objectKeywords,
  ...compositionKeywords,
  '$ref',
  'type',
  'enum',
  'const',
  'not',
]);

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const child = (pointer: string, ...tokens: (string | number)[]) =>
  [pointer, ...tokens.map((token) => escapeToken(String(token)))].join('/');

function optionsOf(schema: Record<string, unknown>, keys: Iterable<string>): Code | undefined {
  const entries: [string, Code][] = [];
  for (const key of keys) {
    if (schema[key] !== undefined) {
      entries.push([key, literal(schema[key])]);
    }
  }
  return entries.length > 0 ? object(entries) : undefined;
}

const withOptions = (callee: string, args: Code[], options: Code | undefined) =>
  call(callee, ...args, ...(options ? [options] : []));

/** Merges extra option entries (e.g. a `not` subschema) into an options object. */
function mergeOptions(options: Code | undefined, extra: [string, Code][]): Code | undefined {
  const entries = [...(options?.kind === 'object' ? options.entries : []), ...extra];
  return entries.length > 0 ? object(entries) : undefined;
}

/**
 * Translates one JSON Schema (OpenAPI 3.1 dialect) into a TypeBox 1.x builder expression.
 * `pointer` is the schema's location in the document, used in every error.
 */
export function emitSchema(schema: JsonSchema, pointer: string, context: SchemaContext): Code {
  if (schema === true) {
    return call('Type.Unknown');
  }
  if (schema === false) {
    return call('Type.Never');
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new EmitError(pointer, '(schema)', 'a schema must be an object or a boolean');
  }
  for (const keyword of Object.keys(schema)) {
    if (keyword === 'nullable') {
      throw new EmitError(
        pointer,
        keyword,
        'OpenAPI 3.0 `nullable` is not 3.1; use `type: [T, "null"]`',
      );
    }
    if (!supported.has(keyword) && !keyword.startsWith('x-')) {
      throw new EmitError(pointer, keyword, 'the keyword is not supported by the emitter');
    }
  }
  const notEntry: [string, Code][] =
    schema.not === undefined
      ? []
      : [['not', emitSchema(schema.not as JsonSchema, child(pointer, 'not'), context)]];
  const options = mergeOptions(optionsOf(schema, annotations), notEntry);

  if (typeof schema.$ref === 'string') {
    const constraints = Object.keys(schema).filter(
      (keyword) => keyword !== '$ref' && !annotations.has(keyword) && !keyword.startsWith('x-'),
    );
    if (constraints.length > 0) {
      const { $ref, ...rest } = schema;
      return call(
        'Type.Intersect',
        literalArray([
          referenceTo($ref as string, pointer, context),
          emitSchema(rest, pointer, context),
        ]),
      );
    }
    return referenceTo(schema.$ref, pointer, context);
  }

  if (schema.oneOf !== undefined || schema.anyOf !== undefined || schema.allOf !== undefined) {
    return emitComposition(schema, pointer, context, options);
  }
  if (schema.discriminator !== undefined) {
    throw new EmitError(
      pointer,
      'discriminator',
      '`discriminator` needs `oneOf` or `anyOf` beside it',
    );
  }
  if (schema.enum !== undefined) {
    return emitEnum(schema, pointer, options);
  }
  if (schema.const !== undefined) {
    return emitConst(schema.const, pointer, options);
  }

  const types = typesOf(schema, pointer);
  if (types.length === 0) {
    const constraintKeys = [
      ...stringKeywords,
      ...numberKeywords,
      ...arrayKeywords,
      ...objectKeywords,
    ];
    const present = constraintKeys.find((keyword) => schema[keyword] !== undefined);
    if (present) {
      throw new EmitError(
        pointer,
        present,
        `\`${present}\` without \`type\` applies only to some JSON types; state the \`type\``,
      );
    }
    return withOptions('Type.Unknown', [], options);
  }
  if (types.length === 1) {
    return emitTyped(types[0] as string, schema, pointer, context, options);
  }
  return withOptions(
    'Type.Union',
    [literalArray(types.map((type) => emitTyped(type, schema, pointer, context, undefined)))],
    options,
  );
}

const literalArray = (items: Code[]): Code => ({ kind: 'array', items });

function referenceTo(ref: string, pointer: string, context: SchemaContext): Code {
  const match = componentRef.exec(ref);
  if (!match) {
    throw new EmitError(
      pointer,
      '$ref',
      `only local component references are supported, got ${ref}`,
    );
  }
  const name = decodeURIComponent(match[1] as string)
    .replaceAll('~1', '/')
    .replaceAll('~0', '~');
  if (context.component(name) === undefined) {
    throw new EmitError(pointer, '$ref', `no component schema named ${name}`);
  }
  return context.reference(name, pointer);
}

function typesOf(schema: Record<string, unknown>, pointer: string): string[] {
  const type = schema.type;
  if (type === undefined) {
    return [];
  }
  const list = Array.isArray(type) ? type : [type];
  const known = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];
  for (const item of list) {
    if (typeof item !== 'string' || !known.includes(item)) {
      throw new EmitError(child(pointer, 'type'), 'type', `unknown type ${JSON.stringify(item)}`);
    }
  }
  return list as string[];
}

function emitTyped(
  type: string,
  schema: Record<string, unknown>,
  pointer: string,
  context: SchemaContext,
  options: Code | undefined,
): Code {
  const own = (keys: string[]) =>
    mergeOptions(optionsOf(schema, keys), options?.kind === 'object' ? options.entries : []);
  switch (type) {
    case 'string':
      return withOptions('Type.String', [], own(stringKeywords));
    case 'number':
      return withOptions('Type.Number', [], own(numberKeywords));
    case 'integer':
      return withOptions('Type.Integer', [], own(numberKeywords));
    case 'boolean':
      return withOptions('Type.Boolean', [], options);
    case 'null':
      return withOptions('Type.Null', [], options);
    case 'array':
      return emitArray(schema, pointer, context, own(['minItems', 'maxItems', 'uniqueItems']));
    default:
      return emitObject(schema, pointer, context, options);
  }
}

function emitArray(
  schema: Record<string, unknown>,
  pointer: string,
  context: SchemaContext,
  options: Code | undefined,
): Code {
  const items =
    schema.items === undefined
      ? call('Type.Unknown')
      : emitSchema(schema.items as JsonSchema, child(pointer, 'items'), context);
  if (schema.prefixItems === undefined) {
    return withOptions('Type.Array', [items], options);
  }
  if (!Array.isArray(schema.prefixItems)) {
    throw new EmitError(
      child(pointer, 'prefixItems'),
      'prefixItems',
      'must be an array of schemas',
    );
  }
  const prefix = schema.prefixItems.map((item, index) =>
    emitSchema(item as JsonSchema, child(pointer, 'prefixItems', index), context),
  );
  // A closed tuple (`items: false`) is TypeBox's Tuple; an open tail keeps `prefixItems` as an
  // option of an Array, whose static type is then the tail's.
  if (schema.items === false) {
    return withOptions('Type.Tuple', [literalArray(prefix)], options);
  }
  return withOptions(
    'Type.Array',
    [items],
    mergeOptions(options, [['prefixItems', literalArray(prefix)]]),
  );
}

function emitObject(
  schema: Record<string, unknown>,
  pointer: string,
  context: SchemaContext,
  options: Code | undefined,
): Code {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const additional = schema.additionalProperties as JsonSchema | undefined;
  const names = [
    ...Object.keys(properties),
    ...[...required].filter((name) => !(name in properties)),
  ];

  if (names.length === 0 && additional !== false) {
    const value =
      additional === undefined || additional === true
        ? call('Type.Unknown')
        : emitSchema(additional, child(pointer, 'additionalProperties'), context);
    return withOptions('Type.Record', [call('Type.String'), value], options);
  }
  const entries: [string, Code][] = names.map((name) => {
    const value =
      name in properties
        ? emitSchema(properties[name] as JsonSchema, child(pointer, 'properties', name), context)
        : call('Type.Unknown');
    return [name, required.has(name) ? value : call('Type.Optional', value)];
  });
  const extra: [string, Code][] =
    additional === undefined
      ? []
      : [
          [
            'additionalProperties',
            typeof additional === 'boolean'
              ? raw(String(additional))
              : emitSchema(additional, child(pointer, 'additionalProperties'), context),
          ],
        ];
  return withOptions('Type.Object', [object(entries)], mergeOptions(options, extra));
}

function emitEnum(
  schema: Record<string, unknown>,
  pointer: string,
  options: Code | undefined,
): Code {
  const values = schema.enum;
  if (!Array.isArray(values) || values.length === 0) {
    throw new EmitError(child(pointer, 'enum'), 'enum', 'must be a non-empty array');
  }
  const types = typesOf(schema, pointer);
  for (const value of values) {
    const jsonType = value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
    const allowed =
      types.length === 0 ||
      types.includes(jsonType) ||
      (jsonType === 'integer' && types.includes('number'));
    if (!allowed || (typeof value === 'object' && value !== null)) {
      throw new EmitError(
        child(pointer, 'enum'),
        'enum',
        `value ${JSON.stringify(value)} does not fit \`type\``,
      );
    }
  }
  if (values.every((value) => typeof value === 'string' || typeof value === 'number')) {
    return withOptions('Type.Enum', [literal(values)], options);
  }
  return withOptions(
    'Type.Union',
    [
      literalArray(
        values.map((value) =>
          value === null ? call('Type.Null') : call('Type.Literal', literal(value)),
        ),
      ),
    ],
    options,
  );
}

function emitConst(value: unknown, pointer: string, options: Code | undefined): Code {
  if (value === null) {
    return withOptions('Type.Null', [], options);
  }
  if (typeof value === 'object') {
    throw new EmitError(
      child(pointer, 'const'),
      'const',
      'only string, number, boolean and null constants are supported',
    );
  }
  return withOptions('Type.Literal', [literal(value)], options);
}

function emitComposition(
  schema: Record<string, unknown>,
  pointer: string,
  context: SchemaContext,
  options: Code | undefined,
): Code {
  const present = ['oneOf', 'anyOf', 'allOf'].filter((keyword) => schema[keyword] !== undefined);
  if (present.length > 1) {
    throw new EmitError(
      pointer,
      present[1] as string,
      `combining ${present.join(' and ')} in one schema`,
    );
  }
  const keyword = present[0] as 'oneOf' | 'anyOf' | 'allOf';
  const branches = schema[keyword];
  if (!Array.isArray(branches) || branches.length === 0) {
    throw new EmitError(child(pointer, keyword), keyword, 'must be a non-empty array of schemas');
  }
  // Other constraints beside the composition: a lone `type` travels as an option (exact, and the
  // static type stays the union's); anything more becomes an intersection with the rest.
  const rest = Object.fromEntries(
    Object.entries(schema).filter(
      ([key]) =>
        !compositionKeywords.includes(key) &&
        !annotations.has(key) &&
        key !== 'not' &&
        !key.startsWith('x-'),
    ),
  );
  const restKeys = Object.keys(rest);
  const typeOption: [string, Code][] =
    restKeys.length === 1 && restKeys[0] === 'type' ? [['type', literal(rest.type)]] : [];
  const ownOptions = mergeOptions(options, typeOption);

  const discriminator = schema.discriminator as
    | { propertyName?: string; mapping?: Record<string, string> }
    | undefined;
  if (discriminator !== undefined && keyword === 'allOf') {
    throw new EmitError(
      child(pointer, 'discriminator'),
      'discriminator',
      'only `oneOf` and `anyOf` can be discriminated',
    );
  }
  const objectSibling =
    keyword === 'allOf' &&
    branches.some((branch) => jsonTypes(branch as JsonSchema, context)?.has('object'));
  const members = branches.map((branch, index) => {
    const memberPointer = child(pointer, keyword, index);
    // In an `allOf` whose other part asserts an object, an untyped part with object keywords
    // only ever sees objects, so stating `type: object` for it changes nothing.
    const typed =
      objectSibling &&
      typeof branch === 'object' &&
      branch.type === undefined &&
      objectKeywords.some((key) => key in branch)
        ? { ...branch, type: 'object' }
        : (branch as JsonSchema);
    const code = emitSchema(typed, memberPointer, context);
    if (discriminator === undefined) {
      return code;
    }
    return tagMember(branch as JsonSchema, code, discriminator, memberPointer, context);
  });

  let composed: Code;
  if (keyword === 'allOf') {
    composed = withOptions('Type.Intersect', [literalArray(members)], ownOptions);
  } else if (
    keyword === 'anyOf' ||
    discriminator !== undefined ||
    pairwiseDisjoint(branches as JsonSchema[], context)
  ) {
    // Branches that cannot overlap (a discriminator's tags, or distinct JSON types) make
    // `oneOf` and `anyOf` accept the same values, so TypeBox's Union is exact.
    composed = withOptions('Type.Union', [literalArray(members)], ownOptions);
  } else {
    composed = withOptions('OneOf', [literalArray(members)], ownOptions);
  }
  if (restKeys.length > 0 && typeOption.length === 0) {
    return call('Type.Intersect', literalArray([emitSchema(rest, pointer, context), composed]));
  }
  return composed;
}

/** The literal tag a discriminated member must carry; added when the member lacks it. */
function tagMember(
  branch: JsonSchema,
  code: Code,
  discriminator: { propertyName?: string; mapping?: Record<string, string> },
  pointer: string,
  context: SchemaContext,
): Code {
  const property = discriminator.propertyName;
  if (typeof property !== 'string') {
    throw new EmitError(pointer, 'discriminator', '`propertyName` is required');
  }
  const ref =
    typeof branch === 'object' && typeof branch.$ref === 'string' ? branch.$ref : undefined;
  const mapped = Object.entries(discriminator.mapping ?? {}).filter(([, target]) => target === ref);
  const implicit = ref ? componentRef.exec(ref)?.[1] : undefined;
  const tags = mapped.length > 0 ? mapped.map(([tag]) => tag) : implicit ? [implicit] : [];
  const carried = constOf(branch, property, context, new Set());
  if (carried !== undefined) {
    if (tags.length > 0 && mapped.length > 0 && !tags.includes(String(carried))) {
      throw new EmitError(
        pointer,
        'discriminator',
        `mapping says ${tags.join(', ')} but the member's ${property} is ${JSON.stringify(carried)}`,
      );
    }
    return code;
  }
  if (tags.length === 0) {
    throw new EmitError(
      pointer,
      'discriminator',
      `member has no \`${property}\` constant and no mapping`,
    );
  }
  const tag =
    tags.length === 1
      ? call('Type.Literal', literal(tags[0]))
      : call('Type.Union', literalArray(tags.map((value) => call('Type.Literal', literal(value)))));
  return call(
    'Type.Intersect',
    literalArray([code, call('Type.Object', object([[property, tag]]))]),
  );
}

function resolve(schema: JsonSchema, context: SchemaContext): JsonSchema {
  if (typeof schema === 'object' && typeof schema.$ref === 'string') {
    const name = componentRef.exec(schema.$ref)?.[1];
    const target = name ? context.component(name) : undefined;
    return target ?? schema;
  }
  return schema;
}

function constOf(
  schema: JsonSchema,
  property: string,
  context: SchemaContext,
  seen: Set<JsonSchema>,
): unknown {
  const resolved = resolve(schema, context);
  if (typeof resolved !== 'object' || seen.has(resolved)) {
    return undefined;
  }
  seen.add(resolved);
  const own = (resolved.properties as Record<string, JsonSchema> | undefined)?.[property];
  if (typeof own === 'object') {
    if (own.const !== undefined) {
      return own.const;
    }
    if (Array.isArray(own.enum) && own.enum.length === 1) {
      return own.enum[0];
    }
  }
  for (const part of (resolved.allOf ?? []) as JsonSchema[]) {
    const found = constOf(part, property, context, seen);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** The JSON types a schema can accept, or undefined when that is not evident. */
function jsonTypes(
  schema: JsonSchema,
  context: SchemaContext,
  seen = new Set<JsonSchema>(),
): Set<string> | undefined {
  const resolved = resolve(schema, context);
  if (typeof resolved !== 'object' || seen.has(resolved)) {
    return undefined;
  }
  seen.add(resolved);
  const normalise = (type: string) => (type === 'integer' ? 'number' : type);
  if (resolved.type !== undefined) {
    return new Set((Array.isArray(resolved.type) ? resolved.type : [resolved.type]).map(normalise));
  }
  if (resolved.const !== undefined) {
    return new Set([
      resolved.const === null
        ? 'null'
        : Array.isArray(resolved.const)
          ? 'array'
          : typeof resolved.const,
    ]);
  }
  for (const keyword of ['allOf']) {
    for (const part of (resolved[keyword] ?? []) as JsonSchema[]) {
      const found = jsonTypes(part, context, seen);
      if (found) {
        return found;
      }
    }
  }
  for (const keyword of ['oneOf', 'anyOf']) {
    const parts = resolved[keyword] as JsonSchema[] | undefined;
    if (parts) {
      const union = new Set<string>();
      for (const part of parts) {
        const found = jsonTypes(part, context, seen);
        if (!found) {
          return undefined;
        }
        for (const type of found) {
          union.add(type);
        }
      }
      return union;
    }
  }
  return undefined;
}

function pairwiseDisjoint(branches: JsonSchema[], context: SchemaContext): boolean {
  const sets = branches.map((branch) => jsonTypes(branch, context));
  if (sets.some((set) => set === undefined)) {
    return false;
  }
  const seen = new Set<string>();
  for (const set of sets as Set<string>[]) {
    for (const type of set) {
      if (seen.has(type)) {
        return false;
      }
    }
    for (const type of set) {
      seen.add(type);
    }
  }
  return true;
}
