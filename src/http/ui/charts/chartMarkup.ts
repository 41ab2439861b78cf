/** Reading chart markup in tests: well-formedness, the SVG, its table and cells. */
import { expect } from 'vitest';

/**
 * Checks that markup is well-formed XML (every element closed, properly nested) and returns the element
 * names in document order. preact writes void HTML elements without a slash, so those are exempt.
 */
export function elementsOf(markup: string): string[] {
  const VOID = new Set(['br', 'input', 'meta', 'link', 'img', 'hr']);
  const open: string[] = [];
  const seen: string[] = [];
  for (const m of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const top = open.pop();
      if (top !== name) throw new Error(`</${name}> closes <${top}>`);
    } else {
      seen.push(name!);
      if (!selfClosing && !VOID.has(name!)) open.push(name!);
    }
  }
  if (open.length) throw new Error(`unclosed: ${open.join(', ')}`);
  // Nothing that looks like a tag may be left unparsed (a broken attribute would be).
  const tags = markup.match(/<[^>]*>/g) ?? [];
  expect(tags.length).toBe(seen.length + markup.split('</').length - 1);
  return seen;
}

export const svgOf = (html: string) => /<svg[^>]*role="img"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
export const tableOf = (html: string) => /<details[\s\S]*<\/details>/.exec(html)?.[0] ?? '';
export const cells = (html: string) => [...html.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);

export const day = (d: string) => new Date(`${d}T00:00:00Z`);
