import { describe, expect, it } from 'vitest';
import { bumpFor, type Change, diffBundles, diffDocuments } from '../src/diff.js';
import { renderChangeset } from '../src/report.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely.
type Doc = any;

const json = (ref: string) => ({ 'application/json': { schema: { $ref: ref } } });

/** A tiny OpenAPI 3.1 document: Task only in responses, TaskInput only in requests. */
function base(): Doc {
  return {
    openapi: '3.1.0',
    info: { title: 'Tasks', version: '1.0.0' },
    paths: {
      '/tasks': {
        get: {
          operationId: 'listTasks',
          summary: 'List tasks',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          ],
          responses: {
            '200': { description: 'The tasks.', content: json('#/components/schemas/Task') },
            '404': { description: 'Not found.' },
          },
        },
        post: {
          operationId: 'createTask',
          summary: 'Create a task',
          requestBody: { required: true, content: json('#/components/schemas/TaskInput') },
          responses: {
            '200': { description: 'The task.', content: json('#/components/schemas/Task') },
          },
        },
      },
    },
    components: {
      schemas: {
        Task: {
          type: 'object',
          required: ['id', 'status'],
          properties: {
            id: { type: 'string' },
            status: { type: 'string', enum: ['pending', 'completed'] },
            note: { type: 'string' },
            range: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'integer' }] },
            // a cycle: the comparison must terminate
            parent: { $ref: '#/components/schemas/Task' },
          },
        },
        TaskInput: {
          type: 'object',
          required: ['instruction'],
          properties: {
            instruction: { type: 'string', maxLength: 100 },
            priority: { type: 'integer', minimum: 0 },
            status: { type: 'string', enum: ['pending', 'completed'] },
            kind: { const: 'chat' },
            note: { type: 'string' },
          },
        },
      },
    },
  };
}

const TASK = '/components/schemas/Task';
const INPUT = '/components/schemas/TaskInput';
const GET = '/paths/~1tasks/get';

type Case = [string, (d: Doc) => void, Change];

