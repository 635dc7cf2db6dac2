import { describe, expect, it } from 'vitest';
import { findJsonError, parseSchemaJson, SchemaParseError } from '../src/schema-json.js';

// The locator behind SchemaParseError: it must agree with JSON.parse on what is valid, and
// point at the character where the text stops being JSON.

const accepts = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonError', () => {
  it.each([
    ['{}', undefined],
    [' [1, -2.5e+3, "a\\u00e9\\n", true, false, null, {"k": []}] ', undefined],
    ['{"a":}', 5],
    ['{"a" 1}', 5],
    ['{a:1}', 1],
    ['[1,]', 3],
    ['[1 2]', 3],
    ['{"a":1,}', 7],
    ['"open', 5],
    ['"bad \\x"', 5],
    ['"tab\there"', 4],
    ['01', 1],
    ['[.5]', 1],
    ['{"a":1}}', 7],
    ['', 0],
    ['[', 1],
    ['nul', 0],
    [`[${'9'.repeat(1000)}]`, undefined],
    ['-', 0],
  ])('%j -> %s', (text, position) => {
    expect(findJsonError(text)?.position).toBe(position);
    expect(findJsonError(text) === undefined).toBe(accepts(text));
  });

  it('agrees with JSON.parse on mutations of a schema', () => {
    const source = JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        turns: { type: 'array', items: { type: ['string', 'null'] } },
        n: { minimum: -1.5e3 },
      },
      required: ['turns'],
      additionalProperties: false,
    });
    const pieces = [
      '',
      ',',
      ':',
      '"',
      '{',
      '}',
      '[',
      ']',
      ' ',
      '\\',
      '0',
      '-',
      'e',
      'n',
      '\n',
      '.',
    ];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 3000; round += 1) {
      const at = random(source.length + 1);
      const cut = random(3);
      const text =
        source.slice(0, at) + (pieces[random(pieces.length)] as string) + source.slice(at + cut);
      expect(findJsonError(text) === undefined, text).toBe(accepts(text));
    }
  });

  it('does not overflow the stack on deep nesting', () => {
    const deep = '['.repeat(200_000);
    expect(findJsonError(deep)).toEqual({
      position: 200_000,
      reason: 'expected a value but found the end of the text',
    });
  });
});

describe('parseSchemaJson', () => {
  it('counts lines and columns from 1', () => {
    try {
      parseSchemaJson('s1', '{\n"a": tru\n}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaParseError);
      expect((error as SchemaParseError).location).toEqual({ position: 7, line: 2, column: 6 });
    }
  });
});
