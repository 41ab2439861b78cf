import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { memberManagementCrumb } from './ImportUploadPage.tsx';

/**
 * The answer to an upload over the limit: a page of its own, since the form's file cannot be kept, that
 * names the limit and leads back to the upload form.
 */
export function UploadTooLargePage({ ctx, limit }: { ctx: PageContext; limit: string }) {
  return (
    <AdminFrame
      ctx={ctx}
      title="File too large"
      crumbs={[memberManagementCrumb, { href: paths.import, label: 'Import members' }]}
    >
      <div class="error-summary" role="alert">
        <p>
          The file is larger than the limit of {limit}. Nothing was imported. Split the roster into smaller
          files and upload each.
        </p>
      </div>
      <p>
        <a href={paths.import}>Back to Import members</a>
      </p>
    </AdminFrame>
  );
}
