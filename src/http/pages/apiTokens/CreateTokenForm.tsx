import {
  apiScopes,
  DEFAULT_EXPIRY_DAYS,
  MAX_EXPIRY_DAYS,
  scopeDescriptions,
} from '../../../domain/apiTokens/apiTokenInput.ts';
import { paths } from '../../paths.ts';
import { CsrfField, Field, type FieldErrors } from '../../ui/forms.tsx';

export const createFields = ['name', 'scopes', 'expiresDays'] as const;

/** What the form shows: empty with the default expiry, or what was typed when it was refused. */
export type CreateFormValues = Record<string, string>;
export const freshValues: CreateFormValues = { name: '', expiresDays: String(DEFAULT_EXPIRY_DAYS) };

// A scope's checkbox id: the scope's words without the colon, so `#scope-roster-read` is a plain id.
const scopeId = (scope: string) => `scope-${scope.replace(/\W+/g, '-')}`;

/** One checkbox per scope, named by the scope itself, each with what it lets a token do. */
function ScopeChoices({ values, errors }: { values: CreateFormValues; errors?: FieldErrors }) {
  const error = errors?.scopes;
  return (
    <fieldset
      id="scopes"
      class={`field${error ? ' field-error' : ''}`}
      aria-describedby={error ? 'scopes-error' : undefined}
    >
      <legend>Scopes</legend>
      {error && (
        <p class="error" id="scopes-error">
          {error}
        </p>
      )}
      {apiScopes.map((scope) => (
        <div class="field checkbox" key={scope}>
          <input
            type="checkbox"
            id={scopeId(scope)}
            name={scope}
            checked={Boolean(values[scope])}
            aria-describedby={`${scopeId(scope)}-hint`}
          />
          <label for={scopeId(scope)}>{scope}</label>
          <p class="hint" id={`${scopeId(scope)}-hint`}>
            {scopeDescriptions[scope]}
          </p>
        </div>
      ))}
    </fieldset>
  );
}

/** Create token: a name, what it may do, how long it works. The token itself is shown once, after. */
export function CreateTokenForm(props: {
  csrfToken: string;
  values: CreateFormValues;
  errors?: FieldErrors;
}) {
  const { values, errors } = props;
  return (
    <form method="post" action={paths.apiTokens} class="card" aria-labelledby="create-heading">
      <CsrfField token={props.csrfToken} />
      <h2 id="create-heading">Create a token</h2>
      <Field
        name="name"
        label="Name"
        value={values.name}
        autocomplete="off"
        hint="Which script or system will hold it, such as “CiviCRM sync”. The Audit Log records its changes under this name."
        errors={errors}
      />
      <ScopeChoices values={values} errors={errors} />
      <Field
        name="expiresDays"
        label="Expires after (days)"
        value={values.expiresDays}
        autocomplete="off"
        hint={`1 to ${MAX_EXPIRY_DAYS} days from now. Leave it empty for a token that never expires.`}
        errors={errors}
      />
      <div class="actions">
        <button type="submit">Create token</button>
      </div>
    </form>
  );
}
