import {
  type PendingSort,
  pendingSorts,
  type SortDir,
} from '../../../domain/invitationCodes/invitationCodesQuery.ts';
import { paths } from '../../paths.ts';
import { Field, type FieldErrors, Select, StatusSelect } from '../../ui/forms.tsx';
import { clearFiltersUrl } from './links.ts';

/** What the form shows: the values as the admin typed them (also when one of them was refused). */
export type FilterValues = {
  search: string;
  status: string;
  invited: string;
  sentBefore: string;
  deliveryFailed: boolean;
  sort: string;
  dir: string;
};

/** Search and filters: a GET form, so every view of the list is a link that can be shared or bookmarked. */
export function FilterForm({ values, errors }: { values: FilterValues; errors?: FieldErrors }) {
  return (
    <search aria-label="Members without a login">
      <form method="get" action={paths.invitationCodes} class="card">
        <Field
          name="search"
          label="Search"
          hint="Name, email or member number."
          type="search"
          value={values.search}
          errors={errors}
        />
        <StatusSelect value={values.status} errors={errors} />
        <Select
          name="invited"
          label="Invited"
          value={values.invited || 'any'}
          options={[
            ['any', 'Any'],
            ['never', 'Never invited'],
            ['invited', 'Invited'],
          ]}
          errors={errors}
        />
        <Field
          name="sentBefore"
          label="Last sent before"
          hint="Dates are in UTC."
          type="date"
          value={values.sentBefore}
          errors={errors}
        />
        <p>
          <label>
            <input type="checkbox" name="deliveryFailed" value="1" checked={values.deliveryFailed} /> Delivery
            failed only
          </label>
        </p>
        {/* The sort is not a filter: applying filters keeps the order the admin chose. */}
        {values.sort && <input type="hidden" name="sort" value={values.sort} />}
        {values.dir && <input type="hidden" name="dir" value={values.dir} />}
        <button type="submit">Apply</button> <a href={clearFiltersUrl(validSort(values))}>Clear filters</a>
      </form>
    </search>
  );
}

/** Keep a sort in the Clear filters link only when it is one the list knows. */
function validSort(values: FilterValues): { sort: PendingSort; dir: SortDir } {
  const known = (pendingSorts as readonly string[]).includes(values.sort);
  return { sort: known ? (values.sort as PendingSort) : 'name', dir: values.dir === 'desc' ? 'desc' : 'asc' };
}
