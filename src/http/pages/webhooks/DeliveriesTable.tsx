import type {
  WebhookAttemptRow,
  WebhookDeliveryRow,
} from '../../../domain/webhooks/webhookEndpointDetail.ts';
import { paths } from '../../paths.ts';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField } from '../../ui/forms.tsx';
import { deliveryStateWords, eventWords } from './words.ts';

/** One attempt: when, the status or why there was none, how long, and the start of the answer. */
function Attempt({ attempt }: { attempt: WebhookAttemptRow }) {
  const answer = attempt.statusCode === null ? attempt.error : `Answered ${attempt.statusCode}`;
  return (
    <li>
      {formatDateTime(attempt.startedAt)}: {answer} ({attempt.durationMs} ms)
      {attempt.responseSnippet ? (
        <pre>
          <code>{attempt.responseSnippet}</code>
        </pre>
      ) : null}
    </li>
  );
}

function stateDetail(d: WebhookDeliveryRow): string {
  if (d.state === 'deferred') return `Next try ${formatDateTime(d.nextAttemptAt)}. ${d.lastError ?? ''}`;
  if (d.state === 'delivered') return formatDateTime(d.deliveredAt);
  return d.lastError ?? '';
}

/** An endpoint's newest deliveries, each with every attempt's answer and, when it stopped, Retry. */
export function DeliveriesTable(props: {
  csrfToken: string;
  endpointId: number;
  deliveries: WebhookDeliveryRow[];
}) {
  if (props.deliveries.length === 0) {
    return <p>No deliveries yet. Events appear here as they happen; Send test event shows one now.</p>;
  }
  return (
    <table class="stack">
      <caption>Recent deliveries</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">State</th>
          <th scope="col">Answers</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {props.deliveries.map((d) => (
          <tr key={d.id}>
            <th scope="row" data-label="Event" id={`delivery-${d.id}`}>
              {eventWords(d.eventType)}
              <p class="hint">
                <code>{d.eventId}</code>, {formatDateTime(d.createdAt)}
              </p>
            </th>
            <td data-label="State">
              <strong>{deliveryStateWords[d.state] ?? d.state}</strong>
              <p class="hint">{stateDetail(d)}</p>
            </td>
            <td data-label="Answers">
              {d.tries.length === 0 ? (
                'Not sent yet'
              ) : (
                <ol>
                  {d.tries.map((a) => (
                    <Attempt key={a.startedAt.getTime()} attempt={a} />
                  ))}
                </ol>
              )}
            </td>
            <td data-label="Action">
              {(d.state === 'failed' || d.state === 'interrupted') && (
                <form method="post" action={paths.webhookRetry(props.endpointId, d.id)}>
                  <CsrfField token={props.csrfToken} />
                  <button type="submit" aria-describedby={`delivery-${d.id}`}>
                    Retry
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
