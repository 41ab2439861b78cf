import { paths } from '../../paths.ts';
import { Field, type FieldErrors, Select } from '../../ui/forms.tsx';

/** What the form shows: the values as the admin sent them (also when one of them was refused). */
export type RosterFilterValues = {
  login: string;
  lastLoginAfter: string;
  lastLoginBefore: string;
  deliveryFailed: boolean;
  sort: string;
  dir: string;
};

/** Filters: a GET form, so every view of the report is a link that can be shared or bookmarked. */
export function RosterFilterForm({ values, errors }: { values: RosterFilterValues; errors?: FieldErrors }) {
  return (
    <search aria-label="Filter the roster">
      <form method="get" action={paths.memberRoster} class="card roster-filters">
        <Select
          name="login"
          label="Login"
          value={values.login || 'any'}
          options={[
            ['any', 'Any'],
            ['has', 'Has a login'],
            ['none', 'No login'],
          ]}
          errors={errors}
        />
        <Field
          name="lastLoginAfter"
          label="Last login after"
          hint="On or after this day (UTC)."
          type="date"
          value={values.lastLoginAfter}
          errors={errors}
        />
        <Field
          name="lastLoginBefore"
          label="Last login before"
          hint="Before this day (UTC)."
          type="date"
          value={values.lastLoginBefore}
          errors={errors}
        />
        <p class={errors?.deliveryFailed ? 'field-error' : undefined}>
          {errors?.deliveryFailed && (
            <span class="error" id="deliveryFailed-error">
              {errors.deliveryFailed}
            </span>
          )}
          <label>
            <input
              type="checkbox"
              id="deliveryFailed"
              name="deliveryFailed"
              value="1"
              checked={values.deliveryFailed}
            />{' '}
            Delivery failed only
          </label>
        </p>
        {/* The sort is not a filter: applying filters keeps the order the admin chose. */}
        {values.sort && <input type="hidden" name="sort" value={values.sort} />}
        {values.dir && <input type="hidden" name="dir" value={values.dir} />}
        <button type="submit">Apply</button> <a href={paths.memberRoster}>Clear filters</a>
      </form>
    </search>
  );
}
