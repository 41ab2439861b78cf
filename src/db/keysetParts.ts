import { AppError } from '../errors.ts';
import {
  type Direction,
  type Fetch,
  type Key,
  type Keyed,
  type KeyValue,
  keyset,
  OUT_OF_DATE,
  type Page,
  type PagePosition,
  withoutCursor,
} from './keyset.ts';

/**
 * A list read in parts, one after another, each with its own keys (an order with empty values last in
 * both directions: the rows with a value through one index, then those without through another). Each
 * part is a keyset of its own, its scope `${scope}.${part}`, so a cursor names its part; pages and batches
 * cross from one part into the next (and back) as `keyset` does within one. `fetches[i]` reads part i.
 */
export function keysetParts(parts: readonly (readonly Key[])[], direction: Direction = 'asc', scope = '') {
  const keysets = parts.map((keys, i) => keyset(keys, direction, `${scope}.${i}`));
  const sets = keysets.map((k) => k.parts);
  const reverse: Direction = direction === 'asc' ? 'desc' : 'asc';
  type At = { part: number; values: KeyValue[] } | null;
  const at = (cursor: string, field: string): NonNullable<At> => {
    for (const [part, set] of sets.entries()) {
      const values = set.probe(cursor);
      if (values) return { part, values };
    }
    throw new AppError('validation', OUT_OF_DATE, field);
  };
  /** Up to `limit` rows from a point onwards (or backwards), each tagged with its part. */
  async function walk<R extends Keyed>(
    fetches: readonly Fetch<R>[],
    from: At,
    backwards: boolean,
    limit: number,
  ): Promise<{ part: number; row: R }[]> {
    const rows: { part: number; row: R }[] = [];
    const start = from ? from.part : backwards ? sets.length - 1 : 0;
    for (let p = start; p >= 0 && p < sets.length && rows.length < limit; p += backwards ? -1 : 1) {
      const set = sets[p]!;
      const boundary =
        from && p === from.part ? set.beyond(from.values, backwards ? 'before' : 'after') : null;
      const got = await fetches[p]!(
        boundary,
        set.orderOf(backwards ? reverse : direction),
        limit - rows.length,
      );
      for (const row of got) rows.push({ part: p, row });
    }
    return rows;
  }
  const cursorOf = (t: { part: number; row: Keyed }) => sets[t.part]!.cursorOf(t.row);
  // Each part's rows come from a statement of their own: stripped part by part (see withoutCursor).
  const strip = <R extends Keyed>(rows: { part: number; row: R }[]) => {
    const out: Omit<R, 'cursor'>[] = [];
    for (let from = 0; from < rows.length; ) {
      let to = from + 1;
      while (to < rows.length && rows[to]!.part === rows[from]!.part) to++;
      out.push(...withoutCursor(rows.slice(from, to).map((t) => t.row)));
      from = to;
    }
    return out;
  };
  return {
    /** Select `cursors[i]` as `cursor` in the rows of part i. */
    cursors: keysets.map((k) => k.cursor),
    async page<R extends Keyed>(
      position: PagePosition,
      pageSize: number,
      fetches: readonly Fetch<R>[],
    ): Promise<Page<Omit<R, 'cursor'>>> {
      if (position.before) {
        const rows = await walk(fetches, at(position.before, 'before'), true, pageSize + 1);
        if (rows.length > pageSize) {
          const page = rows.slice(0, pageSize).reverse();
          return { rows: strip(page), next: cursorOf(page.at(-1)!), prev: cursorOf(page[0]!) };
        }
        // Reaching the start going backwards: show the real first page, full.
        position = {};
      }
      const from = position.after ? at(position.after, 'after') : null;
      const rows = await walk(fetches, from, false, pageSize + 1);
      const page = rows.slice(0, pageSize);
      return {
        rows: strip(page),
        next: rows.length > pageSize ? cursorOf(page.at(-1)!) : null,
        prev: from && page.length > 0 ? cursorOf(page[0]!) : null,
      };
    },
    /** Every row, part after part, in batches of `batchSize` (each one keyset query, or two across a part). */
    async *batches<R extends Keyed>(
      batchSize: number,
      fetches: readonly Fetch<R>[],
    ): AsyncGenerator<Omit<R, 'cursor'>[]> {
      let from: At = null;
      for (;;) {
        const rows: { part: number; row: R }[] = await walk(fetches, from, false, batchSize);
        if (rows.length > 0) yield strip(rows);
        if (rows.length < batchSize) return;
        const last: { part: number; row: R } = rows.at(-1)!;
        from = { part: last.part, values: sets[last.part]!.valuesOf(last.row) };
      }
    },
  };
}
