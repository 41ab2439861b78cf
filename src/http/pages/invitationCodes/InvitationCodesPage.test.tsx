import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { readPage } from '../../../../tests/page.ts';
import { deliveryStates } from '../../../domain/vocabulary.ts';
import { deliveryWords } from '../../ui/deliveryWords.ts';
import { InvitationCodesPage, type InvitationCodesView } from './InvitationCodesPage.tsx';

const view = (over: Partial<InvitationCodesView> = {}): InvitationCodesView => ({
  ctx: {
    orgName: 'Test Org',
    csrfToken: 'token',
    passwordMinLength: 12,
    publicUrl: 'http://portal.test',
    user: { username: 'admin', firstName: 'Ada', role: 'admin' },
  },
  pendingCount: 1234,
  values: { search: '', status: '', invited: '', sentBefore: '', deliveryFailed: false, sort: '', dir: '' },
  result: null,
  sendAll: null,
  loginClear: null,
  ...over,
});

describe('Invitation Codes view', () => {
  it('says "sent" after a Send only where a mail server takes the message', () => {
    const pageAfterSend = (delivers: boolean) =>
      readPage(
        renderToString(
          <InvitationCodesPage view={view({ sent: { memberId: 9, name: 'Ada Lee', delivers } })} />,
        ),
      );
    expect(pageAfterSend(true).status()).toBe('Invitation sent to Ada Lee.');
    expect(pageAfterSend(false).status()).toBe(
      'Invitation to Ada Lee kept in the Email Log (no mail server is set up).',
    );
  });

  it('shows a running Send All with its progress and a link to it', () => {
    const page = readPage(
      renderToString(
        <InvitationCodesPage
          view={view({
            sendAll: {
              roundId: 7,
              kind: 'send_all',
              startedAt: new Date('2026-01-15T09:00:00Z'),
              startedByLabel: 'admin',
              total: 1234,
              sent: 1000,
              failed: 3,
              notSent: 0,
              remaining: 231,
              finishedAt: null,
            },
          })}
        />,
      ),
    );
    // The status box: the counts, then the link (in a paragraph of its own).
    expect(page.status()).toBe('A Send All is running: 1,000 of 1,234 sent, 3 failed.View progress');
    expect(page.link('View progress')).toBe('/admin/member-management/invitation-codes/rounds/7');
    expect(page.text).toContain(
      'Send All emails an invitation to the current members among the 1,234 members who still have no login.',
    );
  });

  it('shows no progress box when no Send All is running', () => {
    const page = readPage(renderToString(<InvitationCodesPage view={view()} />));
    expect(page.status()).toBeNull();
    expect(page.text).not.toContain('is running');
    expect(page.link('View progress')).toBeNull();
  });

  it('puts every delivery state into words, a failure with the mail server answer', () => {
    for (const state of deliveryStates) {
      expect(deliveryWords({ deliveryState: state, deliveryDetail: null })).not.toBe(state);
    }
    expect(deliveryWords({ deliveryState: null, deliveryDetail: null })).toBe('Never invited');
    expect(deliveryWords({ deliveryState: 'logged', deliveryDetail: null })).toBe('Kept in Email Log');
    expect(deliveryWords({ deliveryState: 'deferred', deliveryDetail: '421 try later' })).toBe('Retrying');
    expect(deliveryWords({ deliveryState: 'failed', deliveryDetail: '550 no such user' })).toBe(
      'Failed: 550 no such user',
    );
  });
});
