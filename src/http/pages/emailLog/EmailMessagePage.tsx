import type { EmailMessageDetail } from '../../../domain/emailLog/emailLog.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { LinkedText } from './LinkedText.tsx';
import { NoSmtpNotice } from './NoSmtpNotice.tsx';
import { SecretsNotice } from './SecretsNotice.tsx';
import { kindWords, stateWords } from './words.ts';

type Props = {
  ctx: PageContext;
  message: EmailMessageDetail;
  mailFrom: string;
  delivers: boolean;
  errors?: FieldErrors;
};

function Headers({ message, mailFrom }: { message: EmailMessageDetail; mailFrom: string }) {
  const m = message;
  return (
    <section class="card" aria-labelledby="headers-heading">
      <h2 id="headers-heading">Message</h2>
      <dl class="details">
        <dt>From</dt>
        <dd>{mailFrom}</dd>
        <dt>To</dt>
        <dd>{m.toAddress}</dd>
        <dt>Subject</dt>
        <dd>{m.subject ?? 'Not written yet: the message is written when it is sent.'}</dd>
        <dt>Kind</dt>
        <dd>{kindWords[m.kind]}</dd>
        {m.member && (
          <>
            <dt>Member</dt>
            <dd>
              <a href={paths.memberProfile(m.member.id)}>{m.member.name}</a> ({m.member.memberNumber})
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatDateTime(m.createdAt)}</dd>
        <dt>State</dt>
        <dd>{stateWords[m.state]}</dd>
        <dt>Sent</dt>
        <dd>{formatDateTime(m.sentAt, 'Not sent')}</dd>
        <dt>Attempts</dt>
        <dd>{m.attempts}</dd>
        {m.state === 'deferred' && (
          <>
            <dt>Next attempt</dt>
            <dd>{formatDateTime(m.nextAttemptAt, 'Not scheduled')}</dd>
          </>
        )}
        <dt>Last error</dt>
        <dd>{m.lastError ?? 'None'}</dd>
        <dt>Last change</dt>
        <dd>{formatDateTime(m.updatedAt)}</dd>
      </dl>
    </section>
  );
}

/** Every link of the message opens in a new tab, as it would from a mail program. */
const NEW_TAB_BASE = '<base target="_blank">';

/** The stored HTML with the base element first in its head (or first of all when it has none). */
export function linksInNewTab(html: string): string {
  const head = /<head\b[^>]*>/i.exec(html);
  if (!head) return NEW_TAB_BASE + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + NEW_TAB_BASE + html.slice(at);
}

/**
 * The HTML part is shown in a sandboxed frame (no scripts, no forms, an origin of its own) from srcdoc:
 * whatever the stored HTML contains, it cannot reach the portal page, its cookies or its CSRF token. The
 * frame inherits the page's CSP, so remote images (tracking pixels) do not load either.
 * A link followed inside the frame would load a portal page there, which the portal refuses to be framed
 * (frame-ancestors 'none'): so its links open in a new tab, outside the sandbox (`allow-popups`,
 * `allow-popups-to-escape-sandbox`), where the member's page works as it does from their mailbox. While
 * the message's secrets are hidden its links lead nowhere, and the frame may open nothing at all.
 */
function HtmlBody({ html, linksOpen }: { html: string; linksOpen: boolean }) {
  return (
    <section class="card" aria-labelledby="html-heading">
      <h2 id="html-heading">HTML version</h2>
      {linksOpen && <p class="hint">Links in the message open in a new tab.</p>}
      <iframe
        title="HTML version of the message"
        sandbox={linksOpen ? 'allow-popups allow-popups-to-escape-sandbox' : ''}
        srcdoc={linksOpen ? linksInNewTab(html) : html}
        referrerpolicy="no-referrer"
        width="100%"
        height="640"
        class="email-preview"
      />
      <details>
        <summary>HTML source</summary>
        <pre class="email-source">{html}</pre>
      </details>
    </section>
  );
}

/** Admin › Email Log › one message: its headers, delivery history and both parts as the member saw them. */
export function EmailMessagePage({ ctx, message, mailFrom, delivers, errors }: Props) {
  const title = message.subject ?? `Message ${message.id}`;
  return (
    <AdminFrame ctx={ctx} title={title} crumbs={[{ href: paths.emailLog, label: 'Email Log' }]}>
      {!delivers && message.state === 'logged' && <NoSmtpNotice />}
      <SecretsNotice ctx={ctx} message={message} errors={errors} />
      <Headers message={message} mailFrom={mailFrom} />
      {message.textBody === null && message.htmlBody === null ? (
        <p>This message has not been written yet: its content is put together when it is sent.</p>
      ) : (
        <>
          {message.textBody !== null && (
            <section class="card" aria-labelledby="text-heading">
              <h2 id="text-heading">Plain-text version</h2>
              <pre class="email-text">
                <LinkedText text={message.textBody} />
              </pre>
            </section>
          )}
          {message.htmlBody !== null && (
            <HtmlBody html={message.htmlBody} linksOpen={message.secrets !== 'hidden'} />
          )}
        </>
      )}
      <p>
        <a href={paths.emailLog}>Back to the Email Log</a>
      </p>
    </AdminFrame>
  );
}
