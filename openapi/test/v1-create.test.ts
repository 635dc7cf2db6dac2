import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createValidatorFactory, loadBundle } from '@scale-contracts/test-support';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// v1 task creation: one concrete path per task type, generated from src/scale/v1-task-types.yaml.
const doc = loadBundle('scale') as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
const validators = createValidatorFactory('scale', doc as never);
const config = parse(
  readFileSync(new URL('../src/scale/v1-task-types.yaml', import.meta.url), 'utf8'),
) as { types: { type: string; title: string; required?: string[] }[] };
const taskTypes = doc.components.schemas.V1TaskType?.enum as string[];

interface Post {
  operationId: string;
  tags: string[];
  requestBody: {
    content: {
      'application/json': { schema: { $ref: string }; examples: Record<string, unknown> };
    };
  };
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
}
const postOf = (type: string) => doc.paths[`/v1/task/${type}`]?.post as unknown as Post;

describe('v1 creation operations', () => {
  it('cover V1TaskType exactly: the Python TaskType values plus the npm SDK’s audiotranscription', () => {
    expect(taskTypes).toHaveLength(32);
    expect(taskTypes).toContain('audiotranscription');
    expect(config.types.map((entry) => entry.type).sort()).toEqual([...taskTypes].sort());
    const creations = Object.entries(doc.paths)
      .filter(([path, item]) => /^\/v1\/task\/[a-z0-9]+$/.test(path) && item.post)
      .map(([path]) => path.slice('/v1/task/'.length));
    expect(creations.sort()).toEqual([...taskTypes].sort());
  });

  it('leave no templated path that has the shape of another (the former /v1/task/{type})', () => {
    const shapes = Object.keys(doc.paths).map((path) => path.replace(/\{[^}]+\}/g, '{}'));
    expect(shapes.length).toBe(new Set(shapes).size);
    expect(doc.paths).not.toHaveProperty(['/v1/task/{type}']);
  });

  it.each(config.types)(
    '$type: its own operation, request schema (the common base plus its params) and errors',
    ({ type, title, required = [] }) => {
      const post = postOf(type);
      expect(post.operationId).toBe(`createV1${title}Task`);
      expect(post.tags).toEqual(['V1 Tasks']);
      const content = post.requestBody.content['application/json'];
      expect(content.schema.$ref).toBe(`#/components/schemas/V1Create${title}TaskRequest`);
      const schema = doc.components.schemas[`V1Create${title}TaskRequest`] as {
        allOf: [{ $ref: string }, { required?: string[] }];
        description: string;
      };
      expect(schema.allOf[0].$ref).toBe('#/components/schemas/V1CreateTaskRequest');
      expect(schema.allOf[1].required ?? []).toEqual(required);
      expect(schema.description).toMatch(/\S/);
      expect(Object.keys(post.responses).sort()).toEqual(
        ['200', '400', '401', '402', '404', '409', '429', '500', '503', '504'].sort(),
      );
      expect(post.responses['409']?.description).toContain('GET /v1/tasks?unique_id=<id>');
      expect(Object.keys(content.examples)).toEqual([type]);
      // Without the required type-specific fields, the body is invalid.
      const validate = validators.compile(content.schema as never);
      const example = (content.examples[type] as { value: Record<string, unknown> }).value;
      expect(validate(example)).toBe(true);
      for (const name of required) {
        const { [name]: _dropped, ...without } = example;
        expect(validate(without), `${type} without ${name}`).toBe(false);
      }
    },
  );

  it('the generated files are what the generator writes from the config (no drift)', () => {
    const run = spawnSync(process.execPath, ['scripts/generate-v1-create-paths.mjs', '--check'], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/65 files match/);
  });
});

describe('GET /v1/tasks offset', () => {
  it('is a deprecated integer >= 0 that says how it combines with next_token', () => {
    const get = doc.paths['/v1/tasks']?.get as {
      parameters: { name: string; deprecated?: boolean; schema: unknown; description: string }[];
    };
    const offset = get.parameters.find((parameter) => parameter.name === 'offset');
    expect(offset).toMatchObject({ deprecated: true, schema: { type: 'integer', minimum: 0 } });
    expect(offset?.description).toContain('next_token');
    expect(offset?.description).toContain('400');
  });
});
