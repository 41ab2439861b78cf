import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { text } from '../../../domain/input.ts';
import { invitationPreview } from '../../../domain/settings/invitationPreview.ts';
import {
  type EffectiveSettings,
  readSettings,
  settingsDefaults,
} from '../../../domain/settings/organisationSettings.ts';
import { saveSettings, settingsInput } from '../../../domain/settings/saveSettings.ts';
import {
  adminRequirementInput,
  readAdminRequirement,
  saveAdminRequirement,
} from '../../../domain/twoStep/adminRequirement.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import type { FieldErrors } from '../../ui/forms.tsx';
import { previewOf } from './previewOf.ts';
import { type SettingsFormValues, SettingsPage, settingsFields } from './SettingsPage.tsx';

const query = z.object({ done: z.enum(['saved']).optional().catch(undefined) });
// The preview takes the fields as typed and judges each on its own (see previewOf).
const previewInput = z.object(Object.fromEntries(settingsFields.map((f) => [f, text])));

const shownValues = (s: EffectiveSettings): SettingsFormValues => ({
  orgName: s.orgName,
  senderName: s.senderName,
  replyTo: s.replyTo ?? '',
  invitationMessage: s.invitationMessage ?? '',
  linkExpiryDays: String(s.linkExpiryDays),
});

type Shown = {
  saved?: boolean;
  refused?: Refusal;
  /** Typed values to preview, each bad one reported and replaced by what is in effect. */
  typed?: { values: SettingsFormValues; settings: EffectiveSettings; errors: FieldErrors };
};

async function view(r: Req<unknown>, shown: Shown) {
  const current = await readSettings(r.deps);
  const typed = shown.typed?.values ?? (shown.refused?.values as SettingsFormValues | undefined);
  const values = typed
    ? (Object.fromEntries(settingsFields.map((f) => [f, typed[f] ?? ''])) as SettingsFormValues)
    : shownValues(current);
  const errors = shown.refused?.errors ?? shown.typed?.errors;
  // A refused save still previews what was typed (each bad field as it is in effect), as Preview does.
  const previewed = shown.typed ?? (shown.refused ? await previewOf(r.deps, values) : undefined);
  return (
    <SettingsPage
      ctx={r.ctx()}
      values={values}
      defaults={settingsDefaults(r.deps.config)}
      preview={await invitationPreview(r.deps, r.actor, previewed?.settings ?? current)}
      previewing={Boolean(previewed)}
      errors={errors && Object.keys(errors).length > 0 ? errors : undefined}
      saved={shown.saved}
      requireTwoStepForAdmins={await readAdminRequirement(r.deps.db)}
    />
  );
}

/** Admin › Organisation settings (Security Administrators): the form and its preview. */
export function registerSettingsRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'settings.manage';
  page({
    path: paths.organisationSettings,
    access,
    query,
    view: (r, s) => view(r, { saved: s.query?.done === 'saved', refused: s.refused }),
  });
  form({
    path: paths.organisationSettings,
    access,
    fields: settingsFields,
    body: settingsInput,
    run: (r, input) => saveSettings(r.deps, r.actor, input),
    done: () => withQuery(paths.organisationSettings, { done: 'saved' }),
    view: (r, refused) => view(r, { refused }),
  });
  form({
    path: paths.twoStepSetting,
    access,
    body: adminRequirementInput,
    run: (r, input) => saveAdminRequirement(r.deps, r.actor, input),
    done: () => withQuery(paths.organisationSettings, { done: 'saved' }),
  });
  // A POST that changes nothing, so the typed values travel with the form token, never in a URL.
  form({
    path: paths.organisationSettingsPreview,
    access,
    fields: settingsFields,
    body: previewInput,
    run: async (r, input) => previewOf(r.deps, input as SettingsFormValues),
    done: (r, typed) => view(r, { typed }),
    view: (r, refused) => view(r, { refused }),
  });
}
