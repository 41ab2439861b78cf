// Organisation settings: the invitation preview follows the form as the person types. It posts the form
// (with its token) to the preview address, which changes nothing, and swaps in the preview section of
// the page that comes back. Without JavaScript the Preview button does the same by reloading the page.
(() => {
  const form = document.getElementById('settings-form');
  if (!form) return;
  const previewUrl = form.querySelector('button[name="preview"]')?.getAttribute('formaction');
  if (!previewUrl) return;
  let timer;
  let latest = 0;
  async function refresh() {
    const mine = ++latest;
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === 'string') body.append(name, value);
    const response = await fetch(previewUrl.split('#')[0], {
      method: 'POST',
      body,
      credentials: 'same-origin',
    });
    if (mine !== latest) return;
    const fresh = new DOMParser()
      .parseFromString(await response.text(), 'text/html')
      .getElementById('preview');
    const shown = document.getElementById('preview');
    if (fresh && shown && mine === latest) shown.replaceWith(document.importNode(fresh, true));
  }
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => refresh().catch(() => {}), 250);
  });
})();