const cases: Case[] = [
  [
    'removed operation',
    (d) => delete d.paths['/tasks'].post,
    { kind: 'breaking', path: '/paths/~1tasks/post', reason: 'operation POST /tasks removed' },
  ],
  [
    'added operation',
    (d) => {
      d.paths['/tasks/{id}'] = {
        get: { operationId: 'getTask', responses: { '200': { description: 'The task.' } } },
      };
    },
    {
      kind: 'additive',
      path: '/paths/~1tasks~1{id}/get',
      reason: 'operation GET /tasks/{id} added',
    },
  ],
  [
    'removed response property',
    (d) => delete d.components.schemas.Task.properties.note,
    { kind: 'breaking', path: `${TASK}/properties/note`, reason: 'response property note removed' },
  ],
  [
    'retyped property',
    (d) => {
      d.components.schemas.Task.properties.id.type = 'integer';
    },
    {
      kind: 'breaking',
      path: `${TASK}/properties/id/type`,
      reason: 'type changed from string to integer',
    },
  ],
  [
    'property made nullable in a response (type array)',
    (d) => {
      d.components.schemas.Task.properties.note.type = ['string', 'null'];
    },
    {
      kind: 'breaking',
      path: `${TASK}/properties/note`,
      reason: 'may now be null (consumers must handle null)',
    },
  ],
  [
    'property made nullable in a response (anyOf with null, through the cycle)',
    (d) => {
      d.components.schemas.Task.properties.parent = {
        anyOf: [{ $ref: '#/components/schemas/Task' }, { type: 'null' }],
      };
    },
    {
      kind: 'breaking',
      path: `${TASK}/properties/parent`,
      reason: 'may now be null (consumers must handle null)',
    },
  ],
  [
    'property made nullable in a request',
    (d) => {
      d.components.schemas.TaskInput.properties.note.type = ['string', 'null'];
    },
    { kind: 'additive', path: `${INPUT}/properties/note`, reason: 'now accepts null' },
  ],
  [
    'new optional request property',
    (d) => {
      d.components.schemas.TaskInput.properties.tags = { type: 'array', items: { type: 'string' } };
    },
    {
      kind: 'additive',
      path: `${INPUT}/properties/tags`,
      reason: 'new optional request property tags',
    },
  ],
  [
    'new required request property',
    (d) => {
      d.components.schemas.TaskInput.properties.project = { type: 'string' };
      d.components.schemas.TaskInput.required.push('project');
    },
    {
      kind: 'breaking',
      path: `${INPUT}/properties/project`,
      reason: 'new required request property project',
    },
  ],
  [
    'existing request property made required',
    (d) => {
      d.components.schemas.TaskInput.required.push('priority');
    },
    {
      kind: 'breaking',
      path: `${INPUT}/required`,
      reason: 'request property priority is now required',
    },
  ],
  [
    'newly required parameter',
    (d) => {
      d.paths['/tasks'].get.parameters[0].required = true;
    },
    {
      kind: 'breaking',
      path: `${GET}/parameters/query:limit/required`,
      reason: 'query parameter limit is now required',
    },
  ],
  [
    'new optional query parameter',
    (d) => {
      d.paths['/tasks'].get.parameters.push({ name: 'cursor', in: 'query', schema: {} });
    },
    {
      kind: 'additive',
      path: `${GET}/parameters/query:cursor`,
      reason: 'new optional query parameter cursor',
    },
  ],
  [
    'new required query parameter',
    (d) => {
      d.paths['/tasks'].get.parameters.push({ name: 'project', in: 'query', required: true });
    },
    {
      kind: 'breaking',
      path: `${GET}/parameters/query:project`,
      reason: 'new required query parameter project',
    },
  ],
  [
    'removed parameter',
    (d) => {
      d.paths['/tasks'].get.parameters = [];
    },
    {
      kind: 'breaking',
      path: `${GET}/parameters/query:limit`,
      reason: 'query parameter limit removed',
    },
  ],
  [
    'narrowed enum in a request',
    (d) => {
      d.components.schemas.TaskInput.properties.status.enum = ['pending'];
    },
    {
      kind: 'breaking',
      path: `${INPUT}/properties/status/enum`,
      reason: 'enum narrowed: "completed" removed (no longer accepted)',
    },
  ],
  [
    'widened enum in a request',
    (d) => {
      d.components.schemas.TaskInput.properties.status.enum.push('canceled');
    },
    {
      kind: 'additive',
      path: `${INPUT}/properties/status/enum`,
      reason: 'enum widened: "canceled" added',
    },
  ],
  [
    'widened enum in a response',
    (d) => {
      d.components.schemas.Task.properties.status.enum.push('canceled');
    },
    {
      kind: 'breaking',
      path: `${TASK}/properties/status/enum`,
      reason: 'enum widened: "canceled" added (exhaustive switches in consumers break)',
    },
  ],
  [
    'narrowed enum in a response',
    (d) => {
      d.components.schemas.Task.properties.status.enum = ['pending'];
    },
    {
      kind: 'additive',
      path: `${TASK}/properties/status/enum`,
      reason: 'enum narrowed: "completed" removed',
    },
  ],
  [
    'new response property',
    (d) => {
      d.components.schemas.Task.properties.created_at = { type: 'string', format: 'date-time' };
    },
    {
      kind: 'additive',
      path: `${TASK}/properties/created_at`,
      reason: 'new response property created_at',
    },
  ],
  [
    'removed documented status',
    (d) => delete d.paths['/tasks'].get.responses['404'],
    {
      kind: 'breaking',
      path: `${GET}/responses/404`,
      reason: 'documented response status 404 removed',
    },
  ],
  [
    'added status',
    (d) => {
      d.paths['/tasks'].get.responses['429'] = { description: 'Slow down.' };
    },
    { kind: 'additive', path: `${GET}/responses/429`, reason: 'response status 429 added' },
  ],
  [
    'maxLength lowered on a request',
    (d) => {
      d.components.schemas.TaskInput.properties.instruction.maxLength = 50;
    },
    {
      kind: 'breaking',
      path: `${INPUT}/properties/instruction/maxLength`,
      reason: 'maxLength tightened (100 → 50)',
    },
  ],
  [
    'minimum raised on a request',
    (d) => {
      d.components.schemas.TaskInput.properties.priority.minimum = 1;
    },
    {
      kind: 'breaking',
      path: `${INPUT}/properties/priority/minimum`,
      reason: 'minimum tightened (0 → 1)',
    },
  ],
  [
    'maximum lowered on a query parameter',
    (d) => {
      d.paths['/tasks'].get.parameters[0].schema.maximum = 50;
    },
    {
      kind: 'breaking',
      path: `${GET}/parameters/query:limit/schema/maximum`,
      reason: 'maximum tightened (100 → 50)',
    },
  ],
  [
    'maxLength raised on a request',
    (d) => {
      d.components.schemas.TaskInput.properties.instruction.maxLength = 200;
    },
    {
      kind: 'additive',
      path: `${INPUT}/properties/instruction/maxLength`,
      reason: 'maxLength loosened (100 → 200)',
    },
  ],
  [
    'minimum dropped on a request',
    (d) => delete d.components.schemas.TaskInput.properties.priority.minimum,
    {
      kind: 'additive',
      path: `${INPUT}/properties/priority/minimum`,
      reason: 'minimum loosened (0 → none)',
    },
  ],
  [
    'const changed in a request (3.1 const)',
    (d) => {
      d.components.schemas.TaskInput.properties.kind = { const: 'chat', description: 'Kind.' };
    },
    {
      kind: 'cosmetic',
      path: `${INPUT}/properties/kind/description`,
      reason: 'description changed',
    },
  ],
  [
    'prefixItems member widened in a response (3.1 tuple)',
    (d) => {
      d.components.schemas.Task.properties.range.prefixItems[1].type = 'number';
    },
    {
      kind: 'breaking',
      path: `${TASK}/properties/range/prefixItems/1/type`,
      reason: 'type widened from integer to number',
    },
  ],
  [
    'schema description',
    (d) => {
      d.components.schemas.Task.properties.id.description = 'The ID.';
    },
    { kind: 'cosmetic', path: `${TASK}/properties/id/description`, reason: 'description changed' },
  ],
  [
    'operation summary',
    (d) => {
      d.paths['/tasks'].get.summary = 'List every task';
    },
    { kind: 'cosmetic', path: `${GET}/summary`, reason: 'summary changed' },
  ],
  [
    'example',
    (d) => {
      d.components.schemas.Task.properties.id.examples = ['task_1'];
    },
    { kind: 'cosmetic', path: `${TASK}/properties/id/examples`, reason: 'examples changed' },
  ],
  [
    'response description',
    (d) => {
      d.paths['/tasks'].get.responses['404'].description = 'No such task.';
    },
    { kind: 'cosmetic', path: `${GET}/responses/404/description`, reason: 'description changed' },
  ],
];

