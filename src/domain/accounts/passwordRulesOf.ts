import type { Config } from '../../config.ts';
import type { DbOrTx } from '../../db/connect.ts';
import { readSettings } from '../settings/organisationSettings.ts';
import type { PasswordRules } from './passwords.ts';

/**
 * The rules a new password is checked by: the configured minimum, and the organisation's name as it is
 * now (Organisation settings, else ORG_NAME) — the name the pages show and the password field warns about.
 */
export async function passwordRulesOf(deps: {
  db: DbOrTx;
  config: Pick<Config, 'passwordMinLength' | 'orgName' | 'mailFrom' | 'inviteExpiryMs'>;
}): Promise<PasswordRules> {
  const { orgName } = await readSettings(deps);
  return { passwordMinLength: deps.config.passwordMinLength, orgName };
}
