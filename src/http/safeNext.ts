/**
 * Where to continue after logging in (or choosing a password), when `next` names a page of this portal.
 *
 * A pattern on the raw string is not enough: browsers drop tabs and newlines from URLs and read `\` as
 * `/`, so `/\t/evil.example` or `/\evil.example` become `//evil.example`, another site. So control
 * characters and backslashes are refused outright, and what is left must parse (WHATWG URL, as browsers
 * do) against the portal's own address to the same origin. The answer is the re-serialised path, never
 * the raw input.
 */
export function safeNext(next: unknown, publicUrl: string): string | undefined {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return undefined;
  // C0 controls, DEL and the backslash that browsers treat as a slash.
  for (const ch of next) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || ch === '\\') return undefined;
  }
  if (!next.startsWith('/') || next.startsWith('//')) return undefined;
  let base: URL;
  let target: URL;
  try {
    base = new URL(publicUrl);
    target = new URL(next, base);
  } catch {
    return undefined;
  }
  if (target.origin !== base.origin) return undefined;
  return `${target.pathname}${target.search}${target.hash}`;
}
