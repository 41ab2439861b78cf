import { passwordRuleTexts } from '../../domain/accounts/passwords.ts';
import { paths } from '../paths.ts';
import type { FieldErrors } from './forms.tsx';

type Props = {
  name: string;
  label: string;
  /** The portal's minimum length (ctx.passwordMinLength: the number the server checks). */
  minLength: number;
  /** The organisation's name: a password built from it is refused, so the page warns as it is typed. */
  orgName: string;
  errors?: FieldErrors;
  /** Words of the person known to the page (their first name, username), warned about as typed. */
  words?: string[];
  /** Ids of fields on the same form whose values are such words too (setup: the name being typed). */
  wordFields?: string[];
};

/**
 * Choosing a password: the server's rules listed under the field (passwordRuleTexts, the same source
 * passwordProblem checks), ticked off as the person types, a strength estimate, and a Show password
 * toggle. Without JavaScript it is a plain password field with the rules listed; the script
 * (/assets/password-field.js) only adds the live parts, which stay hidden until it runs.
 */
export function PasswordField({ name, label, minLength, orgName, errors, words = [], wordFields }: Props) {
  const error = errors?.[name];
  const rulesId = `${name}-rules`;
  const describedBy = [rulesId, error && `${name}-error`].filter(Boolean).join(' ');
  const rules = passwordRuleTexts({ passwordMinLength: minLength, orgName });
  return (
    <div class={`field password-field${error ? ' field-error' : ''}`} data-password-field>
      <label for={name}>{label}</label>
      {error && (
        <p class="error" id={`${name}-error`}>
          {error}
        </p>
      )}
      <div class="password-input">
        <input
          id={name}
          name={name}
          type="password"
          autocomplete="new-password"
          required
          minLength={minLength}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
          data-min-length={String(minLength)}
          data-words={JSON.stringify([...words, orgName].filter((w) => w.trim().length >= 3))}
          data-word-fields={wordFields?.join(' ')}
        />
        <button
          type="button"
          class="secondary password-toggle"
          aria-controls={name}
          aria-pressed="false"
          hidden
        >
          Show password
        </button>
      </div>
      <div id={rulesId} class="password-rules">
        <p class="hint">{'Your password needs to be: '}</p>
        <ul>
          {rules.map((r) => (
            <li key={r.rule} data-rule={r.rule}>
              <span class="rule-state" aria-hidden="true" />
              <span class="visually-hidden rule-said" />
              {`${r.text}. `}
            </li>
          ))}
        </ul>
      </div>
      <p class="password-strength" hidden>
        <meter min={0} max={4} low={2} high={3} optimum={4} value={0} aria-hidden="true" />{' '}
        <span aria-live="polite">Strength: not typed yet</span>
      </p>
      <script src={paths.passwordFieldScript} defer />
    </div>
  );
}
