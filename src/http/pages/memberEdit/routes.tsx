import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { id } from '../../../domain/input.ts';
import { fieldsOf, memberToEdit, saveMember, saveMemberInput } from '../../../domain/members/saveMember.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { MemberEditPage } from './MemberEditPage.tsx';

type Member = { id: number };

const params = z.object({ id: id('member') });
const fields = ['memberNumber', 'firstName', 'lastName', 'email', 'shareEmail', 'status'];

/** Edit member: the record, or after a refusal what was typed, with the errors next to their fields. */
async function editView(r: Req<Member>, refused?: Refusal) {
  const { member, login } = await memberToEdit(r.deps, r.actor, r.params.id);
  const editing = {
    id: member.id,
    name: `${member.firstName} ${member.lastName}`,
    loginUsername: login?.username ?? null,
  };
  return (
    <MemberEditPage
      ctx={r.ctx()}
      editing={editing}
      values={refused?.values ?? fieldsOf(member)}
      errors={refused?.errors}
    />
  );
}

/** Admin > Member Search > Add member, and Profile > Edit member (Administrators: members.edit). */
export function registerMemberEditRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'members.edit';

  page({
    path: paths.addMember,
    access,
    view: (r) => <MemberEditPage ctx={r.ctx()} values={{ status: 'current' }} />,
  });

  form({
    path: paths.addMember,
    access,
    fields,
    body: saveMemberInput,
    run: (r, input) => saveMember(r.deps, r.actor, input),
    done: (_r, saved) => withQuery(paths.memberProfile(saved.memberId), { done: 'added' }),
    view: (r, refused) => <MemberEditPage ctx={r.ctx()} values={refused.values} errors={refused.errors} />,
  });

  page({ path: paths.editMember(':id'), access, params, view: (r) => editView(r) });

  form({
    path: paths.editMember(':id'),
    access,
    params,
    fields,
    body: saveMemberInput,
    run: (r, input) => saveMember(r.deps, r.actor, { ...input, memberId: r.params.id }),
    done: (r, saved) =>
      withQuery(paths.memberProfile(r.params.id), { done: saved.changed.length ? 'saved' : 'unchanged' }),
    view: (r, refused) => editView(r, refused),
  });
}
