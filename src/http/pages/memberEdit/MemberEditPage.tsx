import { isMadeUpNumber } from '../../../domain/members/madeUpNumbers.ts';
import { SHARE_EMAIL_LABEL } from '../../../domain/members/saveMember.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Select } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

/** The member being edited (absent: Add member), and whether a login is attached to the record. */
export type Editing = { id: number; name: string; loginUsername: string | null };

type Props = {
  ctx: PageContext;
  editing?: Editing;
  /** What the fields show: the record, or what was typed when the save was refused. */
  values: Record<string, string>;
  errors?: FieldErrors;
};

/** Admin > Member Search > Add member, or > Profile > Edit member: the roster record's fields. */
export function MemberEditPage({ ctx, editing, values, errors }: Props) {
  const title = editing ? `Edit member: ${editing.name}` : 'Add member';
  const crumbs: { href: string; label: string }[] = [{ href: paths.memberSearch, label: 'Member Search' }];
  if (editing) crumbs.push({ href: paths.memberProfile(editing.id), label: editing.name });
  const field = (
    name: string,
    label: string,
    extra: { hint?: string; type?: string; autocomplete?: string },
  ) => <Field name={name} label={label} value={values[name] ?? ''} required errors={errors} {...extra} />;
  return (
    <AdminFrame ctx={ctx} title={title} crumbs={crumbs}>
      <ErrorSummary errors={errors} />
      <section class="card">
        <p>
          {editing
            ? 'Changes here are what a roster import with this member’s row would make; the next import overwrites them from your roster file.'
            : 'The member joins the roster as a row of an import would. To invite them, use Send on Invitation Codes or their profile.'}
        </p>
        <form method="post" action={editing ? paths.editMember(editing.id) : paths.addMember}>
          <CsrfField token={ctx.csrfToken} />
          {field('memberNumber', 'Member number', {
            autocomplete: 'off',
            hint: isMadeUpNumber(values.memberNumber ?? '')
              ? 'This number was made up when the administrator’s login was created, so she is not counted as a member. Enter her number from the roster to link this record to it.'
              : 'As in your roster: imports find the member by it. No spaces.',
          })}
          {field('firstName', 'First name', { autocomplete: 'off' })}
          {field('lastName', 'Last name', { autocomplete: 'off' })}
          {field('email', 'Email', {
            type: 'email',
            autocomplete: 'off',
            hint: editing?.loginUsername
              ? `This member has a login (${editing.loginUsername}): password reset links go to this address. If you change it, the old address is told.`
              : undefined,
          })}
          <div class="field checkbox">
            <input
              type="checkbox"
              id="shareEmail"
              name="shareEmail"
              checked={values.shareEmail === 'on'}
              aria-describedby="shareEmail-hint"
            />
            <label for="shareEmail">{SHARE_EMAIL_LABEL}</label>
            <p class="hint" id="shareEmail-hint">
              Tick when several members (a family, say) use one address, as a roster file may have them.
            </p>
          </div>
          <Select
            name="status"
            label="Status"
            value={values.status || 'current'}
            options={[
              ['current', 'Current'],
              ['lapsed', 'Lapsed'],
            ]}
            errors={errors}
          />
          <button type="submit">{editing ? 'Save member' : 'Add member'}</button>{' '}
          <a href={editing ? paths.memberProfile(editing.id) : paths.memberSearch}>Cancel</a>
        </form>
      </section>
    </AdminFrame>
  );
}
