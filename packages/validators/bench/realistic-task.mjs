// A realistic v2 task as the API sends it with opts=annotation_details: 3 threads x 4 turns,
// each turn a user and an assistant message, annotations of several types at every level.
const at = (index) => new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString();

function annotations(prefix, count) {
  const kinds = [
    (id) => ({
      id,
      key: 'helpfulness',
      type: 'integer',
      title: 'Helpfulness',
      value: 4,
      possible_values: [1, 2, 3, 4, 5],
    }),
    (id) => ({
      id,
      key: 'topic',
      type: 'category',
      value: 'science',
      possible_values: ['science', 'art', 'sports'],
    }),
    (id) => ({
      id,
      key: 'issues',
      type: 'category_multiple',
      value: ['verbosity'],
      possible_values: ['verbosity', 'tone', 'facts'],
    }),
    (id) => ({ id, key: 'safe', type: 'boolean', value: true, possible_values: [true, false] }),
    (id) => ({
      id,
      key: 'notes',
      type: 'text',
      value: 'Accurate, slightly long.',
      justification: 'Checked the sources.',
    }),
    (id) => ({
      id,
      key: 'ranking',
      type: 'ranked_choices',
      value: ['model_a', 'model_b', 'model_c'],
    }),
    (id) => ({
      id,
      key: 'rating',
      type: 'rubric_rating',
      value: { score: 3, justification: 'Meets most criteria.' },
      metadata: { criteria: 'overall_quality' },
    }),
  ];
  return Array.from({ length: count }, (_, index) =>
    kinds[index % kinds.length](`an_${prefix}_${index}`),
  );
}

function message(role, thread, turn) {
  return {
    role,
    source_id: role === 'user' ? 'contributor_17' : 'model_gpt',
    content: {
      text: `${role === 'user' ? 'Question' : 'Answer'} ${thread}.${turn}: ${'lorem ipsum dolor sit amet '.repeat(role === 'user' ? 12 : 60)}`,
      ...(role === 'user'
        ? {
            reference_texts: [
              {
                content: 'A reference passage.',
                category: 'context',
                url: 'https://example.com/ref',
              },
            ],
          }
        : { reasoning: [{ content: 'Reasoned step by step.' }] }),
    },
    ...(role === 'assistant'
      ? {
          model_parameters: {
            model: 'model-x',
            temperature: 0.7,
            max_completion_tokens: 1024,
            top_p: 0.9,
            top_k: 40,
          },
        }
      : {}),
    annotations: role === 'assistant' ? annotations(`m${thread}${turn}`, 3) : [],
  };
}

/** One completed task, about 38 KB of JSON. */
export function realisticTask(index = 0) {
  return {
    task_id: `task_${String(index).padStart(6, '0')}`,
    project: 'project_abc123',
    batch: 'batch_abc123',
    status: 'completed',
    created_at: at(index),
    completed_at: at(index + 3600),
    metadata: { source: 'bench', shard: index % 8 },
    threads: Array.from({ length: 3 }, (_, thread) => ({
      id: `thread_${index}_${thread}`,
      turns: Array.from({ length: 4 }, (_, turn) => ({
        id: `turn_${index}_${thread}_${turn}`,
        messages: [message('user', thread, turn), message('assistant', thread, turn)],
        annotations: annotations(`t${thread}${turn}`, 1),
      })),
      annotations: annotations(`th${thread}`, 2),
    })),
  };
}

/** A page of `GET /v2/tasks`. */
export function realisticPage(size = 100) {
  return {
    tasks: Array.from({ length: size }, (_, index) => realisticTask(index)),
    next_token: 'tok_next_page',
  };
}
