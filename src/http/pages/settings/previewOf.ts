import type { Deps } from '../../../domain/deps.ts';
import {
  type EffectiveSettings,
  effective,
  readSettings,
  settingsDefaults,
} from '../../../domain/settings/organisationSettings.ts';
import { type SettingsInput, settingsInput, toStored } from '../../../domain/settings/saveSettings.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import type { SettingsFormValues } from './SettingsPage.tsx';

/**
 * The settings a preview shows: each typed field that parses, and for one that does not, what is in
 * effect now (with its error), so a half-typed number does not blank the rest of the preview.
 */
export async function previewOf(deps: Deps, values: SettingsFormValues) {
  const current = await readSettings(deps);
  const defaults = settingsDefaults(deps.config);
  const errors: FieldErrors = {};
  const input = {} as SettingsInput;
  for (const [name, schema] of Object.entries(settingsInput.shape) as [
    keyof SettingsInput,
    (typeof settingsInput.shape)[keyof SettingsInput],
  ][]) {
    const parsed = schema.safeParse(values[name]);
    if (parsed.success) input[name] = parsed.data;
    else errors[name] = parsed.error.issues[0]?.message ?? 'Check this value.';
  }
  const typed = effective(toStored(input, defaults), defaults);
  const settings = Object.fromEntries(
    (Object.keys(typed) as (keyof EffectiveSettings)[]).map((k) => [k, k in errors ? current[k] : typed[k]]),
  ) as EffectiveSettings;
  return { values, settings, errors };
}
