import type {
  V1CreateAudioTranscriptionTaskRequest,
  V1CreateCategorizationTaskRequest,
  V1CreateImageAnnotationTaskRequest,
  V1Task,
  V1TaskType,
} from '@scale-contracts/types/scale';
import { describe, expectTypeOf, it } from 'vitest';
import { createScaleClient, type V1CreateTaskBody } from '../src/index.js';

const scale = createScaleClient({ apiKey: 'k' });

describe('v1.tasks.create: the body follows the task type', () => {
  it('is the per-type request of POST /v1/task/<type>', () => {
    expectTypeOf<
      V1CreateTaskBody<'categorization'>
    >().toEqualTypeOf<V1CreateCategorizationTaskRequest>();
    expectTypeOf<
      V1CreateTaskBody<'imageannotation'>
    >().toEqualTypeOf<V1CreateImageAnnotationTaskRequest>();
    expectTypeOf<
      V1CreateTaskBody<'audiotranscription'>
    >().toEqualTypeOf<V1CreateAudioTranscriptionTaskRequest>();
    expectTypeOf(
      scale.v1.tasks.create('categorization', { categories: ['big', 'small'] }),
    ).resolves.toEqualTypeOf<V1Task>();
  });

  it('has a body type for every V1TaskType, the npm-only audiotranscription included', () => {
    type Missing = {
      [Type in V1TaskType]: [V1CreateTaskBody<Type>] extends [never] ? Type : never;
    }[V1TaskType];
    expectTypeOf<Missing>().toBeNever();
    expectTypeOf<'audiotranscription'>().toExtend<V1TaskType>();
  });

  it('accepts what each type requires, and open extra fields', () => {
    scale.v1.tasks.create('categorization', {
      project: 'p',
      attachment_type: 'text',
      attachment: 'car',
      categories: ['big', 'small'],
      unique_id: 'u-1',
    });
    scale.v1.tasks.create('imageannotation', {
      attachment: 'https://example.com/a.jpg',
      geometries: { box: { objects_to_annotate: ['car'] } },
    });
    scale.v1.tasks.create('textcollection', {
      attachments: [{ type: 'text', content: 'x' }],
      fields: [{ field_id: 'summary', type: 'text' }],
    });
    scale.v1.tasks.create('audiotranscription', { attachment: 'https://example.com/a.wav' });
    // Types whose parameters are unknown take the common fields, and anything else.
    scale.v1.tasks.create('lidarannotation', { project: 'p', frames: 3 });
  });

  it('rejects a body that lacks what its type requires', () => {
    // @ts-expect-error a categorization task needs categories
    scale.v1.tasks.create('categorization', { project: 'p', attachment: 'car' });
    // @ts-expect-error categories is a list of strings
    scale.v1.tasks.create('categorization', { categories: 'big' });
    // @ts-expect-error an imageannotation task needs geometries (the body is not categorization's)
    scale.v1.tasks.create('imageannotation', { attachment: 'a', categories: ['x'] });
    // @ts-expect-error an audio transcription needs its attachment
    scale.v1.tasks.create('audiotranscription', { verbatim: true });
    // @ts-expect-error a textcollection field needs its field_id
    scale.v1.tasks.create('textcollection', { attachments: [], fields: [{ type: 'text' }] });
    // @ts-expect-error not a v1 task type
    scale.v1.tasks.create('painting', {});
  });
});