describe('classification rules', () => {
  it.each(cases)('%s', (_name, edit, expected) => {
    const after = structuredClone(base());
    edit(after);
    expect(diffDocuments(base(), after)).toEqual([expected]);
  });

  it('finds nothing between identical documents (with a $ref cycle)', () => {
    expect(diffDocuments(base(), base())).toEqual([]);
  });

  it('reports a changed 3.1 const in a request as removed value + added value', () => {
    const after = base();
    after.components.schemas.TaskInput.properties.kind = { const: 'text' };
    expect(diffDocuments(base(), after)).toEqual([
      {
        kind: 'breaking',
        path: `${INPUT}/properties/kind/const`,
        reason: 'enum narrowed: "chat" removed (no longer accepted)',
      },
      {
        kind: 'additive',
        path: `${INPUT}/properties/kind/const`,
        reason: 'enum widened: "text" added',
      },
    ]);
  });

  it('reports a schema change once when several operations share the component', () => {
    const after = base();
    delete after.components.schemas.Task.properties.note;
    expect(diffDocuments(base(), after)).toHaveLength(1);
  });

  it('treats a webhook payload like a response (consumers receive it)', () => {
    const hook = (status: string[]) => ({
      post: {
        operationId: 'taskCallback',
        requestBody: {
          content: {
            'application/json': { schema: { type: 'string', enum: status } },
          },
        },
        responses: { '200': { description: 'Acknowledged.' } },
      },
    });
    const before = { ...base(), webhooks: { task: hook(['completed']) } };
    const after = { ...base(), webhooks: { task: hook(['completed', 'error']) } };
    expect(diffDocuments(before, after)).toEqual([
      {
        kind: 'breaking',
        path: '/webhooks/task/post/requestBody/content/application~1json/schema/enum',
        reason: 'enum widened: "error" added (exhaustive switches in consumers break)',
      },
    ]);
  });
});

describe('bump and changeset', () => {
  const breaking: Change = { api: 'scale', kind: 'breaking', path: '/x', reason: 'gone' };
  const additive: Change = { api: 'scale', kind: 'additive', path: '/y', reason: 'new' };
  const cosmetic: Change = { api: 'sgp', kind: 'cosmetic', path: '/z', reason: 'reworded' };

  it.each([
    [[breaking, additive, cosmetic], 'major'],
    [[additive, cosmetic], 'minor'],
    [[cosmetic], 'patch'],
    [[], undefined],
  ] as const)('%j → %s', (changes, bump) => {
    expect(bumpFor(changes)).toBe(bump);
  });

  it('writes no changeset when nothing changed', () => {
    expect(renderChangeset([], 'v1')).toBeUndefined();
  });

  it('lists the changes with the bold kind and area tags, breaking first', () => {
    expect(renderChangeset([cosmetic, additive, breaking], 'tag (abc1234)')).toBe(
      [
        '---',
        "'@scale-contracts/openapi': major",
        "'@scale-contracts/types': major",
        "'@scale-contracts/validators': major",
        '---',
        '',
        'Spec changes since tag (abc1234) (1 breaking, 1 additive, 1 cosmetic):',
        '',
        '- **BREAKING** **spec**: gone (`scale:/x`)',
        '- **ADDITIVE** **spec**: new (`scale:/y`)',
        '- **COSMETIC** **spec**: reworded (`sgp:/z`)',
        '',
      ].join('\n'),
    );
  });

  it('reports a removed API as breaking', () => {
    expect(diffBundles({ scale: base(), sgp: base() }, { scale: base() })).toEqual([
      { api: 'sgp', kind: 'breaking', path: '', reason: 'API sgp removed' },
    ]);
  });
});
