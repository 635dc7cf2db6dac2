import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from '../src/curl.js';
import { parseCurl, shellWords } from './support/shell.js';

const tricky = [
  'plain',
  '',
  'with space',
  "it's",
  "''",
  '"double"',
  '$HOME and `date` and $(id)',
  'back\\slash',
  'new\nline',
  'tab\there',
  '!bang',
  '*.glob?[a]',
  '{"a": [1, "b\'c"], "ü": "日本"}',
  '-starts-with-dash',
];

/** What `sh` makes of the words: each printed NUL-terminated. */
function throughShell(words: string[]): string[] {
  const result = spawnSync('sh', ['-c', `printf '%s\\0' ${words.join(' ')}`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', SCALE_API_KEY: 'k-e-y' },
  });
  return result.stdout.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('quotes every value so that sh reads it back unchanged', () => {
    expect(throughShell(tricky.map(shellQuote))).toEqual(tricky);
    expect(tricky.map(shellQuote).map((word) => shellWords(word)[0] ?? '')).toEqual(tricky);
  });

  it('leaves safe words bare', () => {
    expect(shellQuote('http://127.0.0.1:80/v2/tasks')).toBe('http://127.0.0.1:80/v2/tasks');
    expect(shellQuote('a&b')).toBe("'a&b'");
  });
});

describe('curlCommand', () => {
  const line = curlCommand({
    method: 'POST',
    url: 'http://127.0.0.1:4010/v2/batch?x=1&y=%24HOME',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    secretHeaders: { authorization: 'Bearer $SCALE_API_KEY' },
    body: `{"name":"it's $HOME \`x\`"}`,
  });

  it('writes a curl line with the key as a variable reference', () => {
    expect(line).toBe(
      `curl -sS -i -g --path-as-is -X POST 'http://127.0.0.1:4010/v2/batch?x=1&y=%24HOME' -H 'accept: application/json' -H 'content-type: application/json' -H "authorization: Bearer $SCALE_API_KEY" --data-raw '{"name":"it'\\''s $HOME \`x\`"}'`,
    );
  });

  it('is read by sh as the request, the key taken from the environment', () => {
    const words = throughShell([line.slice('curl '.length)]);
    expect(words).toEqual([
      '-sS',
      '-i',
      '-g',
      '--path-as-is',
      '-X',
      'POST',
      'http://127.0.0.1:4010/v2/batch?x=1&y=%24HOME',
      '-H',
      'accept: application/json',
      '-H',
      'content-type: application/json',
      '-H',
      'authorization: Bearer k-e-y',
      '--data-raw',
      `{"name":"it's $HOME \`x\`"}`,
    ]);
    expect(parseCurl(line, { SCALE_API_KEY: 'k-e-y' })).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:4010/v2/batch?x=1&y=%24HOME',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: 'Bearer k-e-y',
      },
      body: `{"name":"it's $HOME \`x\`"}`,
      redirect: 'manual',
    });
  });

  it('leaves out -X for a GET and the body when there is none', () => {
    expect(curlCommand({ method: 'get', url: 'http://h/x', headers: {} })).toBe(
      'curl -sS -i -g --path-as-is http://h/x',
    );
  });
});
