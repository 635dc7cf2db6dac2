import type { Random } from './prng.js';
import { NAMES } from './text.js';

/** The twelve annotation types of the spec, in the order they are generated. */
export const ANNOTATION_TYPES = [
  'integer',
  'boolean',
  'text',
  'category',
  'category_multiple',
  'file',
  'labeled_text',
  'ranked_choices',
  'ranked_groups',
  'rubric_criteria',
  'rubric_rating',
  'workspace_container',
] as const;
export type AnnotationType = (typeof ANNOTATION_TYPES)[number];

type Json = Record<string, unknown>;

/** The key, extra detailed fields and value of one annotation of a type. */
function content(
  type: AnnotationType,
  r: Random,
  id: string,
): { key: string; extra: Json } & {
  value: unknown;
} {
  switch (type) {
    case 'integer':
      return {
        key: 'overall_rating',
        value: r.int(1, 5),
        extra: { possible_values: [1, 2, 3, 4, 5], labels: ['1', '2', '3', '4', '5'] },
      };
    case 'boolean':
      return {
        key: 'is_factual',
        value: r.chance(0.8),
        extra: { possible_values: [true, false] },
      };
    case 'text':
      return {
        key: 'rewrite',
        value: r.pick(['Shorter, please.', 'Good as it is.', 'Add a source for the claim.']),
        extra: {},
      };
    case 'category': {
      const options = ['neutral', 'friendly', 'formal'];
      return { key: 'tone', value: r.pick(options), extra: { possible_values: options } };
    }
    case 'category_multiple': {
      const options = ['verbose', 'off_topic', 'unsafe', 'factual_error'];
      return {
        key: 'issues',
        value: options.filter(() => r.chance(0.3)),
        extra: { possible_values: options },
      };
    }
    case 'file':
      return {
        key: 'evidence',
        value: r.chance(0.5)
          ? {
              name: 'evidence.png',
              mime_type: 'image/png',
              url: `https://example.com/files/${id}.png`,
              scale_url: `https://scale.example.com/files/${id}.png`,
              file_size_in_bytes: r.int(1_000, 90_000),
            }
          : [
              { name: 'notes.txt', mime_type: 'text/plain', content: 'bm90ZXM=' },
              {
                name: 'source.txt',
                mime_type: 'text/plain',
                url: `https://example.com/files/${id}.txt`,
              },
            ],
        extra: {},
      };
    case 'labeled_text':
      return {
        key: 'entities',
        value: [
          { label: 'PERSON', text: r.pick(['Hamlet', 'Ophelia']) },
          { label: 'PLACE', text: r.pick(['Canberra', 'Denmark']) },
        ],
        extra: {},
      };
    case 'ranked_choices':
      return {
        key: 'preference',
        value: r.chance(0.5) ? ['response_a', 'response_b'] : ['response_b', 'response_a'],
        extra: {},
      };
    case 'ranked_groups':
      return {
        key: 'grouped_preference',
        value: [['response_a'], ['response_b', 'response_c']],
        extra: {},
      };
    case 'rubric_criteria':
      return {
        key: 'criterion_accuracy',
        value: { weight: r.pick([0.25, 0.5, 1]), description: 'The answer is factually accurate.' },
        extra: {},
      };
    case 'rubric_rating':
      return {
        key: 'rubric_score',
        value: {
          score: r.int(0, 4),
          color: r.pick(['green', 'amber', 'red']),
          justification: 'Meets most criteria.',
        },
        extra: { metadata: { criteria: 'criterion_accuracy' } },
      };
    case 'workspace_container':
      return {
        key: 'workspace',
        value: {
          workspace_id: `ws_${id}`,
          workspace_config: {
            workspace_id: `ws_${id}`,
            workspace_url: `https://workspaces.example.com/${id}`,
            workspace_token: 'mock-workspace-token',
            expires_at: '2030-01-01T00:00:00Z',
            inactivity_freeze_time: 900,
          },
          last_code_run_event: { exit_code: 0 },
          output_files: [
            {
              file_name: 'main.py',
              scale_url: `https://scale.example.com/workspaces/${id}/main.py`,
              file_language: 'python',
            },
          ],
          stdout_output: { content: 'ok\n' },
        },
        extra: {},
      };
  }
}

/**
 * One annotation of `type`: the detailed form (`opts=annotation_details`: id, key, type, title,
 * value and the type's extras) or the short `{key, value}` form.
 */
export function annotation(type: AnnotationType, r: Random, id: string, detailed: boolean): Json {
  const { key, value, extra } = content(type, r, id);
  // Drawn whatever the form, so that both forms carry the same values.
  const justification = r.chance(0.2) ? `Checked by ${r.pick(NAMES)}.` : undefined;
  if (!detailed) {
    return { key, value };
  }
  return {
    id: `an_${id}`,
    key,
    type,
    title: key.replace(/_/g, ' '),
    value,
    ...extra,
    ...(justification === undefined ? {} : { justification }),
  };
}
