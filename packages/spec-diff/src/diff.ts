/**
 * The classification rules: compares two bundled OpenAPI 3.1 documents and says, for every
 * change, whether it breaks a client (breaking), adds something (additive) or only touches
 * documentation (cosmetic). Schemas are compared by the direction the data travels: a
 * request schema may accept more, a response schema may promise more.
 */

export type ChangeKind = 'breaking' | 'additive' | 'cosmetic';
export type Direction = 'request' | 'response';

export interface Change {
  kind: ChangeKind;
  /** JSON pointer into the bundle (parameters are named `<in>:<name>`, not indexed). */
  path: string;
  reason: string;
  /** The API (bundle name) the change belongs to, when comparing several bundles. */
  api?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are untyped JSON here.
type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const DOC_KEYS = [
  'description',
  'summary',
  'title',
  'example',
  'examples',
  'externalDocs',
  '$comment',
  'deprecated',
] as const;

/** Constraints where a lower value is tighter. */
const UPPER_BOUNDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'];
/** Constraints where a higher value is tighter. */
const LOWER_BOUNDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'];

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function join(path: string, ...segments: (string | number)[]): string {
  return path + segments.map((s) => `/${escapePointer(String(s))}`).join('');
}

function equal(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** breaking when the change takes something away from the side that must cope with it. */
function narrowing(dir: Direction): ChangeKind {
  return dir === 'request' ? 'breaking' : 'additive';
}
function widening(dir: Direction): ChangeKind {
  return dir === 'request' ? 'additive' : 'breaking';
}

class Differ {
  readonly changes: Change[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly before: Json,
    private readonly after: Json,
  ) {}

  add(kind: ChangeKind, path: string, reason: string): void {
    if (!this.changes.some((c) => c.kind === kind && c.path === path && c.reason === reason)) {
      this.changes.push({ kind, path, reason });
    }
  }

  /** Follows a local `$ref` (siblings of `$ref` win over the target, as in 3.1). */
  private deref(doc: Json, node: Json): { node: Json; ref?: string } {
    let current = node;
    let ref: string | undefined;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 32; hops++) {
      const target = current.$ref as string;
      if (!target.startsWith('#/')) {
        break;
      }
      ref ??= target;
      const { $ref: _, ...siblings } = current;
      let resolved: Json = doc;
      for (const raw of target.slice(2).split('/')) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        resolved =
          isObject(resolved) || Array.isArray(resolved) ? (resolved as Json)[key] : undefined;
      }
      current = isObject(resolved) ? { ...resolved, ...siblings } : resolved;
    }
    return { node: current, ref };
  }

  private docs(path: string, a: Json, b: Json, keys: readonly string[] = DOC_KEYS): void {
    for (const key of keys) {
      if (!equal(a?.[key], b?.[key])) {
        this.add('cosmetic', join(path, key), `${key} changed`);
      }
    }
  }

  run(): Change[] {
    const a = this.before;
    const b = this.after;
    this.docs('', a?.info, b?.info, ['title', 'description', 'summary']);
    this.pathItems('/paths', a?.paths ?? {}, b?.paths ?? {}, false);
    this.pathItems('/webhooks', a?.webhooks ?? {}, b?.webhooks ?? {}, true);
    return this.changes;
  }

  private pathItems(base: string, a: Json, b: Json, webhook: boolean): void {
    for (const key of union(Object.keys(a), Object.keys(b))) {
      const itemPath = join(base, key);
      const before = this.deref(this.before, a[key]).node ?? {};
      const after = this.deref(this.after, b[key]).node ?? {};
      this.docs(itemPath, before, after, ['summary', 'description']);
      for (const method of METHODS) {
        const opPath = join(itemPath, method);
        const opA = before[method];
        const opB = after[method];
        if (opA && !opB) {
          this.add('breaking', opPath, `operation ${method.toUpperCase()} ${key} removed`);
        } else if (!opA && opB) {
          this.add('additive', opPath, `operation ${method.toUpperCase()} ${key} added`);
        } else if (opA && opB) {
          this.operation(opPath, before, opA, after, opB, webhook);
        }
      }
    }
  }

