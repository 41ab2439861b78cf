/**
 * Reads a rendered page the way a person with a screen reader would: by role, label and text, with
 * Testing Library's queries on a happy-dom document. Tests that check behaviour ("the Send All button is
 * there", "the Search field keeps what was typed") then survive markup changes that keep the page the
 * same to its users. No global DOM: each page gets its own small window, so vitest stays in `node`.
 *
 *   const page = readPage(res.body);
 *   page.getByRole('button', { name: 'Send All' });
 *   expect(page.valueOf('Search')).toBe('pat');
 *   expect(page.errorFor('Last sent before')).toMatch(/year-month-day/);
 */
import { queries, within } from '@testing-library/dom';
import { Window } from 'happy-dom';

/** Whitespace as a reader hears it: runs collapsed to one space, trimmed. */
const spoken = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/** A table cell's text as a reader hears it, a line break (`<br>`) kept as "\n". */
function cellText(cell: Element): string {
  const copy = cell.cloneNode(true) as Element;
  for (const br of copy.querySelectorAll('br')) br.replaceWith('\n');
  return (copy.textContent ?? '').split('\n').map(spoken).join('\n');
}

/** Parses a whole HTML page without loading or running anything it refers to. */
function parse(html: string): HTMLElement {
  const window = new Window({
    url: 'http://portal.test/',
    settings: {
      disableJavaScriptEvaluation: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      disableComputedStyleRendering: true,
      navigation: { disableMainFrameNavigation: true, disableChildFrameNavigation: true },
    },
  });
  window.document.write(html);
  return window.document.body as unknown as HTMLElement;
}

/** The queries and helpers for `container`; `inside(el)` gives the same for a part of the page. */
function pageOf(container: HTMLElement) {
  const bound = within(container, queries);
  const described = (label: string | RegExp, keep: (id: string) => boolean) => {
    const ids = (bound.getByLabelText(label).getAttribute('aria-describedby') ?? '').split(/\s+/);
    const parts = ids.filter((id) => id && keep(id)).map((id) => container.ownerDocument.getElementById(id));
    return spoken(parts.map((e) => e?.textContent).join(' ')) || null;
  };
  return {
    ...bound,
    /** The element the queries run in (the page's body, or the part given to `inside`). */
    container,
    /** All the text of the page as one line, for sentences that run across inline markup. */
    text: spoken(container.textContent),
    /** The same queries, limited to one part of the page (a table, a form, a navigation). */
    inside: (element: Element) => pageOf(element as HTMLElement),
    /** The form control labelled `label`. */
    field: (label: string | RegExp) => bound.getByLabelText(label) as HTMLInputElement,
    /**
     * What the field labelled `label` shows when the page opens: a select's `selected` option (else its
     * first), a text field's value. Read from the markup, as happy-dom's `select.value` can be wrong.
     */
    valueOf(label: string | RegExp) {
      const field = bound.getByLabelText(label);
      if (field.tagName !== 'SELECT') return (field as HTMLInputElement).value;
      const option = field.querySelector('option[selected]') ?? field.querySelector('option');
      return option?.getAttribute('value') ?? spoken(option?.textContent);
    },
    /**
     * Where the links named `name` go (entities decoded, as a browser follows them), or null when there
     * is none; links with one name that go to different places are an error, as they would be to a user.
     */
    link(name: string | RegExp) {
      const hrefs = new Set(bound.queryAllByRole('link', { name }).map((a) => a.getAttribute('href')));
      if (hrefs.size > 1) throw new Error(`links named ${name} go to ${[...hrefs].join(', ')}`);
      return hrefs.size ? [...hrefs][0]! : null;
    },
    /** The text of the page's status message (role="status"), or null when there is none. */
    status: () => spoken(bound.queryByRole('status')?.textContent) || null,
    /** The text of the page's alert (role="alert", e.g. an error summary), or null. */
    alert: () => spoken(bound.queryByRole('alert')?.textContent) || null,
    /**
     * The error message a field points at through `aria-describedby` (the ids ending in `-error`), or
     * null: the check a sighted reader makes by looking next to the field.
     */
    errorFor: (label: string | RegExp) => described(label, (id) => id.endsWith('-error')),
    /** All a screen reader adds to the field's label: the texts `aria-describedby` points at, or null. */
    descriptionOf: (label: string | RegExp) => described(label, () => true),
    /**
     * The body rows of the table (the only one, or the one named `name` by its caption or label), each
     * as the texts of its cells (row headers included; a `<br>` as "\n"), in page order.
     */
    tableRows(name?: string | RegExp) {
      const table = name === undefined ? bound.getByRole('table') : bound.getByRole('table', { name });
      return [...table.querySelectorAll('tbody tr')].map((row) =>
        [...row.querySelectorAll('th, td')].map(cellText),
      );
    },
  };
}

export type Page = ReturnType<typeof pageOf>;

/** A page read from its HTML (a response body): Testing Library's queries plus the helpers above. */
export function readPage(html: string): Page {
  return pageOf(parse(html));
}
