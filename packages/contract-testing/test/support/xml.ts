/**
 * A small XML well-formedness check for the JUnit output: one root, tags nested and closed in
 * order, attributes quoted and unique, only the five named entities and character references,
 * no raw `<` or `&` in text. Returns the problems found (none when well-formed).
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let position = 0;
  for (let match = token.exec(body); match; match = token.exec(body)) {
    if (match.index !== position) {
      problems.push(`unparsed text at ${position}`);
    }
    position = token.lastIndex;
    const [, closing, name, attributes = '', selfClosing, text, stray] = match;
    if (stray) {
      problems.push(`stray "<" at ${match.index}`);
      continue;
    }
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') {
        problems.push(`text outside the root: ${text.slice(0, 20)}`);
      }
      checkEntities(text, problems);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) {
        problems.push(`</${name}> closes <${open}>`);
      }
      continue;
    }
    const names = [...attributes.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)].map((found) => {
      checkEntities(found[2] ?? '', problems);
      return found[1];
    });
    if (new Set(names).size !== names.length) {
      problems.push(`duplicate attribute in <${name}>`);
    }
    if (stack.length === 0) {
      roots += 1;
    }
    if (!selfClosing) {
      stack.push(name ?? '');
    }
  }
  if (position !== body.length) {
    problems.push(`unparsed text at ${position}`);
  }
  if (stack.length > 0) {
    problems.push(`unclosed <${stack.join('>, <')}>`);
  }
  if (roots !== 1) {
    problems.push(`${roots} root elements`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)) {
    problems.push('a character XML 1.0 forbids');
  }
  return problems;
}

function checkEntities(text: string, problems: string[]): void {
  for (const found of text.matchAll(/&([^;\s]*);?/g)) {
    if (
      !/^(amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+)$/.test(found[1] ?? '') ||
      !found[0].endsWith(';')
    ) {
      problems.push(`bad entity ${found[0]}`);
    }
  }
}
