import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** What every email template produces: both parts, so clients without HTML still get the whole message. */
export type RenderedEmail = { subject: string; text: string; html: string };

// Inline styles only: many mail clients drop <style> blocks and never load stylesheets.
export const emailStyles = {
  body: 'margin:0;padding:0;background:#f6f8fa;color:#1b1f24;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;',
  frame: 'max-width:560px;margin:0 auto;padding:24px 16px;',
  header: 'font-size:14px;font-weight:bold;color:#1f4e79;margin:0 0 16px;',
  card: 'background:#ffffff;border:1px solid #d0d7de;border-radius:8px;padding:24px;',
  button:
    'display:inline-block;background:#1f4e79;color:#ffffff;font-weight:bold;text-decoration:none;padding:12px 20px;border-radius:6px;',
  url: 'word-break:break-all;font-size:14px;color:#1f4e79;',
  code: 'font-family:Consolas,Menlo,monospace;font-size:22px;letter-spacing:2px;font-weight:bold;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;display:inline-block;',
  footer: 'font-size:13px;color:#57606a;margin:16px 0 0;',
} as const;

type LayoutProps = {
  orgName: string;
  title: string;
  footer?: ComponentChildren;
  children: ComponentChildren;
};

/** The frame shared by every email: language, title, the organisation's name, one card, a footer. */
export function EmailLayout({ orgName, title, footer, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
      </head>
      <body style={emailStyles.body}>
        <div style={emailStyles.frame}>
          <p style={emailStyles.header}>{orgName}</p>
          <div style={emailStyles.card}>{children}</div>
          {footer && <p style={emailStyles.footer}>{footer}</p>}
        </div>
      </body>
    </html>
  );
}

/** Renders an email's HTML part; preact escapes every value, so names cannot inject markup. */
export const renderEmailHtml = (page: VNode): string => `<!doctype html>${renderToString(page)}`;

/** Plain-text part: paragraphs separated by blank lines, CRLF-free (nodemailer normalises line ends). */
export const textParagraphs = (paragraphs: (string | false | null | undefined)[]): string =>
  `${paragraphs.filter((p): p is string => typeof p === 'string').join('\n\n')}\n`;

/** Header values must stay on one line. */
export const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** "Saturday, 14 February 2026 at 09:00 UTC": the reader's zone is unknown, so say UTC. */
export function formatEmailDate(d: Date): string {
  const day = d.toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${day} at ${time} UTC`;
}

/**
 * The button for a personal link, and the link written out beneath it for mail clients that do not show
 * buttons. Shared by every email that carries a secret link (invitation, password reset).
 */
export function PersonalLink({ link, label }: { link: string; label: string }) {
  return (
    <>
      <p>
        <a href={link} style={emailStyles.button}>
          {label}
        </a>
      </p>
      <p>
        This link is personal; please do not share it. If the button does not work, copy this address into
        your browser:
      </p>
      <p style={emailStyles.url}>
        <a href={link} style={emailStyles.url}>
          {link}
        </a>
      </p>
    </>
  );
}
