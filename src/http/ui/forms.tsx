import type { ComponentChildren } from 'preact';

export type FieldErrors = Record<string, string>;

/** The CSRF token every POST form carries. */
export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="_csrf" value={token} />;

type LabelledProps = {
  name: string;
  label: string;
  errors?: FieldErrors;
  hint?: string;
  /** The control itself, given the ids that describe it and whether it is in error. */
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
};

/** Label, hint and error around any control, so the error is announced with it and stays next to it. */
export function Labelled({ name, label, errors, hint, children }: LabelledProps) {
  const error = errors?.[name];
  const describedBy =
    [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={name}>{label}</label>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${name}-error`}>
          {error}
        </p>
      )}
      {children(describedBy, Boolean(error))}
    </div>
  );
}

type FieldProps = Omit<LabelledProps, 'children'> & {
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
};

/** A labelled text input (a password input never echoes its value back). */
export function Field({ type = 'text', value, autocomplete, required, ...labelled }: FieldProps) {
  return (
    <Labelled {...labelled}>
      {(describedBy, invalid) => (
        <input
          id={labelled.name}
          name={labelled.name}
          type={type}
          value={type === 'password' ? undefined : value}
          autocomplete={autocomplete}
          required={required}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={describedBy}
        />
      )}
    </Labelled>
  );
}

/** A labelled drop-down; `options` are [value, text] pairs. */
export function Select(props: {
  name: string;
  label: string;
  value: string;
  options: [string, string][];
  errors?: FieldErrors;
}) {
  return (
    <Labelled name={props.name} label={props.label} errors={props.errors}>
      {(describedBy, invalid) => (
        <select
          id={props.name}
          name={props.name}
          aria-describedby={describedBy}
          aria-invalid={invalid ? 'true' : undefined}
        >
          {props.options.map(([value, text]) => (
            <option key={value} value={value} selected={props.value === value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Labelled>
  );
}

/** The membership status filter every member list offers. */
export const StatusSelect = ({ value, errors }: { value: string; errors?: FieldErrors }) => (
  <Select
    name="status"
    label="Status"
    value={value || 'any'}
    options={[
      ['any', 'Any'],
      ['current', 'Current'],
      ['lapsed', 'Lapsed'],
    ]}
    errors={errors}
  />
);

/** A summary at the top of a form that failed, linking to each field. */
export function ErrorSummary({ errors }: { errors?: FieldErrors }) {
  const entries = Object.entries(errors ?? {});
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <h2>There is a problem</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>{field === '_form' ? message : <a href={`#${field}`}>{message}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

export const Notice = ({ children }: { children: ComponentChildren }) => (
  <div class="notice" role="status">
    {children}
  </div>
);
