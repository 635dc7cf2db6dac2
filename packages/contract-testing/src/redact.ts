/** Shown where a secret was. */
export const REDACTED = '[redacted]';

/**
 * The forms in which a key may come back: as sent, URL-encoded, JSON-escaped, or inside a Basic
 * credential (`base64(key + ':')`).
 */
export function secretForms(keys: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const key of keys) {
    if (key && key.length >= 4) {
      forms.add(key);
      forms.add(encodeURIComponent(key));
      forms.add(JSON.stringify(key).slice(1, -1));
      forms.add(Buffer.from(`${key}:`).toString('base64'));
    }
  }
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * The shortest piece of a secret that is still redacted on its own. A report cuts long values
 * (at 200 characters), and a cut can fall inside an echoed key: what is left of it is a secret
 * too, wherever it stands.
 */
export const MIN_SECRET_PIECE = 8;

/** Every `MIN_SECRET_PIECE`-character window of each secret, per list of secrets. */
const piecesOf = new WeakMap<readonly string[], Set<string>>();
function pieces(secrets: readonly string[]): Set<string> {
  let found = piecesOf.get(secrets);
  if (!found) {
    found = new Set();
    for (const secret of secrets) {
      for (let start = 0; start + MIN_SECRET_PIECE <= secret.length; start += 1) {
        found.add(secret.slice(start, start + MIN_SECRET_PIECE));
      }
    }
    piecesOf.set(secrets, found);
  }
  return found;
}

/** Replaces each run of `MIN_SECRET_PIECE` or more characters that some secret contains. */
function redactPieces(text: string, secrets: readonly string[]): string {
  if (text.length < MIN_SECRET_PIECE) {
    return text;
  }
  const windows = pieces(secrets);
  if (windows.size === 0) {
    return text;
  }
  let out = '';
  let kept = 0;
  let start = 0;
  while (start + MIN_SECRET_PIECE <= text.length) {
    if (!windows.has(text.slice(start, start + MIN_SECRET_PIECE))) {
      start += 1;
      continue;
    }
    let end = start + MIN_SECRET_PIECE;
    while (
      end < text.length &&
      secrets.some((secret) => secret.includes(text.slice(start, end + 1)))
    ) {
      end += 1;
    }
    out += `${text.slice(kept, start)}${REDACTED}`;
    kept = end;
    start = end;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/**
 * Replaces every occurrence of each secret in `text`, and every piece of one at least
 * `MIN_SECRET_PIECE` characters long (a key cut short).
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return redactPieces(result, secrets);
}

/** A deep copy of a JSON-like value with every string (keys included) scrubbed of the secrets. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) {
    return value;
  }
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') {
      return redactText(item, secrets);
    }
    if (Array.isArray(item)) {
      return item.map(walk);
    }
    if (item && typeof item === 'object') {
      return Object.fromEntries(
        Object.entries(item).map(([key, inner]) => [redactText(key, secrets), walk(inner)]),
      );
    }
    return item;
  };
  return walk(value) as T;
}
