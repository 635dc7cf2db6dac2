import type { EvaluationTask } from '@scale-contracts/validators/sgp';
import { notFound } from './errors.js';
import { hexOf, random, Stream, uuidOf } from './prng.js';
import { ANSWERS, NAMES, PROMPTS, REFERENCES } from './text.js';
import { type Clock, type Handler, ok } from './types.js';
import { DAY, EPOCH, HOUR, iso } from './world.js';

export const EVALUATION_TASK_TYPES = [
  'EVALUATION_ANNOTATION',
  'EVALUATION_AUDIT',
  'CONTRIBUTOR_ANNOTATION',
  'CONTRIBUTOR_AUDIT',
] as const;
/** How long a claim holds a task. */
export const ASSIGNMENT_MS = HOUR;

type Json = Record<string, unknown>;
type DataSchema = 'GENERATION' | 'FLEXIBLE';

export interface EvaluationRecord {
  index: number;
  id: string;
  /** The data schema of its test-case results; `MIXED` alternates. */
  schema: DataSchema | 'MIXED';
  datasetId: string;
  applicationSpecId: string;
  /** Task indices, in claim order (highest priority first, then creation order). */
  claimOrder: number[];
}

/**
 * The SGP side: three evaluations, each with its human tasks. Claims assign a task to the
 * caller for an hour; an expired assignment makes the task claimable again.
 */
export class SgpStore {
  readonly evaluations: EvaluationRecord[] = [];
  readonly evaluationById = new Map<string, EvaluationRecord>();
  readonly evaluation: number[] = [];
  readonly ids: string[] = [];
  readonly type: number[] = [];
  readonly completed: boolean[] = [];
  readonly priority: number[] = [];
  readonly assignedTo: (string | undefined)[] = [];
  /** When the assignment expires (NaN: it does not; set by PATCH and batch-assign). */
  readonly expiresAt: number[] = [];
  readonly taskById = new Map<string, number>();
  /** Each caller's current claim. */
  readonly current = new Map<string, number>();
  /** Tasks each caller skipped (never handed to that caller again). */
  readonly skipped = new Map<string, Set<number>>();
  readonly accountId: string;

  constructor(
    readonly seed: number,
    tasksPerEvaluation: number,
  ) {
    this.accountId = hexOf(24, seed, Stream.sgpState, 0);
    const schemas = ['GENERATION', 'FLEXIBLE', 'MIXED'] as const;
    schemas.forEach((schema, e) => {
      const evaluation: EvaluationRecord = {
        index: e,
        id: uuidOf(seed, Stream.sgpState, 1, e),
        schema,
        datasetId: uuidOf(seed, Stream.sgpState, 2, e),
        applicationSpecId: uuidOf(seed, Stream.sgpState, 3, e),
        claimOrder: [],
      };
      for (let k = 0; k < tasksPerEvaluation; k += 1) {
        const index = this.ids.length;
        const r = random(seed, Stream.sgpState, 10, index);
        const id = uuidOf(seed, Stream.sgpState, 4, index);
        this.evaluation.push(e);
        this.ids.push(id);
        this.type.push(r.chance(0.8) ? 0 : 1);
        this.completed.push(r.chance(0.15));
        this.priority.push(r.int(1, 3));
        this.assignedTo.push(undefined);
        this.expiresAt.push(Number.NaN);
        this.taskById.set(id, index);
        evaluation.claimOrder.push(index);
      }
      evaluation.claimOrder.sort(
        (a, b) => (this.priority[b] as number) - (this.priority[a] as number) || a - b,
      );
      this.evaluations.push(evaluation);
      this.evaluationById.set(evaluation.id, evaluation);
    });
  }

  /** True when `index` can be claimed at `now`. */
  claimable(index: number, now: number): boolean {
    if (this.completed[index]) {
      return false;
    }
    const expires = this.expiresAt[index] as number;
    return this.assignedTo[index] === undefined || expires <= now;
  }

  /** Assigns `index` to `user` until `expiresAt` (NaN: no expiry); `undefined` releases it. */
  assign(index: number, user: string | undefined, expiresAt: number) {
    this.assignedTo[index] = user;
    this.expiresAt[index] = expiresAt;
  }

