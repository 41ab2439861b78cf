import { describe, expect, it } from 'vitest';
import { ValidationErrors } from '../../errors.ts';
import { auditLogFilterQuery, parseAuditLogFilter } from './auditLog.ts';

const fieldsOf = (raw: Record<string, unknown>) => {
  try {
    parseAuditLogFilter(raw);
  } catch (e) {
    if (e instanceof ValidationErrors) return e.fields;
    throw e;
  }
  return {};
};

describe('parseAuditLogFilter', () => {
  it('reads every filter, trimmed, ignoring empty ones', () => {
    expect(parseAuditLogFilter({})).toEqual({});
    expect(parseAuditLogFilter({ actor: '  ', member: '', action: '' })).toEqual({});
    expect(
      parseAuditLogFilter({
        actor: ' Ann ',
        member: 'A100',
        action: 'roster.imported',
        from: '2026-01-01',
        to: '2026-01-31',
      }),
    ).toEqual({
      actor: 'Ann',
      member: 'A100',
      action: 'roster.imported',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-31T00:00:00Z'),
    });
  });

  it('accepts one day as both ends', () => {
    expect(parseAuditLogFilter({ from: '2026-01-05', to: '2026-01-05' }).to).toEqual(
      new Date('2026-01-05T00:00:00Z'),
    );
  });

  it('reports every refused value against its field', () => {
    expect(fieldsOf({ from: '2026-02-30', to: 'soon', action: 'nope' })).toEqual({
      from: 'Enter the date as year-month-day, for example 2026-01-31.',
      to: 'Enter the date as year-month-day, for example 2026-01-31.',
      action: 'Choose an action from the list.',
    });
    expect(fieldsOf({ from: '2026-01-02', to: '2026-01-01' })).toEqual({
      to: 'The To date must be the same as or after the From date.',
    });
  });

  it('gives back the same filter from its query string', () => {
    const filter = parseAuditLogFilter({ actor: 'a&b', from: '2026-01-01', action: 'demo.filled' });
    expect(auditLogFilterQuery(filter).toString()).toBe('actor=a%26b&action=demo.filled&from=2026-01-01');
    expect(parseAuditLogFilter(Object.fromEntries(auditLogFilterQuery(filter)))).toEqual(filter);
  });
});
