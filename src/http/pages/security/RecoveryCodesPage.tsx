import { Notice } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';

type Props = { ctx: PageContext; codes: string[]; continueTo: string; turnedOn: boolean };

/** The recovery codes, shown this once (answered to the POST, never put in a URL). */
export function RecoveryCodesPage({ ctx, codes, continueTo, turnedOn }: Props) {
  return (
    <Layout ctx={ctx} title="Your recovery codes">
      <h1>Your recovery codes</h1>
      {turnedOn && <Notice>Two-step verification is on: signing in now asks for a code.</Notice>}
      <section class="card" aria-labelledby="codes-heading">
        <h2 id="codes-heading">Save these codes now</h2>
        <p>
          Each code signs you in once if you lose your device. Keep them somewhere safe, away from your phone:
          they are shown only this once.
        </p>
        <ul class="recovery-codes" aria-label="Recovery codes">
          {codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ul>
        <p>
          <a href={continueTo}>Continue</a>
        </p>
      </section>
    </Layout>
  );
}
