/**
 * Runs the fidelity comparison of one official client against one bundle: operations (paths,
 * parameters, bodies, responses), then every official model against its counterpart, and
 * collects the findings per official operation and model (the rows of the test's tables).
 */
import {
  type Comparison,
  compare,
  exceptionKey,
  type Finding,
  type OfficialFile,
  OfficialModels,
  type OfficialOperation,
  type OptionalFields,
  OurSchemas,
  parseConstraints,
  parseOfficialType,
  resolvePointer,
  type Shape,
} from './fidelity.js';

type JsonObject = { [key: string]: unknown };

/** How official model names map to ours. */
export type NameMapping = {
  /** Official name → our component name, where they differ. */
  aliases: Record<string, string>;
  /** Renamings tried when the name itself has no match: a pattern and its replacement. */
  rules: [RegExp, string][];
};

export type Row = {
  /** `operation:<python method>` or `model:<official name>`. */
  subject: string;
  label: string;
  findings: Finding[];
};

export type Place = { pointer: string; official: string[]; message: string; evidence?: string };

export type ApiReport = {
  api: string;
  officialVersion: string;
  operations: { official: number; missing: string[]; parametersStricter: number };
  models: {
    official: number;
    compared: number;
    withoutCounterpart: { model: string; expected: string; referencedFrom: string[] }[];
  };
  stricter: Place[];
  exceptionsUsed: Place[];
  unusedExceptions: string[];
  invalidExceptions: { pointer: string; value: unknown }[];
  missingFields: Place[];
  rows: Row[];
};

const key = (name: string) => name.replaceAll('_', '').toLowerCase();
const escapeKey = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** The candidate names of our counterpart of an official model, best first. */
export function candidateNames(name: string, mapping: NameMapping, depth = 0): string[] {
  const alias = mapping.aliases[name];
  if (alias !== undefined) {
    return [alias];
  }
  const renamed = depth > 3 ? [] : mapping.rules.filter(([pattern]) => pattern.test(name));
  return [
    name,
    ...renamed.flatMap(([pattern, replacement]) =>
      candidateNames(name.replace(pattern, replacement), mapping, depth + 1),
    ),
  ];
}

/** Turns the findings of one place into one `exception` when the place declares one. */
function excuse(found: Finding[], at: string, evidence: unknown, official: string): Finding[] {
  const excused = found.filter((finding) => finding.level === 'stricter');
  if (typeof evidence !== 'string' || evidence.trim() === '' || excused.length === 0) {
    return found;
  }
  return [
    ...found.filter((finding) => finding.level !== 'stricter'),
    {
      level: 'exception',
      official,
      pointer: at,
      message: excused.map((finding) => `${finding.pointer}: ${finding.message}`).join('; '),
      evidence,
    },
  ];
}

