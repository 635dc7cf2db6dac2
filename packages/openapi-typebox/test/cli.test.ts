import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built CLI (turbo runs `build` before `test`), as a user runs it.
const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/keywords.json', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('openapi-typebox CLI', () => {
  it('writes the module and says where', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'openapi-typebox-')), 'api.ts');
    const result = run(
      fixture,
      '--out',
      out,
      '--source',
      'keywords.json',
      '--regenerate',
      'pnpm generate',
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`openapi-typebox: ${fixture} -> ${out}\n`);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('from keywords.json.');
    expect(text).toContain(' * Regenerate: pnpm generate');
    expect(text).toContain('export const Widget = Type.Object(');
  });

  it.each([
    ['no arguments', [], /usage: openapi-typebox <bundled-openapi.json> --out <file.ts>/],
    ['an unknown flag', [fixture, '--out', 'x.ts', '--fast'], /Unknown option '--fast'/],
    ['a missing input', ['missing.json', '--out', 'x.ts'], /cannot read missing.json/],
  ])('fails on %s with a one-line reason', (_name, args, message) => {
    const result = run(...(args as string[]));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('fails on an untranslatable keyword with its pointer and leaves the old output untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-typebox-'));
    const input = join(dir, 'bad.json');
    const out = join(dir, 'api.ts');
    writeFileSync(out, '// previous output\n');
    writeFileSync(
      input,
      JSON.stringify({
        openapi: '3.1.0',
        components: { schemas: { Bad: { type: 'string', nullable: true } } },
      }),
    );
    const result = run(input, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('#/components/schemas/Bad: cannot translate `nullable`');
    expect(readFileSync(out, 'utf8')).toBe('// previous output\n');
    expect(existsSync(`${out}.tmp-${result.pid}`)).toBe(false);
  });
});