  private operation(
    path: string,
    itemA: Json,
    a: Json,
    itemB: Json,
    b: Json,
    webhook: boolean,
  ): void {
    // A webhook's request is what consumers receive, its responses what they send back.
    const inbound: Direction = webhook ? 'response' : 'request';
    const outbound: Direction = webhook ? 'request' : 'response';
    this.docs(path, a, b, ['summary', 'description', 'tags', 'externalDocs', 'deprecated']);
    if (a.operationId !== b.operationId) {
      this.add(
        'breaking',
        join(path, 'operationId'),
        `operationId renamed from ${a.operationId} to ${b.operationId} (generated method names change)`,
      );
    }
    this.parameters(path, this.params(this.before, itemA, a), this.params(this.after, itemB, b));
    this.requestBody(join(path, 'requestBody'), a.requestBody, b.requestBody, inbound);
    this.responses(join(path, 'responses'), a.responses ?? {}, b.responses ?? {}, outbound);
  }

  private params(doc: Json, item: Json, op: Json): Map<string, Json> {
    const out = new Map<string, Json>();
    for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      const p = this.deref(doc, raw).node;
      if (isObject(p)) {
        out.set(`${p.in}:${p.name}`, p);
      }
    }
    return out;
  }

  private parameters(opPath: string, a: Map<string, Json>, b: Map<string, Json>): void {
    for (const key of union([...a.keys()], [...b.keys()])) {
      const path = join(opPath, 'parameters', key);
      const pa = a.get(key);
      const pb = b.get(key);
      const label = `${pa?.in ?? pb?.in} parameter ${pa?.name ?? pb?.name}`;
      if (pa && !pb) {
        this.add('breaking', path, `${label} removed`);
      } else if (!pa && pb) {
        if (pb.required) {
          this.add('breaking', path, `new required ${label}`);
        } else {
          this.add('additive', path, `new optional ${label}`);
        }
      } else if (pa && pb) {
        this.docs(path, pa, pb, ['description', 'example', 'examples', 'deprecated']);
        if (!pa.required && pb.required) {
          this.add('breaking', join(path, 'required'), `${label} is now required`);
        } else if (pa.required && !pb.required) {
          this.add('additive', join(path, 'required'), `${label} is now optional`);
        }
        this.schema(join(path, 'schema'), pa.schema, pb.schema, 'request');
      }
    }
  }

  private requestBody(path: string, rawA: Json, rawB: Json, dir: Direction): void {
    const a = this.deref(this.before, rawA).node;
    const b = this.deref(this.after, rawB).node;
    if (a && !b) {
      this.add(narrowing(dir), path, 'request body removed');
      return;
    }
    if (!a && b) {
      this.add(b.required ? narrowing(dir) : widening(dir), path, 'request body added');
      return;
    }
    if (!a || !b) {
      return;
    }
    this.docs(path, a, b, ['description']);
    if (!a.required && b.required) {
      this.add(narrowing(dir), join(path, 'required'), 'request body is now required');
    } else if (a.required && !b.required) {
      this.add(widening(dir), join(path, 'required'), 'request body is now optional');
    }
    this.content(join(path, 'content'), a.content ?? {}, b.content ?? {}, dir);
  }

  private responses(path: string, a: Json, b: Json, dir: Direction): void {
    for (const status of union(Object.keys(a), Object.keys(b))) {
      const statusPath = join(path, status);
      if (a[status] && !b[status]) {
        this.add('breaking', statusPath, `documented response status ${status} removed`);
        continue;
      }
      if (!a[status] && b[status]) {
        this.add('additive', statusPath, `response status ${status} added`);
        continue;
      }
      const ra = this.deref(this.before, a[status]).node ?? {};
      const rb = this.deref(this.after, b[status]).node ?? {};
      this.docs(statusPath, ra, rb, ['description', 'summary']);
      this.content(join(statusPath, 'content'), ra.content ?? {}, rb.content ?? {}, dir);
      const ha = ra.headers ?? {};
      const hb = rb.headers ?? {};
      for (const name of union(Object.keys(ha), Object.keys(hb))) {
        const hPath = join(statusPath, 'headers', name);
        if (ha[name] && !hb[name]) {
          this.add(widening(dir), hPath, `response header ${name} removed`);
        } else if (!ha[name] && hb[name]) {
          this.add('additive', hPath, `response header ${name} added`);
        } else {
          const x = this.deref(this.before, ha[name]).node ?? {};
          const y = this.deref(this.after, hb[name]).node ?? {};
          this.docs(hPath, x, y, ['description', 'example', 'examples']);
          this.schema(join(hPath, 'schema'), x.schema, y.schema, dir);
        }
      }
    }
  }

  private content(path: string, a: Json, b: Json, dir: Direction): void {
    for (const type of union(Object.keys(a), Object.keys(b))) {
      const typePath = join(path, type);
      if (a[type] && !b[type]) {
        this.add('breaking', typePath, `media type ${type} removed`);
      } else if (!a[type] && b[type]) {
        this.add('additive', typePath, `media type ${type} added`);
      } else {
        this.docs(typePath, a[type], b[type], ['example', 'examples']);
        this.schema(join(typePath, 'schema'), a[type].schema, b[type].schema, dir);
      }
    }
  }

  /** Compares two schemas; `path` is where the comparison is reported. */
  schema(path: string, rawA: Json, rawB: Json, dir: Direction): void {
    if (rawA === undefined && rawB === undefined) {
      return;
    }
    if (rawA === undefined || rawB === undefined) {
      // No schema means "anything": adding one narrows, removing one widens.
      this.add(
        rawA === undefined ? narrowing(dir) : widening(dir),
        path,
        rawA === undefined ? 'schema added' : 'schema removed',
      );
      return;
    }
    const ra = this.deref(this.before, rawA);
    const rb = this.deref(this.after, rawB);
    // The same component on both sides: report once, at the component, per direction.
    if (ra.ref && ra.ref === rb.ref && ra.ref.startsWith('#/components/schemas/')) {
      path = ra.ref.slice(1);
    }
    const ua = this.unwrap(this.before, ra.node);
    const ub = this.unwrap(this.after, rb.node);
    const a = ua.node;
    const b = ub.node;
    if (typeof a === 'boolean' || typeof b === 'boolean' || !isObject(a) || !isObject(b)) {
      if (!equal(a, b)) {
        this.add('breaking', path, 'schema replaced');
      }
      return;
    }
    this.docs(path, a, b);
    this.nullability(path, a, b, dir);
    // Cycle guard: each pair of components is compared once per direction.
    const refA = ra.ref ?? ua.ref;
    const refB = rb.ref ?? ub.ref;
    if (refA || refB) {
      const key = `${refA ?? path}|${refB ?? path}|${dir}`;
      if (this.seen.has(key)) {
        return;
      }
      this.seen.add(key);
    }
    this.types(path, a, b, dir);
    this.enums(path, a, b, dir);
    this.constraints(path, a, b, dir);
    this.objects(path, a, b, dir);
    this.arrays(path, a, b, dir);
    this.compositions(path, a, b, dir);
  }

  /** `anyOf: [X, {type: null}]` is X made nullable: compare it as X. */
  private unwrap(doc: Json, s: Json): { node: Json; ref?: string } {
    if (!isObject(s)) {
      return { node: s };
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches: Json[] | undefined = s[key];
      if (!Array.isArray(branches) || !branches.some(isNullSchema)) {
        continue;
      }
      const rest = branches.filter((x) => !isNullSchema(x));
      const inner = rest.length === 1 ? this.deref(doc, rest[0]) : undefined;
      if (inner && isObject(inner.node)) {
        const { [key]: _, ...others } = s;
        return { node: { ...inner.node, ...others, nullable: true }, ref: inner.ref };
      }
    }
    return { node: s };
  }

  private nullability(path: string, a: Json, b: Json, dir: Direction): void {
    const na = nullable(a);
    const nb = nullable(b);
    if (!na && nb) {
      this.add(
        widening(dir),
        path,
        dir === 'request' ? 'now accepts null' : 'may now be null (consumers must handle null)',
      );
    } else if (na && !nb) {
      this.add(
        narrowing(dir),
        path,
        dir === 'request' ? 'no longer accepts null' : 'no longer null',
      );
    }
  }

  private types(path: string, a: Json, b: Json, dir: Direction): void {
    const ta = typeSet(a);
    const tb = typeSet(b);
    if (!ta || !tb) {
      if (ta && !tb) {
        this.add(widening(dir), join(path, 'type'), `type no longer restricted (was ${fmt(ta)})`);
      } else if (!ta && tb) {
        this.add(narrowing(dir), join(path, 'type'), `type restricted to ${fmt(tb)}`);
      }
      return;
    }
    const removed = [...ta].filter((t) => !tb.has(t) && !(t === 'integer' && tb.has('number')));
    const added = [...tb].filter((t) => !ta.has(t) && !(t === 'integer' && ta.has('number')));
    if (removed.length > 0 && added.length > 0) {
      this.add('breaking', join(path, 'type'), `type changed from ${fmt(ta)} to ${fmt(tb)}`);
    } else if (added.length > 0 || [...tb].some((t) => t === 'number' && ta.has('integer'))) {
      this.add(widening(dir), join(path, 'type'), `type widened from ${fmt(ta)} to ${fmt(tb)}`);
    } else if (removed.length > 0 || [...ta].some((t) => t === 'number' && tb.has('integer'))) {
      this.add(narrowing(dir), join(path, 'type'), `type narrowed from ${fmt(ta)} to ${fmt(tb)}`);
    }
  }

  private enums(path: string, a: Json, b: Json, dir: Direction): void {
    const ea = enumValues(a);
    const eb = enumValues(b);
    if (!ea && !eb) {
      return;
    }
    const p = join(path, a.const !== undefined || b.const !== undefined ? 'const' : 'enum');
    if (!ea && eb) {
      this.add(narrowing(dir), p, `restricted to ${eb.join(', ')}`);
      return;
    }
    if (ea && !eb) {
      this.add(widening(dir), p, 'no longer restricted to a list of values');
      return;
    }
    const removed = (ea as string[]).filter((v) => !(eb as string[]).includes(v));
    const added = (eb as string[]).filter((v) => !(ea as string[]).includes(v));
    if (removed.length > 0) {
      this.add(
        narrowing(dir),
        p,
        `enum narrowed: ${removed.join(', ')} removed${dir === 'request' ? ' (no longer accepted)' : ''}`,
      );
    }
    if (added.length > 0) {
      this.add(
        widening(dir),
        p,
        `enum widened: ${added.join(', ')} added${dir === 'response' ? ' (exhaustive switches in consumers break)' : ''}`,
      );
    }
  }

  private constraints(path: string, a: Json, b: Json, dir: Direction): void {
    // In a request a tighter constraint rejects what was accepted; in a response it only
    // narrows what consumers see, and a looser one may hand them values they never saw.
    const report = (key: string, tightened: boolean, detail: string) => {
      this.add(
        tightened ? narrowing(dir) : widening(dir),
        join(path, key),
        `${key} ${tightened ? 'tightened' : 'loosened'} (${detail})`,
      );
    };
    for (const key of [...UPPER_BOUNDS, ...LOWER_BOUNDS]) {
      const va = a[key];
      const vb = b[key];
      if (va === vb || (typeof va !== 'number' && typeof vb !== 'number')) {
        continue;
      }
      const detail = `${va ?? 'none'} → ${vb ?? 'none'}`;
      if (va === undefined || vb === undefined) {
        report(key, va === undefined, detail);
      } else {
        report(key, UPPER_BOUNDS.includes(key) ? vb < va : vb > va, detail);
      }
    }
    for (const key of ['pattern', 'format', 'multipleOf']) {
      if (!equal(a[key], b[key])) {
        report(key, b[key] !== undefined, `${a[key] ?? 'none'} → ${b[key] ?? 'none'}`);
      }
    }
    if (a.uniqueItems !== b.uniqueItems) {
      report('uniqueItems', b.uniqueItems === true, `${a.uniqueItems} → ${b.uniqueItems}`);
    }
  }

  private objects(path: string, a: Json, b: Json, dir: Direction): void {
    const pa: Record<string, Json> = a.properties ?? {};
    const pb: Record<string, Json> = b.properties ?? {};
    const reqA = new Set<string>(a.required ?? []);
    const reqB = new Set<string>(b.required ?? []);
    for (const name of union(Object.keys(pa), Object.keys(pb))) {
      const p = join(path, 'properties', name);
      if (name in pa && !(name in pb)) {
        this.add('breaking', p, `${dir} property ${name} removed`);
      } else if (!(name in pa) && name in pb) {
        if (dir === 'request') {
          if (reqB.has(name)) {
            this.add('breaking', p, `new required request property ${name}`);
          } else {
            this.add('additive', p, `new optional request property ${name}`);
          }
        } else {
          this.add('additive', p, `new response property ${name}`);
        }
      } else {
        this.schema(p, pa[name], pb[name], dir);
      }
    }
    for (const name of union([...reqA], [...reqB])) {
      if (!(name in pa) || !(name in pb)) {
        continue;
      }
      const p = join(path, 'required');
      if (!reqA.has(name) && reqB.has(name)) {
        this.add(
          narrowing(dir),
          p,
          dir === 'request'
            ? `request property ${name} is now required`
            : `response property ${name} is now always present`,
        );
      } else if (reqA.has(name) && !reqB.has(name)) {
        this.add(
          widening(dir),
          p,
          dir === 'request'
            ? `request property ${name} is now optional`
            : `response property ${name} may now be absent`,
        );
      }
    }
    const apA = a.additionalProperties;
    const apB = b.additionalProperties;
    if (apA === false && apB !== false) {
      this.add(widening(dir), join(path, 'additionalProperties'), 'additional properties allowed');
    } else if (apA !== false && apB === false) {
      this.add(narrowing(dir), join(path, 'additionalProperties'), 'additional properties refused');
    } else if (isObject(apA) && isObject(apB)) {
      this.schema(join(path, 'additionalProperties'), apA, apB, dir);
    }
  }

  private arrays(path: string, a: Json, b: Json, dir: Direction): void {
    if (a.items !== undefined || b.items !== undefined) {
      if (typeof a.items !== 'boolean' && typeof b.items !== 'boolean') {
        this.schema(join(path, 'items'), a.items ?? {}, b.items ?? {}, dir);
      }
    }
    const ta: Json[] = a.prefixItems ?? [];
    const tb: Json[] = b.prefixItems ?? [];
    for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
      const p = join(path, 'prefixItems', i);
      if (i >= tb.length) {
        this.add(widening(dir), p, `tuple position ${i} no longer described`);
      } else if (i >= ta.length) {
        this.add(narrowing(dir), p, `tuple position ${i} added`);
      } else {
        this.schema(p, ta[i], tb[i], dir);
      }
    }
  }

  private compositions(path: string, a: Json, b: Json, dir: Direction): void {
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const ba: Json[] = (a[key] ?? []).filter((s: Json) => !isNullSchema(s));
      const bb: Json[] = (b[key] ?? []).filter((s: Json) => !isNullSchema(s));
      if (ba.length === 0 && bb.length === 0) {
        continue;
      }
      // allOf adds constraints; anyOf/oneOf add alternatives.
      const more = key === 'allOf' ? narrowing(dir) : widening(dir);
      const fewer = key === 'allOf' ? widening(dir) : narrowing(dir);
      for (let i = 0; i < Math.max(ba.length, bb.length); i++) {
        const p = join(path, key, i);
        if (i >= bb.length) {
          this.add(fewer, p, `${key} branch removed`);
        } else if (i >= ba.length) {
          this.add(more, p, `${key} branch added`);
        } else {
          this.schema(p, ba[i], bb[i], dir);
        }
      }
    }
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function fmt(types: Set<string>): string {
  return [...types].join('|');
}

