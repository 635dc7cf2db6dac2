import * as scale from '@scale-contracts/validators/scale';
import * as sgp from '@scale-contracts/validators/sgp';
import { describe, expect, it } from 'vitest';
import { SgpStore } from '../src/sgp.js';
import { V1Store } from '../src/v1.js';
import { type RenderOptions, V2Store } from '../src/v2.js';
import { World } from '../src/world.js';

const SIZE = 1500;
const everyOption: RenderOptions = {
  expandProject: true,
  expandBatch: true,
  annotationDetails: true,
  modelParameters: true,
  submissions: true,
  attachmentDetails: true,
};

describe.each([1, 2, 99])('seed %i: every generated object satisfies its schema', (seed) => {
  const world = new World(seed);
  const v2 = new V2Store(world, seed, SIZE);
  const v1 = new V1Store(world, seed, SIZE);
  const evaluations = new SgpStore(seed, 50);

  it.each([
    ['short form', {}],
    ['every opts and expand', everyOption],
  ])('v2 Task and DeliveryTaskDoc (%s)', (_name, options) => {
    for (let i = 0; i < v2.count; i += 1) {
      const task = v2.render(i, options);
      expect(scale.errors('Task', task)).toEqual([]);
    }
    for (let i = 0; i < v2.count; i += 1) {
      expect(scale.check('DeliveryTaskDoc', v2.renderDoc(i))).toBe(true);
    }
  });

  it('v1 V1Task', () => {
    for (let i = 0; i < v1.count; i += 1) {
      expect(scale.errors('V1Task', v1.render(i))).toEqual([]);
    }
  });

  it('projects, batches (every BatchStatus) and deliveries', () => {
    for (const project of world.projects) {
      expect(scale.check('Project', world.renderProject(project))).toBe(true);
    }
    for (const batch of world.batches) {
      expect(scale.check('Batch', world.renderBatch(batch, true))).toBe(true);
    }
    expect(new Set(world.batches.map((batch) => batch.status)).size).toBe(5);
    for (const delivery of world.deliveries) {
      expect(scale.check('Delivery', world.renderDelivery(delivery, true))).toBe(true);
    }
  });

  it('SGP EvaluationTask, GENERATION and FLEXIBLE, assigned or not', () => {
    const schemas = new Set<string>();
    for (let i = 0; i < evaluations.ids.length; i += 1) {
      if (i % 3 === 0) {
        evaluations.assign(i, 'user_1', Date.UTC(2025, 0, 1));
      }
      const task = evaluations.render(i);
      expect(sgp.errors('EvaluationTask', task)).toEqual([]);
      schemas.add(task.task_entity?.test_case_evaluation_data_schema as string);
    }
    expect(schemas).toEqual(new Set(['GENERATION', 'FLEXIBLE']));
  });

  it('the data covers every status, and the data is the same for the same seed', () => {
    expect(new Set(v2.status)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(new Set(v1.status)).toEqual(new Set([0, 1, 2, 3]));
    const again = new V2Store(new World(seed), seed, SIZE);
    expect(again.render(SIZE - 1, everyOption)).toEqual(v2.render(SIZE - 1, everyOption));
    expect(new V1Store(new World(seed), seed, SIZE).render(7)).toEqual(v1.render(7));
  });
});
