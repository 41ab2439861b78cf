import { paths } from '../../paths.ts';
import { Field, type FieldErrors, Select, StatusSelect } from '../../ui/forms.tsx';

/** What the form shows: the values as the admin typed them (also when one of them was refused). */
export type SearchValues = { search: string; status: string; login: string };

/** A GET form, so every search is a link that can be shared or bookmarked. */
export function SearchForm({ values, errors }: { values: SearchValues; errors?: FieldErrors }) {
  return (
    <search aria-label="Members">
      <form method="get" action={paths.memberSearch} class="card">
        <Field
          name="search"
          label="Search"
          hint="Name, email, member number or username."
          type="search"
          value={values.search}
          errors={errors}
        />
        <StatusSelect value={values.status} errors={errors} />
        <Select
          name="login"
          label="Login"
          value={values.login || 'any'}
          options={[
            ['any', 'Any'],
            ['yes', 'Has login'],
            ['no', 'No login'],
          ]}
          errors={errors}
        />
        <button type="submit">Search</button> <a href={paths.memberSearch}>Clear</a>
      </form>
    </search>
  );
}
