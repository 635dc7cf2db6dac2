import Schema, { type Validator } from 'typebox/schema';
import { Settings } from 'typebox/system';

/** One way a value breaks its schema. */
export interface Issue {
  /** JSON pointer into the value (`""` is the value itself; a missing property points at itself). */
  path: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `format`, ...), or `status` / `contentType`. */
  keyword: string;
  /** What was expected. */
  message: string;
}

type Node = { [keyword: string]: unknown };
type Defs = Record<string, Node>;

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const jsonType = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? 'number'
        : typeof value;

// Compiled validators per schema node. A module has one context, so a node compiles one way.
const full = new WeakMap<object, Validator>();
const shallow = new WeakMap<object, Validator>();

function compile(defs: Defs, schema: Node): Validator {
  return Schema.Compile(defs as never, schema as never) as unknown as Validator;
}

function checkerOf(node: Node, defs: Defs): Validator {
  let validator = full.get(node);
  if (!validator) {
    validator = compile(defs, node);
    full.set(node, validator);
  }
  return validator;
}

/** The node's own keywords, with every subschema it applies to parts of the value made `{}`. */
function shallowOf(node: Node, defs: Defs): Validator {
  let validator = shallow.get(node);
  if (!validator) {
    const copy: Node = {};
    for (const [keyword, value] of Object.entries(node)) {
      if (
        keyword === 'anyOf' ||
        keyword === 'oneOf' ||
        keyword === 'allOf' ||
        keyword === '$defs'
      ) {
        continue;
      }
      if (keyword === 'properties' || keyword === 'patternProperties') {
        copy[keyword] = Object.fromEntries(Object.keys(value as Node).map((key) => [key, {}]));
      } else if ((keyword === 'items' || keyword === 'additionalProperties') && isObject(value)) {
        copy[keyword] = {};
      } else if (keyword === 'prefixItems') {
        copy[keyword] = (value as unknown[]).map(() => ({}));
      } else {
        copy[keyword] = value;
      }
    }
    validator = compile(defs, copy);
    shallow.set(node, validator);
  }
  return validator;
}

function toIssues(
  error: {
    keyword: string;
    instancePath: string;
    params: Record<string, unknown>;
    message: string;
  },
  base: string,
): Issue[] {
  if (error.keyword === 'required' && Array.isArray(error.params.requiredProperties)) {
    return (error.params.requiredProperties as string[]).map((name) => ({
      path: `${base}${error.instancePath}/${escapeToken(name)}`,
      keyword: 'required',
      message: `must have required property ${name}`,
    }));
  }
  return [{ path: `${base}${error.instancePath}`, keyword: error.keyword, message: error.message }];
}

/** The `const` a branch puts on each property (through `allOf` and refs), to pick likely branches. */
function tagsOf(node: Node, defs: Defs, depth = 0): Map<string, unknown> {
  const tags = new Map<string, unknown>();
  if (depth > 4) {
    return tags;
  }
  const resolved = resolve(node, defs);
  for (const [key, property] of Object.entries(
    (resolved.node.properties ?? {}) as Record<string, Node>,
  )) {
    if (isObject(property) && property.const !== undefined) {
      tags.set(key, property.const);
    }
  }
  for (const part of (resolved.node.allOf ?? []) as Node[]) {
    for (const [key, value] of tagsOf(part, resolved.defs, depth + 1)) {
      tags.set(key, value);
    }
  }
  return tags;
}

