import type * as scaleTypes from '@scale-contracts/types/scale';
import type * as sgpTypes from '@scale-contracts/types/sgp';
import type { Static } from 'typebox';
import { describe, expectTypeOf, it } from 'vitest';
import type * as scale from '../src/scale.js';
import type * as sgp from '../src/sgp.js';

/** True when A and B are assignable to each other. */
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** For every component: does TypeBox's static type agree with openapi-typescript's? */
type Agreement<
  Components extends Record<string, unknown>,
  Context extends Record<string, unknown>,
  Schemas,
> = {
  [Name in keyof Components & keyof Schemas]: MutuallyAssignable<
    Static<Components[Name] & import('typebox').TSchema, Context & import('typebox').TProperties>,
    Schemas[Name]
  >;
};

type AllTrue<T> = { [K in keyof T]: true };

describe('TypeBox static types agree with @scale-contracts/types, schema by schema', () => {
  it('scale', () => {
    type Result = Agreement<
      typeof scale.components,
      typeof scale.context,
      scaleTypes.components['schemas']
    >;
    expectTypeOf<Result>().toEqualTypeOf<AllTrue<Result>>();
    // Every component is covered: the two packages list the same schemas.
    expectTypeOf<keyof typeof scale.components>().toEqualTypeOf<
      keyof scaleTypes.components['schemas']
    >();
  });

  it('sgp', () => {
    type Result = Agreement<
      typeof sgp.components,
      typeof sgp.context,
      sgpTypes.components['schemas']
    >;
    expectTypeOf<Result>().toEqualTypeOf<AllTrue<Result>>();
    expectTypeOf<keyof typeof sgp.components>().toEqualTypeOf<
      keyof sgpTypes.components['schemas']
    >();
  });

  it('exports each schema as a value and a type of the same name', () => {
    expectTypeOf<scale.Task>().toEqualTypeOf<Static<typeof scale.Task, typeof scale.context>>();
    expectTypeOf<scale.Task['status']>().toEqualTypeOf<scaleTypes.Task['status']>();
    expectTypeOf<sgp.EvaluationTask['task_type']>().toEqualTypeOf<
      sgpTypes.EvaluationTask['task_type']
    >();
  });
});
