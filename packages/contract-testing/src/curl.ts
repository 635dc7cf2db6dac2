/**
 * A request as a runnable `curl` command line, for reproducers: POSIX-shell quoted, the API key
 * replaced by a reference to the environment variable that holds it (`$SCALE_API_KEY`), so the
 * line can be pasted into a terminal (or a CI log) without carrying a secret.
 */

/** What `curl` must send. */
export interface CurlRequest {
  method: string;
  /** The full URL, already encoded (as `URL.toString()` gives it). */
  url: string;
  /** Headers to send as they are. */
  headers: Record<string, string>;
  /**
   * Headers whose value holds a secret: the value is written inside double quotes with
   * `$NAME` where the secret is, e.g. `{ authorization: 'Bearer $SCALE_API_KEY' }`.
   */
  secretHeaders?: Record<string, string>;
  /** The body, sent byte for byte (`--data-raw`). */
  body?: string;
}

/** `value` as one POSIX shell word: single quotes, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) {
    return value;
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A template with `$NAME` references, inside double quotes: everything but the references is
 * escaped (`\`, `"`, `` ` `` and `$` not followed by a variable name of the template's).
 */
function doubleQuoted(template: string): string {
  const escaped = template.replace(/[\\"`]|\$(?![A-Z_][A-Z0-9_]*)/g, (char) => `\\${char}`);
  return `"${escaped}"`;
}

/**
 * The curl command line of `request`: `-sS -i` (show the status line and headers), `-g` and
 * `--path-as-is` (send the URL exactly as given: no globbing, no dot-segment folding), `-X`
 * unless it is a GET, one `-H` per header, `--data-raw` for the body. Redirects are not
 * followed (curl's default), as `verify` does not follow them.
 */
export function curlCommand(request: CurlRequest): string {
  const words = ['curl', '-sS', '-i', '-g', '--path-as-is'];
  const method = request.method.toUpperCase();
  if (method !== 'GET') {
    words.push('-X', shellQuote(method));
  }
  words.push(shellQuote(request.url));
  for (const [name, value] of Object.entries(request.headers)) {
    words.push('-H', shellQuote(`${name}: ${value}`));
  }
  for (const [name, template] of Object.entries(request.secretHeaders ?? {})) {
    words.push('-H', doubleQuoted(`${name}: ${template}`));
  }
  if (request.body !== undefined) {
    words.push('--data-raw', shellQuote(request.body));
  }
  return words.join(' ');
}
