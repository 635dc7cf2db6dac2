// A tiny code model, so that the emitter builds structure and one printer decides the layout.

/** An expression of the generated module. */
export type Code =
  | { kind: 'raw'; text: string }
  | { kind: 'call'; callee: string; args: Code[] }
  | { kind: 'object'; entries: [key: string, value: Code][] }
  | { kind: 'array'; items: Code[] };

export const raw = (text: string): Code => ({ kind: 'raw', text });
export const call = (callee: string, ...args: Code[]): Code => ({ kind: 'call', callee, args });
export const object = (entries: [string, Code][]): Code => ({ kind: 'object', entries });
export const array = (items: Code[]): Code => ({ kind: 'array', items });

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JavaScript literal for a JSON value. */
export function literal(value: unknown): Code {
  if (Array.isArray(value)) {
    return array(value.map(literal));
  }
  if (value !== null && typeof value === 'object') {
    return object(Object.entries(value).map(([key, item]) => [key, literal(item)]));
  }
  return raw(JSON.stringify(value));
}

const propertyKey = (key: string) => (identifier.test(key) ? key : JSON.stringify(key));

function inline(code: Code): string {
  switch (code.kind) {
    case 'raw':
      return code.text;
    case 'call':
      return `${code.callee}(${code.args.map(inline).join(', ')})`;
    case 'array':
      return `[${code.items.map(inline).join(', ')}]`;
    case 'object':
      return code.entries.length === 0
        ? '{}'
        : `{ ${code.entries.map(([key, value]) => `${propertyKey(key)}: ${inline(value)}`).join(', ')} }`;
  }
}

/** Prints an expression, on one line when it fits in `width`, otherwise one item per line. */
export function print(code: Code, indent = 0, width = 100): string {
  const flat = inline(code);
  if (indent + flat.length <= width && !flat.includes('\n')) {
    return flat;
  }
  const pad = '  '.repeat(indent / 2 + 1);
  const end = '  '.repeat(indent / 2);
  const next = indent + 2;
  switch (code.kind) {
    case 'raw':
      return code.text;
    case 'call':
      return `${code.callee}(\n${code.args.map((arg) => `${pad}${print(arg, next, width)},\n`).join('')}${end})`;
    case 'array':
      return `[\n${code.items.map((item) => `${pad}${print(item, next, width)},\n`).join('')}${end}]`;
    case 'object':
      return `{\n${code.entries
        .map(([key, value]) => `${pad}${propertyKey(key)}: ${print(value, next, width)},\n`)
        .join('')}${end}}`;
  }
}
