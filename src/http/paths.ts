/**
 * Every URL of the portal, defined once: routes register these, pages link to them, tests and emails
 * follow them. A path with a part that varies is a function; routes pass the parameter's pattern
 * (`paths.memberProfile(':id')`), pages the value (`paths.memberProfile(member.id)`).
 */

type Id = number | `:${string}`;

const INVITATION_CODES = '/admin/member-management/invitation-codes';
const CLEAR_ALL_USERNAMES = `${INVITATION_CODES}/clear-all-usernames`;
const QUERY_TOOL = '/admin/query-tool';
const MEMBER_ROSTER = `${QUERY_TOOL}/member-roster-current`;
const EMAIL_LOG = '/admin/email-log';
const IMPORT = '/admin/member-management/import';
const REMINDER_ROUNDS = '/admin/settings/reminder-rounds';

export const paths = {
  // Public: first run, signing in, self-service and invitations.
  setup: '/setup',
  login: '/login',
  logout: '/logout',
  // The sign-in's second step (an authenticator or recovery code, or a passkey).
  loginVerify: '/login/verify',
  forgotPassword: '/forgot-password',
  forgotUsername: '/forgot-username',
  resetPassword: (token: string) => `/reset-password/${token}`,
  invite: '/invite',
  inviteCode: '/invite/code',
  inviteCodeFresh: '/invite/code/fresh',
  inviteLink: (token: string) => `/invite/${token}`,
  inviteLinkFresh: (token: string) => `/invite/${token}/fresh`,

  // A member's own pages.
  home: '/home',
  homePassword: '/home/password',
  choosePassword: '/home/choose-password',
  // Two-step verification: the authenticator app, recovery codes (and passkeys).
  homeSecurity: '/home/security',
  confirmAuthenticator: '/home/security/authenticator',
  removeAuthenticator: '/home/security/authenticator/remove',
  regenerateRecoveryCodes: '/home/security/recovery-codes',

  // Admin.
  admin: '/admin',
  memberManagement: '/admin/member-management',
  import: IMPORT,
  importUpload: (uploadId: string) => `${IMPORT}/${uploadId}`,
  importApply: (uploadId: string) => `${IMPORT}/${uploadId}/apply`,
  invitationCodes: INVITATION_CODES,
  send: (memberId: Id) => `${INVITATION_CODES}/${memberId}/send`,
  sendAll: `${INVITATION_CODES}/send-all`,
  round: (roundId: Id) => `${INVITATION_CODES}/rounds/${roundId}`,
  clearAllUsernames: CLEAR_ALL_USERNAMES,
  clear: (clearId: Id) => `${CLEAR_ALL_USERNAMES}/${clearId}`,
  restore: (clearId: Id) => `${CLEAR_ALL_USERNAMES}/${clearId}/restore`,
  clearRequest: (requestId: Id) => `${CLEAR_ALL_USERNAMES}/requests/${requestId}`,
  memberSearch: '/admin/members',
  memberProfile: (memberId: Id) => `/admin/members/${memberId}`,
  addMember: '/admin/members/new',
  editMember: (memberId: Id) => `/admin/members/${memberId}/edit`,
  resendSetupEmail: (memberId: Id) => `/admin/members/${memberId}/resend-setup-email`,
  reenableInviteLink: (memberId: Id) => `/admin/members/${memberId}/reenable-invite-link`,
  unlock: (memberId: Id) => `/admin/members/${memberId}/unlock`,
  resetSecondStep: (memberId: Id) => `/admin/members/${memberId}/reset-second-step`,
  // Passkeys (WebAuthn): options are JSON for passkeys.js; the rest are forms.
  addPasskey: '/home/security/passkeys',
  passkeyRegistrationOptions: '/home/security/passkeys/options',
  renamePasskey: (id: Id) => `/home/security/passkeys/${id}/name`,
  removePasskey: (id: Id) => `/home/security/passkeys/${id}/remove`,
  stepUpPasskeyOptions: '/home/security/step-up/options',
  loginPasskey: '/login/verify/passkey',
  loginPasskeyOptions: '/login/verify/passkey/options',
  role: (memberId: Id) => `/admin/members/${memberId}/role`,
  changeLogin: (memberId: Id) => `/admin/members/${memberId}/login`,
  changeUsername: (memberId: Id) => `/admin/members/${memberId}/login/username`,
  setTemporaryPassword: (memberId: Id) => `/admin/members/${memberId}/login/password`,
  sendResetLink: (memberId: Id) => `/admin/members/${memberId}/login/reset-link`,
  emailLog: EMAIL_LOG,
  emailMessage: (messageId: Id) => `${EMAIL_LOG}/${messageId}`,
  revealSecrets: (messageId: Id) => `${EMAIL_LOG}/${messageId}/reveal`,
  auditLog: '/admin/audit-log',
  auditLogCsv: '/admin/audit-log.csv',
  queryTool: QUERY_TOOL,
  memberRoster: MEMBER_ROSTER,
  memberRosterCsv: `${MEMBER_ROSTER}.csv`,
  pendingInvitations: `${QUERY_TOOL}/pending-invitations`,
  failedDeliveries: `${QUERY_TOOL}/failed-deliveries`,
  loginActivity: `${QUERY_TOOL}/login-activity`,
  invitationRounds: `${QUERY_TOOL}/invitation-rounds`,
  organisationSettings: '/admin/settings',
  organisationSettingsPreview: '/admin/settings/preview',
  twoStepSetting: '/admin/settings/two-step',
  organisationSettingsScript: '/assets/settings-preview.js',
  apiTokens: '/admin/api-tokens',
  revokeApiToken: (tokenId: Id) => `/admin/api-tokens/${tokenId}/revoke`,
  apiDocs: '/api/docs',
  webhooks: '/admin/webhooks',
  webhookEndpoint: (endpointId: Id) => `/admin/webhooks/${endpointId}`,
  webhookEnable: (endpointId: Id) => `/admin/webhooks/${endpointId}/enable`,
  webhookDisable: (endpointId: Id) => `/admin/webhooks/${endpointId}/disable`,
  webhookTest: (endpointId: Id) => `/admin/webhooks/${endpointId}/test`,
  webhookRotate: (endpointId: Id) => `/admin/webhooks/${endpointId}/rotate-secret`,
  webhookDelete: (endpointId: Id) => `/admin/webhooks/${endpointId}/delete`,
  webhookRetry: (endpointId: Id, deliveryId: Id) =>
    `/admin/webhooks/${endpointId}/deliveries/${deliveryId}/retry`,
  reminderRounds: REMINDER_ROUNDS,
  pauseReminders: `${REMINDER_ROUNDS}/pause`,
  resumeReminders: `${REMINDER_ROUNDS}/resume`,
  // The Invitation Codes list's and a round's progress page's script (Send without reload, live progress).
  inviteLoopScript: '/assets/invite-loop.js',
  // The password fields' script (rules ticked off as typed, strength estimate, Show password).
  passwordFieldScript: '/assets/password-field.js',
  passkeysScript: '/assets/passkeys.js',
  webauthnBrowserScript: '/assets/simplewebauthn-browser.js',
} as const;

/** A path with its query string; empty values are left out, so a default filter gives a clean URL. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  return params.size ? `${path}?${params}` : path;
}
