import type { InvitationPreview } from '../../../domain/settings/invitationPreview.ts';

/**
 * The invitation email as it would be sent: headers, the HTML part in a sandboxed frame (as the Email
 * Log shows messages: no scripts, an origin of its own) and the plain-text part. The live script
 * replaces this whole section with the one from a fresh preview page.
 */
export function PreviewSection({ preview, previewing }: { preview: InvitationPreview; previewing: boolean }) {
  return (
    <section id="preview" class="card" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview of the invitation email</h2>
      <p class="hint" id="preview-state" aria-live="polite">
        {previewing
          ? 'With the settings as typed above (not saved yet), sent to you with a sample link.'
          : 'With the saved settings, sent to you with a sample link.'}
      </p>
      <dl class="details">
        <dt>From</dt>
        <dd id="preview-from">{preview.from}</dd>
        <dt>Reply-To</dt>
        <dd id="preview-reply-to">{preview.replyTo ?? 'None: replies go to the From address'}</dd>
        <dt>Subject</dt>
        <dd id="preview-subject">{preview.subject}</dd>
      </dl>
      <iframe
        title="Invitation email preview"
        sandbox=""
        srcdoc={preview.html}
        referrerpolicy="no-referrer"
        width="100%"
        height="560"
        class="email-preview"
      />
      <details>
        <summary>Plain-text version</summary>
        <pre class="email-text">{preview.text}</pre>
      </details>
    </section>
  );
}
