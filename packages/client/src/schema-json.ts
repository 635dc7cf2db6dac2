import { ScaleClientError } from './errors.js';

/** A JSON Schema as `schemas.getParsed` returns it: the parsed object of the schema's `json`. */
export type JsonSchemaObject = Record<string, unknown>;

/** Where a schema's `json` broke: offset into the string (0-based), and line and column (1-based). */
export interface JsonErrorLocation {
  position: number;
  line: number;
  column: number;
}

/**
 * A schema's `json` (GET /v2/schema) is missing, is not valid JSON, or is JSON but not an object.
 * `schemaId` names the schema; `location` says where the JSON broke (when it did).
 */
export class SchemaParseError extends ScaleClientError {
  override readonly name = 'SchemaParseError';
  constructor(
    /** The schema that failed to parse. */
    readonly schemaId: string,
    /** Where the JSON broke, or undefined when it parsed but is not an object (or is missing). */
    readonly location: JsonErrorLocation | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { operationId: 'getSchema' }, options);
  }
}

const whitespace = new Set([' ', '\t', '\n', '\r']);
/** A JSON number, matched where `lastIndex` says (sticky). */
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const describe = (text: string, at: number) =>
  at >= text.length ? 'the end of the text' : JSON.stringify(text[at]);

/**
 * The first syntax error of `text` as JSON (RFC 8259), or undefined when it is valid. Runs only
 * after `JSON.parse` failed, to say where: engines word (and place) their messages differently.
 * Iterative, so deep nesting cannot overflow the stack.
 */
export function findJsonError(text: string): { position: number; reason: string } | undefined {
  let at = 0;
  const stack: ('{' | '[')[] = [];
  /** A container was just opened: it may close at once, else its first entry follows. */
  let opened = false;
  const skip = () => {
    while (at < text.length && whitespace.has(text[at] as string)) {
      at += 1;
    }
  };
  const fail = (expected: string) => ({
    position: at,
    reason: `expected ${expected} but found ${describe(text, at)}`,
  });
  /** Reads a string at `at`; returns an error or undefined. */
  const string = (): { position: number; reason: string } | undefined => {
    at += 1; // the opening quote
    for (;;) {
      if (at >= text.length) {
        return { position: at, reason: 'unterminated string' };
      }
      const char = text[at] as string;
      if (char === '"') {
        at += 1;
        return undefined;
      }
      if (char < ' ') {
        return {
          position: at,
          reason: `control character U+${char.charCodeAt(0).toString(16).padStart(4, '0')} in a string (escape it)`,
        };
      }
      if (char === '\\') {
        const escaped = text[at + 1];
        if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
          at += 2;
          continue;
        }
        if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
          at += 6;
          continue;
        }
        return { position: at, reason: 'invalid escape in a string' };
      }
      at += 1;
    }
  };
  /** Reads one scalar or opens a container; returns an error or undefined. */
  const value = (): { position: number; reason: string } | undefined => {
    skip();
    const char = text[at];
    if (char === '{' || char === '[') {
      stack.push(char);
      opened = true;
      at += 1;
      return undefined;
    }
    if (char === '"') {
      return string();
    }
    numberPattern.lastIndex = at;
    const number = numberPattern.exec(text);
    if (number) {
      at += number[0].length;
      return undefined;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, at)) {
        at += literal.length;
        return undefined;
      }
    }
    return fail('a value');
  };
  /** After `{` or `,` in an object: a key, a colon, then the value. */
  const member = (): { position: number; reason: string } | undefined => {
    skip();
    if (text[at] !== '"') {
      return fail('a property name in double quotes');
    }
    const broken = string();
    if (broken) {
      return broken;
    }
    skip();
    if (text[at] !== ':') {
      return fail("':' after the property name");
    }
    at += 1;
    return value();
  };

  let broken = value();
  while (!broken) {
    const top = stack[stack.length - 1];
    const first = opened;
    opened = false;
    skip();
    if (first && top === '{') {
      if (text[at] === '}') {
        at += 1;
        stack.pop();
      } else {
        broken = member();
      }
      continue;
    }
    if (first && top === '[') {
      if (text[at] === ']') {
        at += 1;
        stack.pop();
      } else {
        broken = value();
      }
      continue;
    }
    if (top === undefined) {
      return at < text.length
        ? { position: at, reason: `unexpected ${describe(text, at)} after the JSON value` }
        : undefined;
    }
    const close = top === '{' ? '}' : ']';
    if (text[at] === close) {
      at += 1;
      stack.pop();
    } else if (text[at] === ',') {
      at += 1;
      broken = top === '{' ? member() : value();
    } else {
      broken = fail(`',' or '${close}'`);
    }
  }
  return broken;
}

/** Line and column (1-based) of an offset. */
function locate(text: string, position: number): JsonErrorLocation {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < position && index < text.length; index += 1) {
    if (text[index] === '\n') {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { position, line, column: position - lineStart + 1 };
}

/**
 * Parses a schema's `json` into an object, or throws a SchemaParseError that names the schema
 * and says where the JSON broke.
 */
export function parseSchemaJson(schemaId: string, json: string | undefined): JsonSchemaObject {
  const label = `getSchema: schema ${JSON.stringify(schemaId)}`;
  if (typeof json !== 'string') {
    throw new SchemaParseError(schemaId, undefined, `${label} has no json to parse`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    const found = findJsonError(json) ?? {
      position: json.length,
      reason: String((cause as Error).message),
    };
    const location = locate(json, found.position);
    const near = json.slice(Math.max(0, found.position - 20), found.position + 20);
    throw new SchemaParseError(
      schemaId,
      location,
      `${label} has invalid JSON at line ${location.line}, column ${location.column} (position ${location.position}): ${found.reason}, near ${JSON.stringify(near)}`,
      { cause },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed;
    throw new SchemaParseError(
      schemaId,
      undefined,
      `${label} has JSON that is ${kind}, not a JSON Schema object`,
    );
  }
  return parsed as JsonSchemaObject;
}
