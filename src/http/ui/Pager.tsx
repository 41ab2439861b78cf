import type { Page, PagePosition } from '../../db/keyset.ts';

/** What the two links say: lists newest first call them "Newer events" / "Older events", say. */
export type PagerLabels = { prev: string; next: string };

/** Previous / next page links of every keyset list; nothing when everything fits on one page. */
export function Pager({
  page,
  href,
  labels = { prev: 'Previous page', next: 'Next page' },
}: {
  page: Pick<Page<unknown>, 'next' | 'prev'>;
  href: (position: PagePosition) => string;
  labels?: PagerLabels;
}) {
  if (!page.prev && !page.next) return null;
  return (
    <nav aria-label="Pages" class="pagination">
      <p>
        {page.prev && <a href={href({ before: page.prev })}>{labels.prev}</a>}
        {page.prev && page.next && ' · '}
        {page.next && <a href={href({ after: page.next })}>{labels.next}</a>}
      </p>
    </nav>
  );
}
