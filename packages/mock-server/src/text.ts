/** Short texts the generated data is made of (English, deterministic, no external data). */

export const PROMPTS = [
  'Write a haiku about autumn.',
  'Explain recursion to a ten-year-old.',
  'Summarise the plot of Hamlet in three sentences.',
  'What is the capital of Australia?',
  'Translate "good morning" into French and German.',
  'Write a Python function that reverses a string.',
  'List three benefits of unit tests.',
  'How do vaccines train the immune system?',
] as const;

export const ANSWERS = [
  'Crisp leaves drift and fall; the maple lets go of red; the path remembers.',
  'Recursion is when a function solves a problem by calling itself on a smaller piece of it.',
  'Prince Hamlet seeks revenge for his father, hesitates, and the court ends in tragedy.',
  'The capital of Australia is Canberra.',
  'French: "bonjour". German: "guten Morgen".',
  'def reverse(text):\n    return text[::-1]',
  'Tests catch regressions, document behaviour and make refactoring safe.',
  'Vaccines show the immune system a harmless piece of a germ so it can respond faster later.',
] as const;

export const REASONING = [
  'The user asks for a short answer; keep it to one sentence.',
  'Check the facts before answering.',
  'A worked example will make the explanation clearer.',
] as const;

export const REFERENCES = [
  {
    content: 'Canberra was selected as the capital in 1908.',
    category: 'fact',
    url: 'https://example.com/ref/canberra',
  },
  {
    content: 'A haiku has three lines of five, seven and five syllables.',
    category: 'style',
    url: 'https://example.com/ref/haiku',
  },
] as const;

export const ERROR_TYPES = [
  'UNSUPPORTED_LANGUAGE',
  'LANGUAGE_MISMATCH',
  'PROMPT_LENGTH_EXCEEDED',
  'INVALID_CATEGORY',
  'PROMPT_INFEASIBLE',
] as const;

export const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
