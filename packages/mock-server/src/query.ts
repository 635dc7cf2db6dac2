/** JSON Schema fragments the query conversion looks at. */
interface SchemaLike {
  type?: unknown;
  items?: SchemaLike;
  properties?: Record<string, SchemaLike>;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function scalar(schema: SchemaLike | undefined, value: string): unknown {
  switch (schema?.type) {
    case 'integer':
    case 'number':
      return NUMBER.test(value) ? Number(value) : value;
    case 'boolean': {
      // Any letter case: the official Python clients send Python's `str(True)`, `True`/`False`.
      const lower = value.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : value;
    }
    default:
      return value;
  }
}

/**
 * Converts a query string to the JSON values the operation's query schema declares: integers and
 * numbers, booleans (`true`/`false` in any letter case, so Python's `True`/`False` too), and arrays from repeated keys (a single value becomes a
 * one-item array where the schema is an array). What does not convert stays a string (or, for
 * a repeated key whose schema is not an array, a list), so that validation reports it.
 */
export function coerceQuery(
  schema: SchemaLike | undefined,
  params: URLSearchParams,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    const property = schema?.properties?.[key];
    if (property?.type === 'array') {
      out[key] = values.map((value) => scalar(property.items, value));
    } else if (values.length === 1) {
      out[key] = scalar(property, values[0] as string);
    } else {
      out[key] = values.map((value) => scalar(property, value));
    }
  }
  return out;
}
