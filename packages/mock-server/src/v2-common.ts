import { badRequest, notFound } from './errors.js';
import type { BatchRecord, ProjectRecord, World } from './world.js';

/**
 * What the v2 handler modules (tasks in v2.ts, batches.ts, datasets.ts) share: reading request
 * values, finding the project and the batch a request names, and deep merging metadata.
 */

export type Json = Record<string, unknown>;

/** A plain object (not an array, not null). */
export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep merge: objects merge key by key, anything else (arrays too) is replaced by `patch`'s value. */
export function deepMerge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

export const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The values of `keys` that the query has (the filters a page token is bound to). */
export const pick = (query: Json, keys: string[]) =>
  Object.fromEntries(
    keys.filter((key) => query[key] !== undefined).map((key) => [key, query[key]]),
  );

/** `limit`, or the documented default of 100. */
export const limitOf = (query: Json) => (query.limit as number | undefined) ?? 100;

/** The values of `expand` (an array after query coercion). */
export const expandOf = (query: Json) => (query.expand as string[] | undefined) ?? [];

/** The project named by `project_id` and/or `project_name`: undefined when neither is given. */
export function resolveProject(world: World, query: Json): ProjectRecord | undefined {
  const id = str(query.project_id);
  const name = str(query.project_name);
  const byId = id === undefined ? undefined : world.projectById.get(id);
  const byName = name === undefined ? undefined : world.projectByName.get(name);
  if ((id !== undefined && !byId) || (name !== undefined && !byName)) {
    throw notFound('Project not found.');
  }
  if (byId && byName && byId !== byName) {
    throw badRequest('project_id and project_name name different projects.');
  }
  return byId ?? byName;
}

/** The batch named by `batch_id` and/or `batch_name`: undefined when neither is given. */
export function resolveBatch(world: World, query: Json): BatchRecord | undefined {
  const id = str(query.batch_id);
  const name = str(query.batch_name);
  const byId = id === undefined ? undefined : world.batchById.get(id);
  const byName = name === undefined ? undefined : world.batchByName.get(name);
  if ((id !== undefined && !byId) || (name !== undefined && !byName)) {
    throw notFound('Batch not found.');
  }
  if (byId && byName && byId !== byName) {
    throw badRequest('batch_id and batch_name name different batches.');
  }
  return byId ?? byName;
}
