import type { AuditLogRow } from '../../../domain/audit/auditLog.ts';
import { isMadeUpNumber } from '../../../domain/members/madeUpNumbers.ts';
import type { MemberProfile } from '../../../domain/members/memberProfile.ts';
import { can } from '../../../domain/policy.ts';
import { paths, withQuery } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { deliveryStateWords } from '../../ui/deliveryWords.ts';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { wordsForAction } from '../auditLog/words.ts';
import { LoginSection } from './LoginSection.tsx';

export type ReenabledLink = {
  link: string;
  code: string;
  expiresAt: Date;
  revokedCount: number;
  replacesLogin: boolean;
};

type Props = {
  ctx: PageContext;
  profile: MemberProfile;
  notice?: string;
  reenabled?: ReenabledLink;
  /** Recent audit events about the member (shown to those who may read the Audit Log). */
  activity?: AuditLogRow[];
  roleErrors?: FieldErrors;
  chosenRole?: string;
};

export function ProfilePage({ ctx, profile, notice, reenabled, activity, roleErrors, chosenRole }: Props) {
  const { member, history, login } = profile;
  // The same rule as Edit member itself: an administrator's record is a Security Administrator's to edit.
  const role = ctx.user?.role;
  const needed = login && login.role !== 'member' ? 'roles.assign' : 'members.edit';
  const mayEdit = role !== undefined && can(role, needed);
  return (
    <AdminFrame
      ctx={ctx}
      title={`${member.firstName} ${member.lastName}`}
      crumbs={[{ href: paths.memberSearch, label: 'Member Search' }]}
    >
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary errors={roleErrors} />
      {reenabled && (
        <section class="card" aria-labelledby="reenabled-heading">
          <h2 id="reenabled-heading">New invite link</h2>
          <p>
            Copy this link and send it to the member another way. It works until{' '}
            {formatDateTime(reenabled.expiresAt)}.{' '}
            {reenabled.revokedCount > 0
              ? `${reenabled.revokedCount} older link${reenabled.revokedCount === 1 ? ' was' : 's were'} revoked and no longer work.`
              : 'There were no older links to revoke.'}
          </p>
          {reenabled.replacesLogin && (
            <p class="warning">
              This member has a login. Completing the link replaces their username and password; until then
              their current login keeps working.
            </p>
          )}
          <div class="field">
            <label for="reenabled-link">Invite link</label>
            <input id="reenabled-link" readonly value={reenabled.link} />
          </div>
          <p>
            Invitation code: <strong>{reenabled.code}</strong> (typed at {ctx.publicUrl}/invite with the
            member's email or member number)
          </p>
        </section>
      )}
      <section class="card" aria-labelledby="member-heading">
        <h2 id="member-heading">Member</h2>
        <dl class="details">
          <dt>Member number</dt>
          <dd>
            {member.memberNumber}
            {isMadeUpNumber(member.memberNumber) &&
              ' (made up when this administrator’s login was created: not on the roster, not counted as a member)'}
          </dd>
          <dt>Email</dt>
          <dd>{member.email}</dd>
          <dt>Status</dt>
          <dd>{member.status === 'current' ? 'Current' : 'Lapsed'}</dd>
        </dl>
        {mayEdit && (
          <p>
            <a href={paths.editMember(member.id)}>Edit member</a>
          </p>
        )}
      </section>
      <LoginSection ctx={ctx} profile={profile} roleErrors={roleErrors} chosenRole={chosenRole} />
      <section class="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Invitation history</h2>
        {history.length === 0 ? (
          <p>No invitation has been sent to this member yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Sent</th>
                <th scope="col">To</th>
                <th scope="col">Delivery</th>
                <th scope="col">Link</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}>
                  <td>{formatDateTime(h.createdAt)}</td>
                  <td>{formatDateTime(h.sentAt, '—')}</td>
                  <td>{h.toAddress}</td>
                  <td>
                    {deliveryStateWords[h.state]}
                    {h.lastError && <div class="muted">{h.lastError}</div>}
                  </td>
                  <td>
                    {h.usedAt
                      ? 'Used'
                      : h.revokedAt
                        ? 'Revoked'
                        : h.expiresAt
                          ? `Expires ${formatDateTime(h.expiresAt)}`
                          : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {activity && (
        <section class="card" aria-labelledby="activity-heading">
          <h2 id="activity-heading">Recent activity</h2>
          {activity.length === 0 ? (
            <p>Nothing has been recorded about this member yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody>
                {activity.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDateTime(e.at)}</td>
                    <td>{e.actorLabel}</td>
                    <td>{wordsForAction(e.action)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>
            <a href={withQuery(paths.auditLog, { member: member.memberNumber })}>
              All events about this member
            </a>
          </p>
        </section>
      )}
    </AdminFrame>
  );
}