function typesOf(node: Node, defs: Defs, depth = 0): Set<string> | undefined {
  const resolved = resolve(node, defs).node;
  if (resolved.type !== undefined) {
    const list = (Array.isArray(resolved.type) ? resolved.type : [resolved.type]) as string[];
    return new Set(list.map((type) => (type === 'integer' ? 'number' : type)));
  }
  if (resolved.const !== undefined) {
    return new Set([jsonType(resolved.const)]);
  }
  if (depth < 4) {
    for (const part of (resolved.allOf ?? []) as Node[]) {
      const found = typesOf(part, defs, depth + 1);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}

/** Follows `$ref` names (and a `Type.Cyclic`'s own definitions) to the schema they stand for. */
function resolve(node: Node, defs: Defs): { node: Node; defs: Defs } {
  let current = node;
  let context = defs;
  for (let hops = 0; hops < 32; hops += 1) {
    if (isObject(current.$defs) && typeof current.$ref === 'string') {
      context = { ...context, ...(current.$defs as Defs) };
      current = context[current.$ref] as Node;
    } else if (typeof current.$ref === 'string' && context[current.$ref]) {
      current = context[current.$ref] as Node;
    } else {
      break;
    }
  }
  return { node: current, defs: context };
}

function walk(
  node: Node,
  defs: Defs,
  value: unknown,
  path: string,
  out: Issue[],
  limit: number,
): void {
  if (out.length >= limit || checkerOf(node, defs).Check(value)) {
    return;
  }
  const { node: schema, defs: context } = resolve(node, defs);
  const before = out.length;

  // The node's own keywords (type, required, enum, format, bounds, additionalProperties: false, not, ...).
  const [ok, own] = shallowOf(schema, context).Errors(value);
  if (!ok) {
    out.push(...own.flatMap((error) => toIssues(error, path)));
  }

  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Node>;
    for (const [key, child] of Object.entries(properties)) {
      if (key in value && isObject(child)) {
        walk(child, context, value[key], `${path}/${escapeToken(key)}`, out, limit);
      }
    }
    const extra = isObject(schema.additionalProperties)
      ? (schema.additionalProperties as Node)
      : undefined;
    const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Node>);
    for (const key of Object.keys(value)) {
      if (extra && !(key in properties)) {
        walk(extra, context, value[key], `${path}/${escapeToken(key)}`, out, limit);
      }
      for (const [pattern, child] of patterns) {
        if (new RegExp(pattern, 'u').test(key)) {
          walk(child, context, value[key], `${path}/${escapeToken(key)}`, out, limit);
        }
      }
    }
  }
  if (Array.isArray(value as unknown)) {
    const prefix = (schema.prefixItems ?? []) as Node[];
    (value as unknown[]).forEach((item, index) => {
      const child =
        index < prefix.length
          ? prefix[index]
          : isObject(schema.items)
            ? (schema.items as Node)
            : undefined;
      if (child) {
        walk(child, context, item, `${path}/${index}`, out, limit);
      }
    });
  }
  for (const part of (schema.allOf ?? []) as Node[]) {
    walk(part, context, value, path, out, limit);
  }
  const union = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
  if (union) {
    const keyword = schema.anyOf ? 'anyOf' : 'oneOf';
    const passing = union.filter((branch) => checkerOf(branch, context).Check(value));
    if (passing.length > 1) {
      out.push({
        path,
        keyword,
        message: `must match exactly one schema in oneOf, matches ${passing.length}`,
      });
    } else if (passing.length === 0) {
      // Explain through the branches the value was most likely meant for: same JSON type, then
      // the same tags (for example a discriminator's `type`), and otherwise all of them.
      const type = jsonType(value);
      const branchTypes = union.map((branch) => typesOf(branch, context));
      let likely = union.filter((_branch, index) => branchTypes[index]?.has(type) ?? true);
      if (likely.length === 0) {
        // No branch takes this JSON type (e.g. `type: [string, 'null']` given a number): a type error.
        const expected = [...new Set(branchTypes.flatMap((types) => [...(types ?? [])]))];
        out.push({ path, keyword: 'type', message: `must be ${expected.join(' or ')}` });
        return;
      }
      out.push({
        path,
        keyword,
        message: `must match ${keyword === 'oneOf' ? 'exactly one' : 'a'} schema in ${keyword}`,
      });
      if (isObject(value) && likely.length > 1) {
        const tagged = likely.filter((branch) => {
          const tags = tagsOf(branch, context);
          return tags.size > 0 && [...tags].every(([key, tag]) => value[key] === tag);
        });
        if (tagged.length > 0) {
          likely = tagged;
        }
      }
      for (const branch of likely) {
        walk(branch, context, value, path, out, limit);
      }
    }
  }
  if (out.length === before) {
    // Nothing more specific found: report the node as a whole (TypeBox's own account).
    const [, errors] = checkerOf(schema, context).Errors(value);
    out.push(...errors.flatMap((error) => toIssues(error, path)));
  }
}

/**
 * Every issue of `value` against `schema`. TypeBox's own error pass grows steeply on nested
 * recursive unions (seconds for one task), so the compiled `Check` finds where the value fails
 * and TypeBox's `Errors` explains only each failing node's own keywords.
 */
export function collectIssues(
  context: Defs,
  schema: Node,
  value: unknown,
  limit = Number.POSITIVE_INFINITY,
): Issue[] {
  const previous = Settings.Get().maxErrors;
  // TypeBox caps each error pass with a global setting (default 8); lift it for this call only.
  Settings.Set({ maxErrors: Number.MAX_SAFE_INTEGER });
  try {
    const out: Issue[] = [];
    walk(schema, context, value, '', out, limit);
    const seen = new Set<string>();
    return out
      .filter((issue) => {
        const key = `${issue.path}\u0000${issue.keyword}\u0000${issue.message}`;
        if (seen.has(key)) {
          return false;
        }
        seen.add(key);
        return true;
      })
      .slice(0, limit);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}
