/**
 * A column header that sorts by its column (pressed again, it reverses the order); aria-sort tells screen
 * readers the state, the arrow shows it. `href` is the list's address sorted by this column.
 */
export function SortableHeader({
  label,
  active,
  dir,
  href,
}: {
  label: string;
  active: boolean;
  dir: 'asc' | 'desc';
  href: string;
}) {
  return (
    <th scope="col" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={href}>
        {label}
        {active && <span aria-hidden="true">{dir === 'asc' ? ' ▲' : ' ▼'}</span>}
      </a>
    </th>
  );
}
