import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { listMembersForSync } from '../../domain/members/memberSyncList.ts';
import { memberSyncInput } from '../../domain/members/memberSyncQuery.ts';
import { readSyncMember, type SyncMember } from '../../domain/members/syncMember.ts';
import { deliveryStates } from '../../domain/vocabulary.ts';
import { callerOf } from './apiAuth.ts';
import { apiError, isoTime } from './apiSchemas.ts';

/** A member as every members endpoint writes one (list, read, and later upsert). */
export const apiMember = z
  .object({
    member_number: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    email: z.string(),
    status: z.enum(['current', 'lapsed']),
    updated_at: isoTime.describe('When the roster record last changed, or a login was created or removed.'),
    login: z
      .object({
        username: z.string(),
        created_at: isoTime,
        last_login_at: isoTime.nullable().describe('null: has never logged in.'),
      })
      .nullable()
      .describe('The portal login, or null while the member has none.'),
    invitations: z
      .object({
        sent: z.int().min(0).describe('Invitation emails queued for this member so far.'),
        last_sent_at: isoTime.nullable().describe('When the newest was queued; null: never invited.'),
        delivery_state: z
          .enum(deliveryStates)
          .nullable()
          .describe('What became of the newest invitation email; null: never invited.'),
      })
      .describe('The member’s invitation emails.'),
  })
  .meta({ id: 'Member', description: 'A roster member, their portal login and their invitations.' });

export const toApiMember = (m: SyncMember): z.infer<typeof apiMember> => ({
  member_number: m.memberNumber,
  first_name: m.firstName,
  last_name: m.lastName,
  email: m.email,
  status: m.status,
  updated_at: m.updatedAt.toISOString(),
  login: m.login && {
    username: m.login.username,
    created_at: m.login.createdAt.toISOString(),
    last_login_at: m.login.lastLoginAt?.toISOString() ?? null,
  },
  invitations: {
    sent: m.invitations.sent,
    last_sent_at: m.invitations.lastSentAt?.toISOString() ?? null,
    delivery_state: m.invitations.deliveryState,
  },
});

const memberPage = z
  .object({
    data: z.array(apiMember),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'MemberPage' });

const TAGS = ['Members'];
const READ = { access: 'api', apiScope: 'roster:read' } as const;

/** `GET /api/v1/members` (the roster, page by page) and `GET /api/v1/members/{member_number}`. */
export function registerMemberRoutes(api: FastifyInstance, app: App): void {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/members',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'List roster members, page by page',
        description:
          'Every roster member exactly once, in the order they were added, even while members are being changed. Follow `next_cursor` until it is null. To pick up changes since a previous run, add `updated_since`.',
        querystring: memberSyncInput,
        response: { 200: memberPage.describe('A page of members, in the order they were added.') },
      },
    },
    async (request) => {
      const page = await listMembersForSync(app.deps, callerOf(request).actor, request.query);
      return { data: page.members.map(toApiMember), next_cursor: page.next };
    },
  );
  routes.get(
    '/members/:member_number',
    {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'Read one member by member number',
        params: z.object({ member_number: z.string().describe('The member number, as on the roster.') }),
        response: {
          200: apiMember.describe('The member.'),
          404: apiError.describe('There is no roster member with this number.'),
        },
      },
    },
    async (request) =>
      toApiMember(await readSyncMember(app.deps, callerOf(request).actor, request.params.member_number)),
  );
}
