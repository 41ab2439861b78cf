import type { ComponentChildren } from 'preact';

/**
 * A secret shown once (an API token, a webhook signing secret): a readonly field, focused, so it can be
 * selected and copied without JavaScript, with a hint saying it will not be shown again and what to do
 * if it is lost.
 */
export function ShownOnceField(props: {
  id: string;
  label: string;
  value: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <p class="hint" id={`${props.id}-hint`}>
        {props.children}
      </p>
      <input
        id={props.id}
        type="text"
        readonly
        autofocus
        value={props.value}
        autocomplete="off"
        spellcheck={false}
        aria-describedby={`${props.id}-hint`}
      />
    </div>
  );
}
