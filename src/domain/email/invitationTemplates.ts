import { randomBytes } from 'node:crypto';
import { renderToString } from 'preact-render-to-string';
import { type InvitationEmailInput, renderInvitationEmail } from '../../email/templates/invitation.tsx';
import type { RenderedEmail } from '../../email/templates/layout.tsx';

/**
 * The invitations of one claimed batch differ only in the member's first name, link token and code; the
 * rest (organisation, inviter, expiry, opening) is the batch's. Rendering the template (preact, dates
 * through Intl) for every message cost a large share of a worker's time in a Send All, so it is rendered
 * once per shape with markers in those three places, and each message is put together from the pieces.
 * The result is byte for byte what `renderInvitationEmail` gives (tests/integration/deliveryTemplates).
 */

/** Per process, so no name, organisation setting or opening can contain a marker by chance. */
const MARK = `gh${randomBytes(9).toString('hex')}`;
const SLOTS: Record<'firstName' | 'token' | 'code', string> = {
  firstName: `${MARK}f`,
  token: `${MARK}t`,
  code: `${MARK}c`,
};
type Slot = keyof typeof SLOTS;
const SLOT_PATTERN = new RegExp(`(${Object.values(SLOTS).join('|')})`);
const SLOT_OF = new Map(Object.entries(SLOTS).map(([slot, marker]) => [marker, slot as Slot]));

/** A rendered part split at its markers: literal text at even places, slot names at odd ones. */
type Pieces = (string | Slot)[];
type Shape = { subject: Pieces; text: Pieces; html: Pieces };

/** A token or code placed raw in HTML must need no escaping; these alphabets never do. */
const PLAIN = /^[A-Za-z0-9_-]*$/;

export type InvitationParts = Omit<InvitationEmailInput, 'firstName' | 'link' | 'code'> & {
  firstName: string;
  /** The link is `linkTo(token)`; only the token differs from message to message. */
  token: string;
  code: string;
};

/** Renders invitations for one batch; `linkTo` makes the personal link from a token (PUBLIC_URL/invite/…). */
export function invitationRenderer(linkTo: (token: string) => string) {
  const shapes = new Map<string, Shape>();
  const shapeOf = (parts: InvitationParts): Shape => {
    const { firstName: _f, token: _t, code: _c, expiresAt, ...rest } = parts;
    const key = JSON.stringify([rest, expiresAt.getTime()]);
    let shape = shapes.get(key);
    if (!shape) {
      const email = renderInvitationEmail({
        ...rest,
        expiresAt,
        firstName: SLOTS.firstName,
        link: linkTo(SLOTS.token),
        code: SLOTS.code,
      });
      shape = { subject: split(email.subject), text: split(email.text), html: split(email.html) };
      shapes.set(key, shape);
    }
    return shape;
  };
  return (parts: InvitationParts): RenderedEmail => {
    // Anything unusual (a link that is not plain, a marker inside the link) is simply rendered in full.
    if (!PLAIN.test(parts.token) || !PLAIN.test(parts.code) || linkTo('').includes(MARK))
      return renderInvitationEmail({ ...parts, link: linkTo(parts.token) });
    const shape = shapeOf(parts);
    const raw = { firstName: parts.firstName, token: parts.token, code: parts.code };
    const html = { ...raw, firstName: escapedText(parts.firstName) };
    return { subject: join(shape.subject, raw), text: join(shape.text, raw), html: join(shape.html, html) };
  };
}

function split(rendered: string): Pieces {
  return rendered.split(SLOT_PATTERN).map((piece, i) => (i % 2 === 1 ? SLOT_OF.get(piece)! : piece));
}

function join(pieces: Pieces, values: Record<Slot, string>): string {
  let out = '';
  for (let i = 0; i < pieces.length; i++) out += i % 2 === 1 ? values[pieces[i] as Slot] : pieces[i];
  return out;
}

/** Text as preact writes it into HTML: its own escaping, so the pieces join exactly as a full render. */
const escapedText = (text: string): string => renderToString(text as never);
