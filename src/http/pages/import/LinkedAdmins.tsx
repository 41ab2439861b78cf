import type { AdminLink } from '../../../domain/members/linkAdminRecords.ts';

/**
 * The administrators an import would link to their roster record: their logins were made with a made-up
 * member number, and the row with their email gives them the real one (counted under To be updated).
 * Listed before Apply, so the link is confirmed by applying.
 */
export function LinkedAdmins({ linked }: { linked: AdminLink[] }) {
  if (linked.length === 0) return null;
  return (
    <section aria-labelledby="linked-heading">
      <h2 id="linked-heading">Administrators linked to their roster record</h2>
      <p>
        These administrators' logins were created with a made-up member number. Applying the import gives each
        one the row's member number (counted under To be updated) instead of adding her a second time.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Administrator</th>
            <th scope="col">Made-up number</th>
            <th scope="col">Member number</th>
          </tr>
        </thead>
        <tbody>
          {linked.map((l) => (
            <tr key={l.line}>
              <td>{l.line}</td>
              <td>{l.name}</td>
              <td>{l.madeUp}</td>
              <td>{l.memberNumber}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
