/** Shown while SMTP_URL is unset, so nobody waits for mail that is never going to leave the portal. */
export function NoSmtpNotice() {
  return (
    <div class="warning" role="note">
      <strong>No SMTP server is configured.</strong> Messages are not sent: they are kept here in the Email
      Log instead, where you can read them. Set <code>SMTP_URL</code> to deliver them.
    </div>
  );
}