function isNullSchema(s: Json): boolean {
  return isObject(s) && (s.type === 'null' || s.const === null) && Object.keys(s).length <= 2;
}

function nullable(s: Json): boolean {
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return (
    types.includes('null') ||
    s.nullable === true ||
    (Array.isArray(s.enum) && s.enum.includes(null)) ||
    [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(isNullSchema)
  );
}

/** The non-null types a schema allows, or undefined when it does not say. */
function typeSet(s: Json): Set<string> | undefined {
  if (s.type === undefined) {
    return undefined;
  }
  const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t: string) => t !== 'null');
  return types.length > 0 ? new Set(types) : undefined;
}

function enumValues(s: Json): string[] | undefined {
  const values = s.const !== undefined ? [s.const] : s.enum;
  if (!Array.isArray(values)) {
    return undefined;
  }
  return values.filter((v) => v !== null).map((v) => JSON.stringify(v));
}

/** Every change between two bundles of one API, in document order. */
export function diffDocuments(before: unknown, after: unknown): Change[] {
  return new Differ(before, after).run();
}

/** Compares several bundles by name (e.g. `scale`, `sgp`); a removed bundle is breaking. */
export function diffBundles(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Change[] {
  const out: Change[] = [];
  for (const api of union(Object.keys(before), Object.keys(after)).sort()) {
    if (!(api in after)) {
      out.push({ api, kind: 'breaking', path: '', reason: `API ${api} removed` });
    } else if (!(api in before)) {
      out.push({ api, kind: 'additive', path: '', reason: `API ${api} added` });
    } else {
      for (const change of diffDocuments(before[api], after[api])) {
        out.push({ api, ...change });
      }
    }
  }
  return out;
}

export type Bump = 'major' | 'minor' | 'patch';

/** any breaking = major, else any additive = minor, else any cosmetic = patch. */
export function bumpFor(changes: readonly Change[]): Bump | undefined {
  if (changes.some((c) => c.kind === 'breaking')) {
    return 'major';
  }
  if (changes.some((c) => c.kind === 'additive')) {
    return 'minor';
  }
  return changes.length > 0 ? 'patch' : undefined;
}