export function checkFidelity(options: {
  api: string;
  official: OfficialFile;
  doc: JsonObject;
  mapping: NameMapping;
  optionalFields: OptionalFields | ((model: { module?: string }) => OptionalFields);
}): ApiReport {
  const { official: file, doc, mapping } = options;
  const optional = options.optionalFields;
  const official = new OfficialModels(
    file,
    typeof optional === 'function' ? optional : () => optional,
  );
  const ours = new OurSchemas(doc as never);
  const byKey = new Map(ours.names().map((name) => [key(name), name]));
  const counterpart = (name: string) =>
    candidateNames(name, mapping)
      .map((candidate) => byKey.get(key(candidate)))
      .find((found) => found !== undefined);
  const c: Comparison = { ours, official, counterpart };
  const rows: Row[] = [];
  const deref = (node: unknown): JsonObject => {
    const ref = (node as JsonObject)?.$ref;
    return (typeof ref === 'string' ? resolvePointer(doc, ref) : node) as JsonObject;
  };

  // Operations: path and method, parameters, request body, responses.
  const paths = (doc.paths ?? {}) as Record<string, JsonObject>;
  const template = (path: string) => path.replaceAll(/\{[^}]+\}/g, '{}');
  const missing: string[] = [];
  const stricterParameters = new Set<string>();
  const referencedFrom = new Map<string, string[]>();
  for (const [method, operation] of Object.entries(file.operations)) {
    const label = `${operation.method} ${operation.path} (${method})`;
    const found: Finding[] = [];
    const roots = operationRoots(operation);
    for (const model of official.reachable(roots)) {
      referencedFrom.set(model, [...(referencedFrom.get(model) ?? []), method]);
    }
    const path = Object.keys(paths).find((p) => template(p) === template(operation.path));
    const item = path === undefined ? undefined : paths[path];
    const ourOperation = item?.[operation.method.toLowerCase()] as JsonObject | undefined;
    const at = `#/paths/${escapeKey(path ?? operation.path)}/${operation.method.toLowerCase()}`;
    if (!path || !item || !ourOperation) {
      missing.push(`${operation.method} ${operation.path}`);
      found.push({
        level: 'stricter',
        official: method,
        pointer: at,
        message: `ours has no ${operation.method} ${operation.path}`,
      });
      rows.push({ subject: `operation:${method}`, label, findings: found });
      continue;
    }
    // Path parameters match by position: their names do not travel.
    const officialNames = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const ourNames = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const parameters = [
      ...((item.parameters ?? []) as unknown[]).map((p, i) => ({
        p,
        at: `#/paths/${escapeKey(path)}/parameters/${i}`,
      })),
      ...((ourOperation.parameters ?? []) as unknown[]).map((p, i) => ({
        p,
        at: `${at}/parameters/${i}`,
      })),
    ].map(({ p, at: where }) => {
      const ref = (p as JsonObject).$ref;
      return { parameter: deref(p), at: typeof ref === 'string' ? ref : where };
    });
    const seen = new Set<unknown>();
    for (const [name, parameter] of Object.entries(operation.params)) {
      const subject = `${method}(${name})`;
      let paramFindings: Finding[];
      if (parameter.in === 'body') {
        paramFindings = compareBody(c, ourOperation, at, parameter, subject);
      } else {
        const ourName = parameter.in === 'path' ? ourNames[officialNames.indexOf(name)] : name;
        const match = parameters.filter(({ parameter: p }) => p.name === ourName);
        const same = match.find(({ parameter: p }) => p.in === parameter.in);
        if (!same) {
          const where = match[0]?.at ?? `${at}/parameters`;
          const message = match[0]
            ? `ours has ${ourName} in ${String(match[0].parameter.in)}, official in ${parameter.in}`
            : `ours has no ${parameter.in} parameter ${name}`;
          paramFindings = [{ level: 'stricter', official: subject, pointer: where, message }];
        } else {
          seen.add(same.parameter);
          paramFindings = compareParameter(c, same.parameter, same.at, parameter, subject);
        }
      }
      if (paramFindings.some((finding) => finding.level === 'stricter')) {
        stricterParameters.add(subject);
      }
      found.push(...paramFindings);
    }
    for (const { parameter, at: where } of parameters) {
      if (!seen.has(parameter) && parameter.required === true) {
        const message = `ours requires ${String(parameter.in)} parameter ${String(parameter.name)}, which the official client does not know`;
        found.push({ level: 'stricter', official: method, pointer: where, message });
      }
    }
    found.push(...compareResponses(c, ourOperation, at, operation, method, deref));
    rows.push({ subject: `operation:${method}`, label, findings: found });
  }

  // Models: each official model against its counterpart, field by field.
  const modelRows = new Map<string, Row>();
  for (const name of Object.keys(file.models)) {
    const cp = counterpart(name);
    const row: Row = {
      subject: `model:${name}`,
      label: cp === undefined ? name : `${name} = ${cp}`,
      findings: [],
    };
    const helperOf = official.helperOf(name);
    if (helperOf !== undefined) {
      row.label = `${name} (fields of ${helperOf}${cp === undefined ? '' : ` = ${cp}`})`;
    } else if (cp !== undefined) {
      const memberOf = official.discriminated.get(name);
      const shape: Shape = ours.component(cp);
      row.findings = compare(c, official.model(name), shape, { official: name, memberOf });
    }
    modelRows.set(name, row);
    rows.push(row);
  }
  const allFindings = rows.flatMap((row) => row.findings);
  const inline = new Set(allFindings.filter((f) => f.level === 'match').map((f) => f.official));
  const withoutCounterpart: ApiReport['models']['withoutCounterpart'] = [];
  for (const [name, row] of modelRows) {
    if (counterpart(name) !== undefined || inline.has(name)) {
      continue;
    }
    const expected = candidateNames(name, mapping)[0] ?? name;
    const from = referencedFrom.get(name) ?? [];
    withoutCounterpart.push({ model: name, expected, referencedFrom: from });
    row.label = `${name} (no counterpart${from.length > 0 ? '' : '; no operation uses it'})`;
    if (from.length > 0) {
      row.findings.push({
        level: 'stricter',
        official: name,
        pointer: `#/components/schemas/${expected}`,
        message: `no counterpart in ours (expected ${expected}), yet ${from.join(', ')} use it`,
      });
    }
  }

  const finalFindings = rows.flatMap((row) => row.findings);
  const used = places(finalFindings.filter((f) => f.level === 'exception'));
  const usedPointers = new Set(used.map((place) => place.pointer));
  const invalid = ours.invalidDeclarations();
  return {
    api: options.api,
    officialVersion: file.scaleapi_version ?? 'unknown',
    operations: {
      official: Object.keys(file.operations).length,
      missing,
      parametersStricter: stricterParameters.size,
    },
    models: {
      official: Object.keys(file.models).length,
      compared: Object.keys(file.models).filter(
        (name) => counterpart(name) !== undefined || inline.has(name),
      ).length,
      withoutCounterpart,
    },
    stricter: places(finalFindings.filter((f) => f.level === 'stricter')),
    exceptionsUsed: used,
    unusedExceptions: ours.declarations
      .filter((d) => !invalid.includes(d) && !usedPointers.has(d.pointer))
      .map((d) => d.pointer),
    invalidExceptions: invalid.map((d) => ({ pointer: d.pointer, value: d.evidence })),
    missingFields: places(
      finalFindings.filter((f) => f.level === 'info' && f.message.startsWith('ours lacks')),
    ),
    rows,
  };
}

