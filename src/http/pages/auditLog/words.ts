import type { KnownAuditAction } from '../../../domain/audit/auditLog.ts';

/** Actions as people say them; a Record, so a new known action cannot be added without its words. */
export const actionWords: Record<KnownAuditAction, string> = {
  'setup.completed': 'Completed first-run setup',
  'admin.created': 'Created an administrator login (command line)',
  'roster.imported': 'Imported the member roster',
  'member.email_changed': 'Changed the email address of a member with a login',
  'member.added': 'Added a member (Add member)',
  'member.edited': 'Edited a member’s record',
  'member.linked': 'Linked an administrator to her roster record',
  'settings.changed': 'Changed the organisation settings',
  'demo.filled': 'Filled the portal with demo members',
  'password.changed_by_member': 'Changed their own password',
  'invitation.send': 'Sent an invitation',
  'invitation.send_all': 'Started Send All invitations',
  'invitation.reminder_round': 'Started a reminder round',
  'invitation.accepted': 'Accepted an invitation and created a login',
  'invitation.accepted_replacing_login': 'Accepted an invitation, replacing an unused login',
  'invitation.reenabled': 'Re-enabled an invitation link',
  'invitation.resend_setup_email': 'Resent the set-up email',
  'invitation.fresh_link_requested': 'Asked for a fresh invitation link',
  'email_log.secret_revealed': 'Revealed an invitation link and code in the Email Log',
  'report.exported': 'Exported a report (CSV)',
  'password.reset_requested': 'Asked for a password reset link',
  'password.reset_by_member': 'Set a new password with a reset link',
  'username.reminder_requested': 'Asked for a username reminder',
  'login.username_changed': 'Changed the username',
  'password.set_by_admin': 'Set a temporary password',
  'password.reset_link_sent': 'Sent a password reset link',
  'login.unlocked': 'Unlocked the login',
  'login.role_changed': 'Changed the access level',
  'logins.cleared_all': 'Cleared all usernames',
  'logins.restored': 'Restored cleared logins',
  'reminders.settings_changed': 'Changed the reminder round settings',
  'reminders.paused': 'Paused automatic reminder rounds',
  'reminders.resumed': 'Resumed automatic reminder rounds',
  'reminders.round_started': 'Started an automatic reminder round',
  'api_token.created': 'Created an API token',
  'api_token.revoked': 'Revoked an API token',
  'webhook.endpoint_created': 'Added a webhook endpoint',
  'webhook.endpoint_enabled': 'Enabled a webhook endpoint',
  'webhook.endpoint_disabled': 'Disabled a webhook endpoint',
  'webhook.endpoint_deleted': 'Deleted a webhook endpoint',
  'webhook.endpoint_secret_rotated': 'Gave a webhook endpoint a new signing secret',
  'webhook.test_sent': 'Sent a webhook test event',
  'webhook.delivery_retried': 'Retried a webhook delivery',
  'two_step.authenticator_added': 'Set up an authenticator app (two-step verification)',
  'two_step.authenticator_removed': 'Removed their authenticator app',
  'two_step.passkey_added': 'Added a passkey (two-step verification)',
  'two_step.passkey_removed': 'Removed a passkey',
  'two_step.recovery_codes_regenerated': 'Regenerated their recovery codes',
  'two_step.recovery_code_used': 'Signed in with a recovery code',
  'two_step.reset': 'Reset the second step of a login (lost device)',
};

/** Words for an action; an action this version does not know shows its code. */
export const wordsForAction = (action: string): string =>
  Object.hasOwn(actionWords, action) ? actionWords[action as KnownAuditAction] : action;

const detailValue = (v: unknown): string => {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** An event's details as compact "key: value" pairs. */
export const detailPairs = (details: Record<string, unknown>): string[] =>
  Object.entries(details).map(([k, v]) => `${k}: ${detailValue(v)}`);
