import { type Bump, bumpFor, type Change, type ChangeKind } from './diff.js';

/** The packages generated from the spec: they move together. */
export const GENERATED_PACKAGES = [
  '@scale-contracts/openapi',
  '@scale-contracts/types',
  '@scale-contracts/validators',
] as const;

const KINDS: ChangeKind[] = ['breaking', 'additive', 'cosmetic'];
const TAG: Record<ChangeKind, string> = {
  breaking: 'BREAKING',
  additive: 'ADDITIVE',
  cosmetic: 'COSMETIC',
};

function where(change: Change): string {
  const api = change.api ? `${change.api}:` : '';
  return `${api}${change.path === '' ? '/' : change.path}`;
}

/** One changelog line: `**BREAKING** **spec**: reason (`scale:/paths/...`)`. */
export function changelogLine(change: Change): string {
  return `- **${TAG[change.kind]}** **spec**: ${change.reason} (\`${where(change)}\`)`;
}

/** The changeset for the generated packages, or undefined when nothing changed. */
export function renderChangeset(changes: readonly Change[], baseLabel: string): string | undefined {
  const bump = bumpFor(changes);
  if (!bump) {
    return undefined;
  }
  const header = GENERATED_PACKAGES.map((name) => `'${name}': ${bump}`).join('\n');
  const counts = KINDS.map((k) => `${changes.filter((c) => c.kind === k).length} ${k}`).join(', ');
  const lines = KINDS.flatMap((k) => changes.filter((c) => c.kind === k).map(changelogLine));
  return `---\n${header}\n---\n\nSpec changes since ${baseLabel} (${counts}):\n\n${lines.join('\n')}\n`;
}

/** The readable report: changes grouped by kind, then the bump. */
export function renderTable(changes: readonly Change[], baseLabel: string): string {
  const out = [`spec-diff: comparing openapi/dist against ${baseLabel}`, ''];
  for (const kind of KINDS) {
    const group = changes.filter((c) => c.kind === kind);
    if (group.length === 0) {
      continue;
    }
    out.push(`${TAG[kind]} (${group.length})`);
    const width = Math.min(70, Math.max(...group.map((c) => where(c).length)));
    for (const change of group) {
      out.push(`  ${where(change).padEnd(width)}  ${change.reason}`);
    }
    out.push('');
  }
  const bump: Bump | undefined = bumpFor(changes);
  out.push(
    bump
      ? `bump: ${bump} (${GENERATED_PACKAGES.join(', ')})`
      : 'no spec changes: no changeset needed',
  );
  return `${out.join('\n')}\n`;
}