/** The findings grouped by place (our pointer and what differs), with every official name. */
function places(found: Finding[]): Place[] {
  const grouped = new Map<string, Place>();
  for (const finding of found) {
    const id = `${finding.pointer} ${finding.message}`;
    const place = grouped.get(id) ?? {
      pointer: finding.pointer,
      official: [],
      message: finding.message,
      ...(finding.evidence === undefined ? {} : { evidence: finding.evidence }),
    };
    if (!place.official.includes(finding.official)) {
      place.official.push(finding.official);
    }
    grouped.set(id, place);
  }
  return [...grouped.values()].sort((a, b) => a.pointer.localeCompare(b.pointer));
}

function operationRoots(operation: OfficialOperation): string[] {
  return [
    ...Object.values(operation.params).flatMap((p) => OfficialModels.refs(p.type)),
    ...Object.values(operation.responses ?? {}).filter((model) => model !== 'None'),
  ];
}

function compareParameter(
  c: Comparison,
  parameter: JsonObject,
  at: string,
  officialParameter: OfficialOperation['params'][string],
  subject: string,
): Finding[] {
  const found: Finding[] = [];
  if (parameter.required === true && !officialParameter.required) {
    const message = 'ours requires it; the official client treats it as optional';
    found.push({ level: 'stricter', official: subject, pointer: at, message });
  }
  // `multi` is one `key=value` per item: OpenAPI's form style, exploded (the query default).
  if (officialParameter.collection_format === 'multi') {
    const style = parameter.style ?? (parameter.in === 'query' ? 'form' : 'simple');
    const explode = parameter.explode ?? style === 'form';
    if (style !== 'form' || explode !== true) {
      const message = `style ${String(style)}, explode ${String(explode)}: ours expects one value; the official client repeats the key`;
      found.push({ level: 'stricter', official: subject, pointer: at, message });
    }
  }
  const officialShape = parseOfficialType(officialParameter.type, subject);
  officialShape.bounds = parseConstraints(officialParameter.constraints);
  const ourShape = c.ours.shape(parameter.schema as never, `${at}/schema`);
  const where = { official: subject, parameter: officialParameter.in as 'query' };
  found.push(...compare(c, officialShape, ourShape, where));
  return excuse(found, at, parameter[exceptionKey], subject);
}

function compareBody(
  c: Comparison,
  operation: JsonObject,
  at: string,
  officialBody: OfficialOperation['params'][string],
  subject: string,
): Finding[] {
  const body = operation.requestBody as JsonObject | undefined;
  const schema = (body?.content as JsonObject | undefined)?.['application/json'] as
    | JsonObject
    | undefined;
  if (!schema?.schema) {
    const message = 'ours describes no application/json request body';
    return [{ level: 'stricter', official: subject, pointer: `${at}/requestBody`, message }];
  }
  const found: Finding[] = [];
  if (body?.required === true && !officialBody.required) {
    const message = 'ours requires a body; the official client may send none';
    found.push({ level: 'stricter', official: subject, pointer: `${at}/requestBody`, message });
  }
  const pointer = `${at}/requestBody/content/application~1json/schema`;
  const ourShape = c.ours.shape(schema.schema as never, pointer);
  found.push(
    ...compare(c, parseOfficialType(officialBody.type, subject), ourShape, { official: subject }),
  );
  return found;
}

function compareResponses(
  c: Comparison,
  operation: JsonObject,
  at: string,
  officialOperation: OfficialOperation,
  method: string,
  deref: (node: unknown) => JsonObject,
): Finding[] {
  const found: Finding[] = [];
  const responses = (operation.responses ?? {}) as JsonObject;
  for (const [status, model] of Object.entries(officialOperation.responses ?? {})) {
    const subject = `${method} ${status}`;
    const ourStatus = [status, `${status[0]}XX`, 'default'].find((s) => s in responses);
    if (ourStatus === undefined) {
      const message = `ours does not describe status ${status} (official: ${model})`;
      found.push({ level: 'stricter', official: subject, pointer: `${at}/responses`, message });
      continue;
    }
    if (model === 'None') {
      continue;
    }
    const entry = responses[ourStatus] as JsonObject;
    const response = deref(entry);
    const media = (response.content as JsonObject | undefined)?.['application/json'] as
      | JsonObject
      | undefined;
    const base = typeof entry.$ref === 'string' ? entry.$ref : `${at}/responses/${ourStatus}`;
    const pointer = `${base}/content/application~1json/schema`;
    if (!media?.schema) {
      const message = `ours describes no application/json body for ${ourStatus} (official: ${model})`;
      found.push({ level: 'stricter', official: subject, pointer, message });
      continue;
    }
    const ourShape = c.ours.shape(media.schema as never, pointer);
    found.push(
      ...compare(c, parseOfficialType(`ref:${model}`, subject), ourShape, { official: subject }),
    );
  }
  return found;
}
