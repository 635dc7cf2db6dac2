/** Shown where a secret was. */
export const REDACTED = '[redacted]';

/** The forms in which a key may come back: as sent, URL-encoded, or inside a Basic credential. */
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

/** Replaces every occurrence of each secret in `text`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result;
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
