import { webhookEvents, webhookEventTypes } from '../../../domain/webhooks/webhookInput.ts';
import { paths } from '../../paths.ts';
import { CsrfField, Field, type FieldErrors } from '../../ui/forms.tsx';

export const addFields = ['url', 'events', 'description'] as const;
export type AddFormValues = Record<string, string>;

/** One checkbox per event (a form may not repeat a name), each with the event's name receivers see. */
function EventChoices({ values, errors }: { values: AddFormValues; errors?: FieldErrors }) {
  const error = errors?.events;
  return (
    <fieldset
      id="events"
      class={`field${error ? ' field-error' : ''}`}
      aria-describedby={error ? 'events-error' : undefined}
    >
      <legend>Events</legend>
      {error && (
        <p class="error" id="events-error">
          {error}
        </p>
      )}
      {webhookEventTypes.map((type) => {
        const { field, label } = webhookEvents[type];
        return (
          <div class="field checkbox" key={type}>
            <input
              type="checkbox"
              id={field}
              name={field}
              checked={Boolean(values[field])}
              aria-describedby={`${field}-hint`}
            />
            <label for={field}>{label}</label>
            <p class="hint" id={`${field}-hint`}>
              <code>{type}</code>
            </p>
          </div>
        );
      })}
    </fieldset>
  );
}

/** Add an endpoint: where to send, which events, and a note. The signing secret is shown once, after. */
export function AddEndpointForm(props: { csrfToken: string; values: AddFormValues; errors?: FieldErrors }) {
  const { values, errors } = props;
  return (
    <form method="post" action={paths.webhooks} class="card" aria-labelledby="add-heading">
      <CsrfField token={props.csrfToken} />
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
      <EventChoices values={values} errors={errors} />
      <Field
        name="description"
        label="Description"
        value={values.description}
        autocomplete="off"
        hint="Optional: which system this is, so others can tell."
        errors={errors}
      />
      <div class="actions">
        <button type="submit">Add endpoint</button>
      </div>
    </form>
  );
}
