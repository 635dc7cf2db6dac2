import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small, spec-conformant fake of the Scale (v1, v2) and SGP APIs on 127.0.0.1: what a team's
 * own fake might look like. One project with batches, tasks and a delivery, a few v1 tasks, one
 * SGP evaluation; it checks keys and parameters the way the spec documents. `close()` it.
 */
export async function startFakeApi(options: { scaleKey: string; sgpKey: string }) {
  const created = '2025-01-01T00:00:00Z';
  const project = { id: 'proj_1', name: 'fake-project', created_at: created };
  const batches = ['batch_1', 'batch_2', 'batch_3'].map((id, index) => ({
    id,
    name: `fake-batch-${index + 1}`,
    project: project.id,
    created_at: created,
    status: 'completed',
    metadata: {},
  }));
  const tasks = Array.from({ length: 5 }, (_, index) => ({
    task_id: `task_${index + 1}`,
    project: project.id,
    batch: batches[index % 3]?.id,
    status: index < 3 ? 'completed' : 'pending',
    created_at: created,
    metadata: {} as Record<string, unknown>,
    threads: [],
  }));
  // One detailed annotation on the first task's thread (its short form without opts).
  const annotation = {
    id: 'an_1',
    key: 'helpfulness',
    type: 'category',
    value: 'helpful',
    possible_values: ['helpful', 'not_helpful'],
  };
  const threadsOf = (task: { task_id: string }, query: URLSearchParams) => {
    const opts = query.getAll('opts');
    return task.task_id === 'task_1'
      ? [
          {
            id: 'thread_1',
            turns: [],
            annotations: [
              opts.includes('annotation_details')
                ? annotation
                : { key: annotation.key, value: annotation.value },
            ],
            ...(opts.includes('submissions')
              ? { submissions: [{ submitted_at: created, contributor_id: 'contributor_1' }] }
              : {}),
          },
        ]
      : [];
  };
  const responseSchema = {
    id: 'schema_1',
    json: JSON.stringify({ type: 'object', required: ['turns'] }),
  };
  // The datasets product: one dataset, one delivery of three tasks, one with an attachment.
  const dataset = { id: 'dataset_1', name: 'fake-dataset' };
  const datasetDelivery = {
    id: 'dataset_delivery_1',
    name: 'fake-dataset-delivery',
    delivered_at: created,
    metadata: { task_count: 3, turn_count: 3 },
    dataset: dataset.id,
  };
  const datasetTasks = Array.from({ length: 3 }, (_, index) => ({
    task_id: `dataset_task_${index + 1}`,
    response: {
      turns: [
        {
          messages: [
            {
              role: 'user',
              content: 'fake prompt',
              ...(index === 1 ? { attachments: [{ id: 'attachment_1', name: 'a.txt' }] } : {}),
            },
          ],
        },
      ],
    },
  }));
  const batchStore = new Map<string, Record<string, unknown>>();
  const delivery = {
    id: 'delivery_1',
    name: 'fake-delivery',
    task_count: 3,
    delivered_at: created,
    project: project.id,
  };
  const v1Tasks = new Map(
    Array.from({ length: 3 }, (_, index) => {
      const id = `v1_${index + 1}`;
      return [
        id,
        {
          task_id: id,
          type: 'categorization',
          status: index === 0 ? 'completed' : 'pending',
          created_at: created,
          project: project.name,
          tags: [] as string[],
          metadata: {} as Record<string, unknown>,
          unique_id: undefined as string | undefined,
        },
      ];
    }),
  );
  const evaluationTask = {
    id: 'etask_1',
    task_type: 'EVALUATION_ANNOTATION',
    task_entity_parent_id: 'eval_1',
    task_entity_id: 'tcr_1',
    account_id: 'acct_1',
    assigned_to: 'user_1',
    status: 'PENDING',
    priority: 1,
  };
  const uniqueIds = new Set<string>();
  let counter = 0;

  class Reply extends Error {
    constructor(
      readonly status: number,
      readonly body: unknown,
      readonly headers: Record<string, string> = {},
    ) {
      super(String(status));
    }
  }
  const scaleError = (status: number, error: string) =>
    new Reply(status, { status_code: status, error });
  const sgpError = (status: number, detail: unknown) => new Reply(status, { detail });
  const unprocessable = (field: string, part = 'body') =>
    new Reply(422, { detail: [{ loc: [part, field], msg: 'Invalid', type: 'value_error' }] });

  /** A page of `items` as `{ [key]: items, next_token? }`, with a numeric offset as the cursor. */
  function page(
    items: unknown[],
    query: URLSearchParams,
    key: string,
  ): Record<string, unknown> & { next_token?: string } {
    const limit = limitOf(query);
    const token = query.get('next_token');
    if (token !== null && !/^\d+$/.test(token)) {
      throw scaleError(400, 'Invalid next_token.');
    }
    const start = token === null ? 0 : Number(token);
    const next = start + limit < items.length ? String(start + limit) : undefined;
    return { [key]: items.slice(start, start + limit), ...(next ? { next_token: next } : {}) };
  }
  const withToken = (query: URLSearchParams, token: string) => {
    const copy = new URLSearchParams(query);
    copy.set('next_token', token);
    return copy;
  };
  function limitOf(query: URLSearchParams): number {
    const raw = query.get('limit');
    const limit = raw === null ? 100 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw scaleError(400, 'limit must be between 1 and 100.');
    }
    return limit;
  }
  function oneOf(query: URLSearchParams, names: string[]) {
    if (!names.some((name) => query.get(name))) {
      throw scaleError(400, `Please include one of ${names.join(', ')}.`);
    }
  }
  function enumOf(query: URLSearchParams, name: string, values: string[]) {
    for (const value of query.getAll(name)) {
      if (!values.includes(value)) {
        throw scaleError(400, `Invalid ${name}.`);
      }
    }
  }
  function projectOf(query: URLSearchParams) {
    oneOf(query, ['project_id', 'project_name']);
    const id = query.get('project_id');
    const name = query.get('project_name');
    if ((id && id !== project.id) || (name && name !== project.name)) {
      throw scaleError(404, 'Project not found.');
    }
    return project;
  }
  const taskStatuses = ['pending', 'completed', 'canceled', 'error', 'deleted'];
  const v1Of = (id: string) => {
    const task = v1Tasks.get(decodeURIComponent(id));
    if (!task) {
      throw scaleError(404, 'Task not found.');
    }
    return task;
  };
  const expandProject = (query: URLSearchParams) =>
    query.getAll('expand').includes('project') ? project : project.id;
  /** A v2 task as the API renders it: `expand` and `opts` applied. */
  const renderTask = (task: (typeof tasks)[number], query: URLSearchParams) => {
    const batch = batches.find((item) => item.id === task.batch);
    return {
      ...task,
      project: expandProject(query),
      ...(task.batch === undefined
        ? {}
        : { batch: query.getAll('expand').includes('batch') && batch ? batch : task.batch }),
      threads: threadsOf(task, query),
    };
  };

  function scale(method: string, path: string, query: URLSearchParams, body: unknown): unknown {
    const route = `${method} ${path}`;
    if (route === 'GET /v2/projects') {
      return { projects: [project] };
    }
    if (route === 'GET /v2/project') {
      return projectOf(query);
    }
    if (route === 'GET /v2/batches') {
      projectOf(query);
      enumOf(query, 'status', ['staging', 'in_progress', 'completed', 'paused', 'cancelled']);
      const status = query.get('status');
      const list = batches
        .filter((batch) => !status || batch.status === status)
        .map((batch) => ({ ...batch, project: expandProject(query) }));
      return page(list, query, 'batches');
    }
    if (route === 'GET /v2/batch') {
      oneOf(query, ['batch_id', 'batch_name']);
      const batch = [...batches, ...batchStore.values()].find(
        (item) => item.id === query.get('batch_id') || item.name === query.get('batch_name'),
      );
      if (!batch) {
        throw scaleError(404, 'Batch not found.');
      }
      return { ...batch, project: expandProject(query) };
    }
    if (route === 'GET /v2/tasks') {
      oneOf(query, ['project_id', 'project_name', 'batch_id', 'batch_name']);
      enumOf(query, 'status', taskStatuses);
      enumOf(query, 'expand', ['project', 'batch']);
      enumOf(query, 'opts', [
        'annotation_details',
        'attachment_details',
        'model_parameters',
        'submissions',
      ]);
      for (const name of ['completed_after', 'completed_before']) {
        const value = query.get(name);
        if (value !== null && Number.isNaN(Date.parse(value))) {
          throw scaleError(400, `${name} must be a date-time.`);
        }
      }
      const status = query.get('status');
      const batchName = query.get('batch_name');
      const batch =
        query.get('batch_id') ?? batches.find((item) => item.name === batchName)?.id ?? batchName;
      return page(
        tasks
          .filter((task) => (!status || task.status === status) && (!batch || task.batch === batch))
          .map((task) => renderTask(task, query)),
        query,
        'tasks',
      );
    }
    if (route === 'GET /v2/task') {
      oneOf(query, ['task_id']);
      enumOf(query, 'expand', ['project', 'batch']);
      enumOf(query, 'opts', [
        'annotation_details',
        'attachment_details',
        'model_parameters',
        'submissions',
      ]);
      const task = tasks.find((item) => item.task_id === query.get('task_id'));
      if (!task) {
        throw scaleError(404, 'Task not found.');
      }
      return renderTask(task, query);
    }
    if (route === 'GET /v2/annotation') {
      oneOf(query, ['annotation_id']);
      if (query.get('annotation_id') !== annotation.id) {
        throw scaleError(404, 'Annotation not found.');
      }
      return annotation;
    }
    if (route === 'GET /v2/schema') {
      oneOf(query, ['schema_id']);
      if (query.get('schema_id') !== responseSchema.id) {
        throw scaleError(404, 'Schema not found.');
      }
      return { schema: responseSchema };
    }
    const datasetRoute = datasets(route, path, query);
    if (datasetRoute !== undefined) {
      return datasetRoute;
    }
    const batchRoute = batchWrites(route, body);
    if (batchRoute !== undefined) {
      return batchRoute;
    }
    if (route === 'GET /v2/deliveries') {
      projectOf(query);
      return { deliveries: [{ ...delivery, project: expandProject(query) }] };
    }
    if (route === 'GET /v2/delivery') {
      oneOf(query, ['delivery_id', 'delivery_name']);
      const id = query.get('delivery_id');
      if ((id && id !== delivery.id) || (!id && query.get('delivery_name') !== delivery.name)) {
        throw scaleError(404, 'Delivery not found.');
      }
      const result = page(
        tasks.slice(0, 3).map((task) => renderTask(task, query)),
        query,
        'tasks',
      );
      return query.getAll('expand').includes('delivery') ? { ...result, delivery } : result;
    }
    if (route === 'GET /v2/delivery/tasks') {
      projectOf(query);
      enumOf(query, 'status', taskStatuses);
      // The first three tasks are the delivery's.
      const deliveryId = query.get('delivery_id');
      if (deliveryId !== null && deliveryId !== delivery.id) {
        throw scaleError(404, 'Delivery not found.');
      }
      const docs = page(
        tasks
          .map((task, index) => ({
            task_id: task.task_id,
            delivery_id: index < 3 ? delivery.id : null,
            response: null,
            response_schema_id: responseSchema.id,
          }))
          .filter((doc) => deliveryId === null || doc.delivery_id === deliveryId),
        query,
        'docs',
      );
      return { ...docs, total: (docs.docs as unknown[]).length };
    }
    if (route === 'POST /v2/task/chat') {
      const request = body as Record<string, unknown> | undefined;
      if (!request?.project_id && !request?.project_name) {
        throw scaleError(400, 'Please include a project_id or a project_name.');
      }
      claimUnique(request.unique_id);
      counter += 1;
      const task = {
        task_id: `chat_${counter}`,
        project: project.id,
        status: 'pending',
        created_at: created,
        metadata: (request.metadata ?? {}) as Record<string, unknown>,
      };
      tasks.push({ ...task, batch: undefined, threads: [] });
      return task;
    }
    if (route === 'POST /v2/task/metadata') {
      const request = body as Record<string, unknown> | undefined;
      const task = tasks.find((item) => item.task_id === request?.task_id);
      if (typeof request?.task_id !== 'string' || typeof request.metadata !== 'object') {
        throw scaleError(400, 'Please include a task_id and metadata.');
      }
      if (!task) {
        throw scaleError(404, 'Task not found.');
      }
      task.metadata = request.merge
        ? { ...task.metadata, ...(request.metadata as Record<string, unknown>) }
        : (request.metadata as Record<string, unknown>);
      return renderTask(task, new URLSearchParams());
    }
    if (route === 'GET /v1/tasks') {
      const limit = limitOf(query);
      enumOf(query, 'status', ['pending', 'completed', 'canceled', 'error']);
      enumOf(query, 'type', ['categorization', 'imageannotation', 'textcollection']);
      const status = query.get('status');
      const tags = query.getAll('tags');
      const uniqueIds = query.getAll('unique_id');
      const list = [...v1Tasks.values()].filter(
        (task) =>
          (!status || task.status === status) &&
          (!query.get('type') || task.type === query.get('type')) &&
          (!query.get('project') || task.project === query.get('project')) &&
          (!query.get('batch') || (task as { batch?: string }).batch === query.get('batch')) &&
          (!query.get('customer_review_status') ||
            (task as { customer_review_status?: string }).customer_review_status ===
              query.get('customer_review_status')) &&
          tags.every((tag) => task.tags.includes(tag)) &&
          (uniqueIds.length === 0 || uniqueIds.includes(task.unique_id ?? '')),
      );
      // Legacy offset paging: the page starts there (the cursor is the offset too).
      const offset = query.get('offset');
      const result = page(list, offset === null ? query : withToken(query, offset), 'docs');
      return {
        ...result,
        total: list.length,
        limit,
        offset: Number(offset ?? query.get('next_token') ?? 0),
        has_more: result.next_token !== undefined,
      };
    }
    const v1 = /^\/v1\/task\/([^/]+)(\/[A-Za-z_]+)?$/.exec(path);
    if (v1) {
      const [, id = '', action] = v1;
      if (method === 'GET' && !action) {
        return v1Of(id);
      }
      if (method === 'POST' && !action) {
        // One creation path per task type: a type without one is not found.
        if (!['categorization', 'imageannotation', 'textcollection'].includes(id)) {
          throw scaleError(404, 'Unknown task type.');
        }
        if (id !== 'categorization') {
          throw scaleError(400, 'This fake creates categorization tasks only.');
        }
        const request = body as Record<string, unknown>;
        if (!Array.isArray(request.categories) || request.categories.length === 0) {
          throw scaleError(400, 'Please include categories.');
        }
        claimUnique(request.unique_id);
        counter += 1;
        const { project: _project, metadata: _metadata, unique_id: _unique, ...params } = request;
        const { instruction, ...rest } = params;
        const task = {
          task_id: `v1_new_${counter}`,
          type: id,
          status: 'pending',
          created_at: created,
          instruction,
          params: rest,
          project: project.name,
          tags: [] as string[],
          metadata: (request.metadata ?? {}) as Record<string, unknown>,
          unique_id: request.unique_id as string | undefined,
        };
        v1Tasks.set(task.task_id, task);
        return task;
      }
      const task = v1Of(id);
      const list = Array.isArray(body) ? (body as string[]) : undefined;
      switch (`${method} ${action}`) {
        case 'POST /setMetadata':
          task.metadata = body as Record<string, unknown>;
          return task;
        case 'POST /unique_id': {
          const uniqueId = (body as Record<string, unknown>)?.unique_id;
          if (typeof uniqueId !== 'string' || uniqueId === '') {
            throw scaleError(400, 'Please include a unique_id.');
          }
          claimUnique(uniqueId);
          task.unique_id = uniqueId;
          return task;
        }
        case 'DELETE /unique_id':
          task.unique_id = undefined;
          return task;
        case 'POST /tags':
        case 'PUT /tags':
        case 'DELETE /tags':
          if (!list) {
            throw scaleError(400, 'The body must be a list of tags.');
          }
          task.tags =
            method === 'POST'
              ? list
              : method === 'PUT'
                ? [...new Set([...task.tags, ...list])]
                : task.tags.filter((tag) => !list.includes(tag));
          return task;
        case 'POST /audit':
          if (typeof (body as Record<string, unknown>)?.accepted !== 'boolean') {
            throw scaleError(400, 'Please include accepted.');
          }
          return task;
        case 'POST /cancel':
          task.status = 'canceled';
          if (query.get('clear_unique_id')?.toLowerCase() === 'true') {
            task.unique_id = undefined;
          }
          return task;
      }
    }
    throw scaleError(404, `No route ${route}.`);
  }

  function dateOf(query: URLSearchParams, name: string) {
    const value = query.get(name);
    if (value !== null && Number.isNaN(Date.parse(value))) {
      throw scaleError(400, `${name} must be a date-time.`);
    }
  }

  /** The datasets product (read only); undefined for other routes. */
  function datasets(route: string, path: string, query: URLSearchParams): unknown {
    if (!route.startsWith('GET /v2/datasets')) {
      return undefined;
    }
    const datasetId = query.get('dataset_id');
    const deliveryId = query.get('delivery_id');
    if (
      (datasetId !== null && datasetId !== dataset.id) ||
      (deliveryId !== null && deliveryId !== datasetDelivery.id)
    ) {
      throw scaleError(404, 'Not found.');
    }
    const render = (task: (typeof datasetTasks)[number]) => {
      const expand = query.getAll('expand');
      return {
        ...task,
        dataset: expand.includes('dataset') ? dataset : dataset.id,
        delivery: expand.includes('delivery') ? datasetDelivery : datasetDelivery.id,
      };
    };
    switch (route) {
      case 'GET /v2/datasets':
        return { datasets: [dataset] };
      case 'GET /v2/datasets/deliveries':
        dateOf(query, 'delivered_after');
        dateOf(query, 'delivered_before');
        return {
          deliveries: [
            {
              ...datasetDelivery,
              dataset: query.getAll('expand').includes('dataset') ? dataset : dataset.id,
            },
          ],
        };
      case 'GET /v2/datasets/delivery':
      case 'GET /v2/datasets/tasks': {
        dateOf(query, 'delivered_after');
        dateOf(query, 'delivered_before');
        const result = page(datasetTasks.map(render), query, 'tasks');
        return route.endsWith('/delivery')
          ? {
              delivery: query.getAll('expand').includes('delivery')
                ? datasetDelivery
                : datasetDelivery.id,
              ...result,
            }
          : result;
      }
      case 'GET /v2/datasets/task': {
        oneOf(query, ['task_id']);
        const task = datasetTasks.find((item) => item.task_id === query.get('task_id'));
        if (!task) {
          throw scaleError(404, 'Task not found.');
        }
        return render(task);
      }
    }
    const download = /^\/v2\/datasets\/task\/([^/]+)\/response_url\/([^/]+)$/.exec(path);
    if (route.startsWith('GET ') && download) {
      if (download[1] !== 'dataset_task_2' || download[2] !== 'attachment_1') {
        throw scaleError(404, 'Attachment not found.');
      }
      throw new Reply(302, undefined, { location: 'https://storage.example.com/attachment_1' });
    }
    return undefined;
  }

  /** The v2 batch writes, with the lifecycle the spec describes; undefined for other routes. */
  function batchWrites(route: string, body: unknown): unknown {
    const request = (body ?? {}) as Record<string, unknown>;
    const find = () => {
      if (typeof request.batch_id !== 'string' && typeof request.batch_name !== 'string') {
        throw scaleError(400, 'Please include a batch_id or a batch_name.');
      }
      const batch = [...batchStore.values()].find(
        (item) => item.id === request.batch_id || item.name === request.batch_name,
      );
      if (!batch) {
        throw scaleError(404, 'Batch not found.');
      }
      return batch;
    };
    const move = (from: string[], to: string, message?: string) => {
      const batch = find();
      if (!from.includes(batch.status as string)) {
        throw scaleError(400, `The batch is ${batch.status}.`);
      }
      batch.status = to;
      return message ? { batch, message } : batch;
    };
    switch (route) {
      case 'POST /v2/batch': {
        if (typeof request.name !== 'string' || request.name === '') {
          throw scaleError(400, 'Please include a name.');
        }
        if (!request.project_id && !request.project_name) {
          throw scaleError(400, 'Please include a project_id or a project_name.');
        }
        if ([...batchStore.values(), ...batches].some((batch) => batch.name === request.name)) {
          throw scaleError(409, 'A batch with this name already exists.');
        }
        counter += 1;
        const batch = {
          id: `batch_new_${counter}`,
          name: request.name,
          project: project.id,
          created_at: created,
          status: request.staging_batch === true ? 'staging' : 'in_progress',
          metadata: (request.metadata ?? {}) as Record<string, unknown>,
        };
        batchStore.set(batch.id, batch);
        return batch;
      }
      case 'POST /v2/batch/finalize':
        return move(['staging', 'in_progress'], 'in_progress');
      case 'POST /v2/batch/pause':
        return move(['in_progress'], 'paused', 'Batch paused.');
      case 'POST /v2/batch/resume':
        return move(['paused'], 'in_progress', 'Batch resumed.');
      case 'POST /v2/batch/cancel':
        return move(['staging', 'in_progress', 'paused'], 'cancelled', 'Batch cancelled.');
      case 'POST /v2/batch/metadata': {
        if (typeof request.metadata !== 'object' || request.metadata === null) {
          throw scaleError(400, 'Please include metadata.');
        }
        const batch = find();
        batch.metadata = request.merge
          ? { ...(batch.metadata as object), ...request.metadata }
          : request.metadata;
        return batch;
      }
    }
    return undefined;
  }

  function claimUnique(uniqueId: unknown) {
    if (typeof uniqueId === 'string') {
      if (uniqueIds.has(uniqueId)) {
        throw scaleError(409, 'A task with this unique_id already exists.');
      }
      uniqueIds.add(uniqueId);
    }
  }

  function sgp(method: string, path: string, query: URLSearchParams, body: unknown): unknown {
    const match =
      /^\/v4\/evaluations\/([^/]+)\/(claim-task|tasks\/batch-assign|tasks\/([^/]+))$/.exec(path);
    if (match?.[1] !== 'eval_1') {
      throw sgpError(404, 'Not Found');
    }
    const request = body as Record<string, unknown> | undefined;
    if (method === 'POST' && match?.[2] === 'claim-task') {
      const type = query.get('task_type');
      if (type !== null && !['EVALUATION_ANNOTATION', 'EVALUATION_AUDIT'].includes(type)) {
        throw unprocessable('task_type', 'query');
      }
      return evaluationTask;
    }
    if (method === 'PATCH' && match[2] === 'tasks/batch-assign') {
      const ids = request?.task_ids;
      if (!Array.isArray(ids) || ids.length === 0) {
        throw unprocessable('task_ids');
      }
      return [evaluationTask];
    }
    if (method === 'PATCH' && match[3]) {
      if (request?.assigned_to !== undefined && typeof request.assigned_to !== 'string') {
        throw unprocessable('assigned_to');
      }
      if (match[3] !== evaluationTask.id) {
        throw sgpError(404, 'Not Found');
      }
      return evaluationTask;
    }
    throw sgpError(404, 'Not Found');
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const isSgp = url.pathname.startsWith('/v4/');
      let status = 200;
      let payload: unknown;
      let extra: Record<string, string> = {};
      try {
        const key = isSgp
          ? req.headers['x-api-key']
          : req.headers.authorization?.replace(/^Bearer /, '');
        if (key !== (isSgp ? options.sgpKey : options.scaleKey)) {
          throw isSgp ? sgpError(401, 'Invalid API key.') : scaleError(401, 'Unauthorized.');
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          throw isSgp ? unprocessable('body') : scaleError(400, 'Malformed JSON.');
        }
        payload = isSgp
          ? sgp(method, url.pathname, url.searchParams, body)
          : scale(method, url.pathname, url.searchParams, body);
      } catch (error) {
        if (!(error instanceof Reply)) {
          throw error;
        }
        status = error.status;
        payload = error.body;
        extra = error.headers;
      }
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    evaluationIds: ['eval_1'],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