  render(index: number): EvaluationTask {
    const e = this.evaluation[index] as number;
    const evaluation = this.evaluations[e] as EvaluationRecord;
    const r = random(this.seed, Stream.sgpRender, index);
    const schema: DataSchema =
      evaluation.schema === 'MIXED'
        ? index % 2 === 0
          ? 'GENERATION'
          : 'FLEXIBLE'
        : evaluation.schema;
    const completed = this.completed[index] as boolean;
    const createdAt = EPOCH + e * DAY + index * 60_000;
    const prompt = r.int(0, PROMPTS.length - 1);
    const answer = ANSWERS[prompt] as string;
    const resultId = uuidOf(this.seed, Stream.sgpState, 5, index);
    const annotator = `user_${r.pick(NAMES)}`;
    const data: Json =
      schema === 'GENERATION'
        ? {
            generation_output: answer,
            ...(r.chance(0.5)
              ? {
                  generation_extra_info: {
                    schema_type: 'CHUNKS',
                    chunks: [{ text: r.pick(REFERENCES).content, metadata: { source: 'kb' } }],
                  },
                }
              : {
                  generation_extra_info: { schema_type: 'STRING', info: 'Answered from memory.' },
                }),
          }
        : {
            generation_output: {
              final_answer: answer,
              latency_ms: r.int(100, 2_000) + 0.5,
              conversation: [
                { role: 'user', content: PROMPTS[prompt] },
                { role: 'assistant', content: answer },
              ],
              sources: [{ text: r.pick(REFERENCES).content, metadata: { source: 'kb' } }],
              ...(r.chance(0.3)
                ? { image: { file_type: 'image', uri: `https://example.com/images/${index}.png` } }
                : {}),
            },
            generation_extra_info: null,
          };
    const assignedTo = this.assignedTo[index];
    const expiresAt = this.expiresAt[index] as number;
    // SGP is a FastAPI service: an unset optional field (`Optional[...] = None` in the official
    // `scale-gp` models) is sent as `null`, not left out. The mock does the same for the task's
    // assignment and for the result's unset annotation and audit fields.
    return {
      id: this.ids[index] as string,
      task_type: EVALUATION_TASK_TYPES[this.type[index] as number] as EvaluationTask['task_type'],
      task_entity_parent_id: evaluation.id,
      task_entity_id: resultId,
      account_id: this.accountId,
      assigned_to: assignedTo ?? null,
      assignment_expires_at: Number.isNaN(expiresAt) ? null : iso(expiresAt),
      status: completed ? 'COMPLETED' : 'PENDING',
      priority: this.priority[index] as number,
      task_entity: {
        id: resultId,
        account_id: this.accountId,
        application_spec_id: evaluation.applicationSpecId,
        created_at: iso(createdAt),
        created_by_user_id: 'user_scale_mock',
        created_by_identity_type: 'user',
        evaluation_id: evaluation.id,
        evaluation_dataset_id: evaluation.datasetId,
        evaluation_dataset_version_num: '1',
        test_case_id: uuidOf(this.seed, Stream.sgpState, 6, index),
        label_status: completed ? 'COMPLETED' : 'PENDING',
        audit_status: 'UNAUDITED',
        audit_required: this.type[index] === 1,
        audit_comment: null,
        archived_at: null,
        result: completed
          ? { accuracy: r.pick(['correct', 'partially_correct', 'incorrect']) }
          : {},
        ...(completed
          ? {
              completed_at: iso(createdAt + 2 * HOUR),
              annotated_by_user_id: annotator,
              annotated_by_identity_type: 'user',
              time_spent_labeling_s: r.int(20, 600),
            }
          : {
              completed_at: null,
              annotated_by_user_id: null,
              annotated_by_identity_type: null,
              time_spent_labeling_s: null,
            }),
        test_case_evaluation_data_schema: schema,
        test_case_evaluation_data: data,
      } as EvaluationTask['task_entity'],
    };
  }
}

/** The handlers of the three SGP operations, by operationId. */
export function sgpHandlers(store: SgpStore, now: Clock): Record<string, Handler> {
  const evaluationOf = (id: string | undefined) => {
    const evaluation = id === undefined ? undefined : store.evaluationById.get(id);
    if (!evaluation) {
      throw notFound('Evaluation not found.');
    }
    return evaluation;
  };
  const taskOf = (evaluation: EvaluationRecord, id: string) => {
    const index = store.taskById.get(id);
    if (index === undefined || store.evaluation[index] !== evaluation.index) {
      throw notFound('Task not found.');
    }
    return index;
  };

  return {
    updateEvaluationTask: ({ path, body }) => {
      const evaluation = evaluationOf(path.evaluation_id);
      const index = taskOf(evaluation, path.task_id as string);
      const assignedTo = (body as { assigned_to?: unknown } | undefined)?.assigned_to;
      if (typeof assignedTo === 'string') {
        store.assign(index, assignedTo, Number.NaN);
      }
      return ok(store.render(index));
    },

    claimEvaluationTask: ({ path, query, body, caller }) => {
      const evaluation = evaluationOf(path.evaluation_id);
      const type = EVALUATION_TASK_TYPES.indexOf(
        ((query.task_type as string | undefined) ?? 'EVALUATION_ANNOTATION') as never,
      );
      const at = now();
      const skipped = store.skipped.get(caller) ?? new Set<number>();
      store.skipped.set(caller, skipped);
      if ((body as { skip_current?: unknown } | undefined)?.skip_current === true) {
        const current = store.current.get(caller);
        if (current !== undefined && store.assignedTo[current] === caller) {
          store.assign(current, undefined, Number.NaN);
          skipped.add(current);
        }
        store.current.delete(caller);
      }
      const next = evaluation.claimOrder.find(
        (index) => store.type[index] === type && !skipped.has(index) && store.claimable(index, at),
      );
      if (next === undefined) {
        return ok(null);
      }
      store.assign(next, caller, at + ASSIGNMENT_MS);
      store.current.set(caller, next);
      return ok(store.render(next));
    },

    batchAssignEvaluationTasks: ({ path, body, caller }) => {
      const evaluation = evaluationOf(path.evaluation_id);
      const request = body as { task_ids: string[]; assigned_to?: string };
      const missing = request.task_ids.filter((id) => {
        const index = store.taskById.get(id);
        return index === undefined || store.evaluation[index] !== evaluation.index;
      });
      if (missing.length > 0) {
        throw notFound(`Tasks not found in this evaluation: ${missing.join(', ')}.`);
      }
      const user = request.assigned_to ?? caller;
      const indices = [...new Set(request.task_ids)].map((id) => store.taskById.get(id) as number);
      for (const index of indices) {
        store.assign(index, user, Number.NaN);
      }
      return ok(indices.map((index) => store.render(index)));
    },
  };
}
