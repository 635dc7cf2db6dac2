import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A value (as JSON) declared with a type written against this package's exports. */
export type TypeCase = { id: string; api: 'scale' | 'sgp'; type: string; value: unknown };

/**
 * Type-checks every case in one TypeScript program, under the package's own strict tsconfig,
 * and returns the diagnostics of each case's declaration by id. Each case becomes a virtual
 * module `const value: <type> = <json>;` that imports the package's source entry points.
 */
export function compileCases(cases: TypeCase[]): Map<string, string[]> {
  const configPath = join(packageDir, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, packageDir);
  const options = { ...parsed.options, noEmit: true };

  const virtual = new Map<string, string>();
  const fileOf = new Map<string, string>();
  cases.forEach((testCase, index) => {
    const file = join(packageDir, 'test', '__cases__', `case-${index}.ts`);
    virtual.set(
      file,
      `import type { components, paths, webhooks } from '../../src/${testCase.api}.js';\n` +
        `export const value: ${testCase.type} = ${JSON.stringify(testCase.value, null, 2)};\n` +
        'export type Unused = [components, paths, webhooks];\n',
    );
    fileOf.set(testCase.id, file);
  });

  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => virtual.get(file) ?? readFile(file);
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  host.getSourceFile = (file, language, onError) => {
    const text = virtual.get(file);
    return text === undefined
      ? getSourceFile(file, language, onError)
      : ts.createSourceFile(file, text, language, true);
  };

  const program = ts.createProgram([...virtual.keys()], options, host);
  const result = new Map<string, string[]>();
  for (const [id, file] of fileOf) {
    const source = program.getSourceFile(file);
    const diagnostics = source ? ts.getPreEmitDiagnostics(program, source) : [];
    result.set(
      id,
      diagnostics.map((diagnostic) =>
        ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      ),
    );
  }
  return result;
}

/** The TypeScript type of a media type's body, addressed through `paths` or `webhooks`. */
export function mediaType(location: {
  container: 'paths' | 'webhooks';
  key: string;
  method: string;
  status?: string;
  mediaType: string;
}): string {
  const operation = `${location.container}[${JSON.stringify(location.key)}][${JSON.stringify(location.method)}]`;
  const media = JSON.stringify(location.mediaType);
  if (location.status === undefined) {
    return `NonNullable<${operation}["requestBody"]>["content"][${media}]`;
  }
  const status = /^\d+$/.test(location.status) ? location.status : JSON.stringify(location.status);
  return `${operation}["responses"][${status}]["content"][${media}]`;
}
