import { readFileSync } from 'node:fs';
import { type ApiName, type OpenApiDocument, openapiDir } from './spec.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PatchOperation =
  | { op: 'add' | 'replace'; path: string; value: Json }
  | { op: 'remove'; path: string };

export type NegativeExample = {
  name: string;
  api: ApiName;
  schema: string;
  example?: string;
  patch?: PatchOperation[];
  value?: Json;
  pointer: string;
  keyword: string;
  typeLevel: boolean;
};

/** The cases of fixtures/negative-examples.json. */
export function loadNegativeExamples(): NegativeExample[] {
  const file = `${openapiDir}fixtures/negative-examples.json`;
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: NegativeExample[] }).cases;
}

function tokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function applyPatch(document: Json, operations: PatchOperation[]): Json {
  const copy = structuredClone(document);
  for (const operation of operations) {
    const path = tokens(operation.path);
    const last = path.pop();
    let parent = copy as Record<string, Json>;
    for (const token of path) {
      parent = parent[token] as Record<string, Json>;
      if (parent === undefined || parent === null) {
        throw new Error(`patch path ${operation.path} does not exist`);
      }
    }
    if (last === undefined) {
      throw new Error('patching the whole document is not supported');
    }
    if (operation.op !== 'add' && !(last in parent)) {
      throw new Error(`patch path ${operation.path} does not exist`);
    }
    if (operation.op === 'remove') {
      delete parent[last];
    } else {
      parent[last] = operation.value;
    }
  }
  return copy;
}

/** The value a case describes: its `value`, or its base example with the patch applied. */
export function materialize(testCase: NegativeExample, doc: OpenApiDocument): Json {
  if (testCase.value !== undefined) {
    return testCase.value;
  }
  const base = doc.components.examples?.[testCase.example ?? ''] as { value: Json } | undefined;
  if (!base) {
    throw new Error(
      `${testCase.name}: no example named ${String(testCase.example)} in ${testCase.api}`,
    );
  }
  return applyPatch(base.value, testCase.patch ?? []);
}
