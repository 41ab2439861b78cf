import type { KeptSecret } from '../../db/schema.ts';
import { SECRET_MARKER_HREF as HREF_MARKER, SECRET_MARKER as MARKER } from '../email/storedCopy.ts';

export const hiddenWords = (label: KeptSecret['label']) =>
  `${label} hidden — only a Security Administrator can reveal it`;

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * A kept message's bodies as someone who may not reveal its secrets sees them: each marker becomes words
 * saying what is hidden and who can reveal it; in the HTML part, a hidden link goes nowhere.
 */
export function hideSecrets(
  bodies: { text: string | null; html: string | null },
  kept: KeptSecret[],
): { text: string | null; html: string | null } {
  const words = (i: string) => `[${hiddenWords(kept[Number(i)]?.label ?? 'link')}]`;
  return {
    text: bodies.text?.replace(MARKER, (_, i: string) => words(i)) ?? null,
    html:
      bodies.html?.replace(HREF_MARKER, 'href="#"').replace(MARKER, (_, i: string) => escapeHtml(words(i))) ??
      null,
  };
}

/** The bodies as they were sent: every marker replaced by its secret again. */
export function revealSecrets(
  bodies: { text: string | null; html: string | null },
  kept: KeptSecret[],
): { text: string | null; html: string | null } {
  const value = (i: string) => kept[Number(i)]?.value ?? '';
  return {
    text: bodies.text?.replace(MARKER, (_, i: string) => value(i)) ?? null,
    html: bodies.html?.replace(MARKER, (_, i: string) => escapeHtml(value(i))) ?? null,
  };
}
