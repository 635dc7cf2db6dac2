import type { Json } from './v2-common.js';

const PREFIX = 'schema_';

/** The `response_schema_id` of a project's delivered tasks. */
export const schemaIdOf = (projectName: string) => `${PREFIX}${projectName}`;

/** The project name a schema id names, or undefined when it is not one of ours. */
export const projectOfSchemaId = (id: string) =>
  id.startsWith(PREFIX) ? id.slice(PREFIX.length) : undefined;

/**
 * The JSON Schema (2020-12) a delivered task's `response` follows: the `response_schema_id` of
 * `GET /v2/delivery/tasks` docs is `schema_<project name>`, and `GET /v2/schema` serves this
 * document for it. It describes what the mock delivers (threads of turns of messages, with the
 * short `{key, value}` annotations, or a sensitive-content report), strictly enough to be
 * useful and loosely enough for every field the Task schema allows.
 */
export function responseSchema(projectName: string): Json {
  const array = (items: Json) => ({ type: 'array', items });
  const annotations = array({ $ref: '#/$defs/annotation' });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `Delivered response of ${projectName}`,
    type: 'object',
    required: ['threads'],
    properties: {
      threads: array({ $ref: '#/$defs/thread' }),
      sensitive_content_reports: array({
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string' }, message: { type: 'string' } },
      }),
    },
    $defs: {
      annotation: {
        type: 'object',
        required: ['key', 'value'],
        properties: {
          id: { type: 'string' },
          key: { type: 'string' },
          type: { type: 'string' },
          value: {},
        },
      },
      thread: {
        type: 'object',
        required: ['id', 'turns', 'annotations'],
        properties: {
          id: { type: 'string' },
          turns: array({ $ref: '#/$defs/turn' }),
          annotations,
          submissions: array({ type: 'object' }),
        },
      },
      turn: {
        type: 'object',
        required: ['id', 'messages', 'annotations'],
        properties: {
          id: { type: 'string' },
          messages: { type: 'array', minItems: 1, items: { $ref: '#/$defs/message' } },
          annotations,
          rubrics: array({ type: 'object' }),
        },
      },
      message: {
        type: 'object',
        required: ['role', 'content', 'source_id', 'annotations'],
        properties: {
          role: { enum: ['system', 'user', 'assistant', 'function'] },
          content: {
            type: 'object',
            properties: {
              text: { type: 'string' },
              reference_texts: array({ type: 'object' }),
              attachments: array({
                type: 'object',
                properties: { url: { type: 'string' }, mime_type: { type: 'string' } },
              }),
              chunks: array({
                type: 'object',
                properties: { text: { type: 'string' }, annotations },
              }),
              reasoning: array({ type: 'object' }),
            },
          },
          source_id: { type: 'string' },
          model_parameters: { type: 'object' },
          annotations,
          rubric_evaluations: array({ type: 'object' }),
        },
      },
    },
  };
}
