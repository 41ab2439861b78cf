// The invitation loop's only script (served as /assets/invite-loop.js, same origin, so the CSP holds).
// Everything it does also works without it: Send is a form that comes back to the same list, and a
// round's progress page has a Refresh link.

/** Reads a page of the portal and parses it; null when the answer is not a page of the portal. */
async function fetchPage(url, init) {
  const response = await fetch(url, { credentials: 'same-origin', ...init });
  if (!response.ok) return null;
  const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
  return { doc, url: response.url };
}

// Send on a row of Invitation Codes, without reloading: the form is posted as it would be, the list it
// comes back to (same query, with the confirmation beside the row) replaces the table, and focus moves
// to the next row's Send, as the server's autofocus does without this script.
document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-send')) return;
  event.preventDefault();
  const button = form.querySelector('button');
  if (button.getAttribute('aria-disabled') === 'true') return; // already on its way
  button.setAttribute('aria-disabled', 'true');
  const body = new URLSearchParams(new FormData(form));
  let answer = null;
  try {
    answer = await fetchPage(form.action, { method: 'POST', body });
  } catch {
    answer = null;
  }
  // The list is the table the Send forms are in (on the page, and in the answer).
  const fresh = answer?.doc.querySelector('form[data-send]')?.closest('table');
  const table = form.closest('table');
  if (!answer || !fresh || !table || !fresh.querySelector('[data-sent]')) {
    // Refused, signed out, or the row is no longer on the list: show the portal's own answer. The form's
    // repeat-safe key makes a second post of the same Send answer with the first round, not send again.
    if (answer) window.location.assign(answer.url);
    else HTMLFormElement.prototype.submit.call(form);
    return;
  }
  const list = document.importNode(fresh, true);
  table.replaceWith(list);
  const announcer = document.querySelector('[data-send-announcer]');
  if (announcer) announcer.textContent = fresh.querySelector('[data-sent]').textContent;
  list.querySelector('[autofocus]')?.focus();
});

// A round's progress page: polls the page itself every 3 seconds while the round runs, puts the new
// figures in place and updates the polite summary only when its words change, so a screen reader hears
// each change once. No reload: focus and scroll position stay where they are.
const round = document.querySelector('[data-round][data-running]');
if (round) {
  const poll = async () => {
    let answer = null;
    try {
      answer = await fetchPage(window.location.href, { headers: { accept: 'text/html' } });
    } catch {
      answer = null;
    }
    const freshRound = answer?.doc.querySelector('[data-round]');
    const current = document.querySelector('[data-round]');
    if (freshRound && current) {
      current.replaceWith(document.importNode(freshRound, true));
      const summary = document.querySelector('[data-progress-summary]');
      const freshSummary = answer.doc.querySelector('[data-progress-summary]');
      if (summary && freshSummary && summary.textContent !== freshSummary.textContent) {
        summary.textContent = freshSummary.textContent;
      }
      if (!freshRound.hasAttribute('data-running')) return; // finished: stop asking
    }
    window.setTimeout(poll, 3000);
  };
  window.setTimeout(poll, 3000);
}
