import { webhookEvents, webhookEventTypes } from '../../../domain/webhooks/webhookInput.ts';
import { paths } from '../../paths.ts';
import { StepUpField } from '../../stepUp/StepUpField.tsx';
import { CheckboxGroup } from '../../ui/CheckboxGroup.tsx';
import { CsrfField, Field, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

export const addFields = ['url', 'events', 'description', 'code'] as const;
export type AddFormValues = Record<string, string>;

const eventChoices = webhookEventTypes.map((type) => ({
  name: webhookEvents[type].field,
  label: webhookEvents[type].label,
  hint: <code>{type}</code>,
}));

/** Add an endpoint: where to send, which events, and a note. The signing secret is shown once, after. */
export function AddEndpointForm(props: { ctx: PageContext; values: AddFormValues; errors?: FieldErrors }) {
  const { values, errors } = props;
  return (
    <form method="post" action={paths.webhooks} class="card" aria-labelledby="add-heading">
      <CsrfField token={props.ctx.csrfToken} />
      <h2 id="add-heading">Add an endpoint</h2>
      <Field
        name="url"
        label="Endpoint URL"
        type="url"
        value={values.url}
        autocomplete="off"
        hint="The address your membership database receives events at, starting with https://."
        errors={errors}
      />
      <CheckboxGroup group="events" legend="Events" choices={eventChoices} values={values} errors={errors} />
      <Field
        name="description"
        label="Description"
        value={values.description}
        autocomplete="off"
        hint="Optional: which system this is, so others can tell."
        errors={errors}
      />
      <StepUpField ctx={props.ctx} errors={errors} />
      <div class="actions">
        <button type="submit">Add endpoint</button>
      </div>
    </form>
  );
}
