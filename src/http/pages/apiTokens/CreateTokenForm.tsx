import {
  apiScopes,
  DEFAULT_EXPIRY_DAYS,
  MAX_EXPIRY_DAYS,
  scopeDescriptions,
} from '../../../domain/apiTokens/apiTokenInput.ts';
import { paths } from '../../paths.ts';
import { StepUpField } from '../../stepUp/StepUpField.tsx';
import { CheckboxGroup } from '../../ui/CheckboxGroup.tsx';
import { CsrfField, Field, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

export const createFields = ['name', 'scopes', 'expiresDays', 'code'] as const;

/** What the form shows: empty with the default expiry, or what was typed when it was refused. */
export type CreateFormValues = Record<string, string>;
export const freshValues: CreateFormValues = { name: '', expiresDays: String(DEFAULT_EXPIRY_DAYS) };

const scopeChoices = apiScopes.map((scope) => ({
  name: scope,
  label: scope,
  hint: scopeDescriptions[scope],
}));

/** Create token: a name, what it may do, how long it works. The token itself is shown once, after. */
export function CreateTokenForm(props: { ctx: PageContext; values: CreateFormValues; errors?: FieldErrors }) {
  const { values, errors } = props;
  return (
    <form method="post" action={paths.apiTokens} class="card" aria-labelledby="create-heading">
      <CsrfField token={props.ctx.csrfToken} />
      <h2 id="create-heading">Create a token</h2>
      <Field
        name="name"
        label="Name"
        value={values.name}
        autocomplete="off"
        hint="Which script or system will hold it, such as “CiviCRM sync”. The Audit Log records its changes under this name."
        errors={errors}
      />
      <CheckboxGroup group="scopes" legend="Scopes" choices={scopeChoices} values={values} errors={errors} />
      <Field
        name="expiresDays"
        label="Expires after (days)"
        value={values.expiresDays}
        autocomplete="off"
        hint={`1 to ${MAX_EXPIRY_DAYS} days from now. Leave it empty for a token that never expires.`}
        errors={errors}
      />
      <StepUpField ctx={props.ctx} errors={errors} />
      <div class="actions">
        <button type="submit">Create token</button>
      </div>
    </form>
  );
}
