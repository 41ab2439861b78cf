import type { ReportPage } from '../../../domain/reports/reportPager.ts';

/** Previous / next page links of a report; nothing when everything fits on one page. */
export function Pager({
  page,
  href,
}: {
  page: Pick<ReportPage<unknown>, 'next' | 'prev'>;
  href: (position: { after: string } | { before: string }) => string;
}) {
  if (!page.prev && !page.next) return null;
  return (
    <nav aria-label="Pages" class="pagination">
      <p>
        {page.prev && <a href={href({ before: page.prev })}>Previous page</a>}
        {page.prev && page.next && ' · '}
        {page.next && <a href={href({ after: page.next })}>Next page</a>}
      </p>
    </nav>
  );
}
