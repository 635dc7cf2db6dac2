/**
 * The words of a POSIX shell command line, as `sh` splits them: bare words, `'single quoted'`
 * (nothing special inside), `"double quoted"` (with `$NAME` expanded from `env` and `\` escaping
 * `\ " $` and backquote), adjacent parts joined. Enough for the reproducers `curlCommand` writes.
 */
export function shellWords(line: string, env: Record<string, string> = {}): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let index = 0;
  const append = (text: string) => {
    word = (word ?? '') + text;
  };
  while (index < line.length) {
    const char = line[index] as string;
    if (char === ' ' || char === '\t' || char === '\n') {
      if (word !== undefined) {
        words.push(word);
        word = undefined;
      }
      index += 1;
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) {
        throw new Error(`unterminated ' at ${index}`);
      }
      append(line.slice(index + 1, end));
      index = end + 1;
    } else if (char === '"') {
      index += 1;
      let text = '';
      while (index < line.length && line[index] !== '"') {
        const inner = line[index] as string;
        if (inner === '\\' && /[\\"$`]/.test(line[index + 1] ?? '')) {
          text += line[index + 1];
          index += 2;
        } else if (inner === '$') {
          const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(index + 1))?.[0] ?? '';
          text += name === '' ? '$' : (env[name] ?? '');
          index += 1 + name.length;
        } else {
          text += inner;
          index += 1;
        }
      }
      if (line[index] !== '"') {
        throw new Error('unterminated "');
      }
      append(text);
      index += 1;
    } else if (char === '\\') {
      append(line[index + 1] ?? '');
      index += 2;
    } else {
      append(char);
      index += 1;
    }
  }
  if (word !== undefined) {
    words.push(word);
  }
  return words;
}

/** A reproducer `curl` line as a fetch request: method, URL, headers, body. */
export function parseCurl(
  line: string,
  env: Record<string, string>,
): {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  redirect: 'manual';
} {
  const [command, ...words] = shellWords(line, env);
  if (command !== 'curl') {
    throw new Error(`not a curl line: ${line}`);
  }
  let method = 'GET';
  let url = '';
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    if (word === '-X') {
      method = words[++index] as string;
    } else if (word === '-H') {
      const header = words[++index] as string;
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (word === '--data-raw') {
      body = words[++index] as string;
      if (method === 'GET') {
        method = 'POST';
      }
    } else if (!word.startsWith('-')) {
      url = word;
    }
  }
  return { url, method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' };
}
