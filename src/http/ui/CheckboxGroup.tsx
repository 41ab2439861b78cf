import type { ComponentChildren } from 'preact';
import type { FieldErrors } from './forms.tsx';

export type CheckboxChoice = { name: string; label: ComponentChildren; hint: ComponentChildren };

/**
 * A fieldset of checkboxes, each under a name of its own (the input guard refuses a name sent twice), with
 * one error for the group: `errors[group]`, shown under the legend and linked to the fieldset.
 */
export function CheckboxGroup(props: {
  group: string;
  legend: string;
  choices: readonly CheckboxChoice[];
  values: Record<string, string>;
  errors?: FieldErrors;
}) {
  const error = props.errors?.[props.group];
  // Ids from the names without colons and such, so `#roster-read` stays a plain selector.
  const idOf = (name: string) => `${props.group}-${name.replace(/\W+/g, '-')}`;
  return (
    <fieldset
      id={props.group}
      class={`field${error ? ' field-error' : ''}`}
      aria-describedby={error ? `${props.group}-error` : undefined}
    >
      <legend>{props.legend}</legend>
      {error && (
        <p class="error" id={`${props.group}-error`}>
          {error}
        </p>
      )}
      {props.choices.map(({ name, label, hint }) => (
        <div class="field checkbox" key={name}>
          <input
            type="checkbox"
            id={idOf(name)}
            name={name}
            checked={Boolean(props.values[name])}
            aria-describedby={`${idOf(name)}-hint`}
          />
          <label for={idOf(name)}>{label}</label>
          <p class="hint" id={`${idOf(name)}-hint`}>
            {hint}
          </p>
        </div>
      ))}
    </fieldset>
  );
}
