// Passkeys (WebAuthn) for the forms that offer them; the pages work without it (codes).
// A button or form marked data-passkey="register" | "authenticate" asks the server for options (POST,
// with the form's CSRF token), lets the browser make or use a passkey through @simplewebauthn/browser
// (served beside this file), puts the answer as JSON into the form's hidden field named by
// data-passkey-field, and sends the form.
(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn?.browserSupportsWebAuthn()) return;

  const say = (form, message) => {
    const out = form.querySelector('[data-passkey-status]');
    if (out) out.textContent = message;
  };

  async function run(form, kind, optionsUrl, fieldName) {
    const csrf = form.querySelector('input[name="_csrf"]').value;
    const answer = await fetch(optionsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
      credentials: 'same-origin',
    });
    if (!answer.ok)
      throw new Error('The server did not start the passkey request. Reload the page and try again.');
    const optionsJSON = await answer.json();
    const result =
      kind === 'register'
        ? await webauthn.startRegistration({ optionsJSON })
        : await webauthn.startAuthentication({ optionsJSON });
    form.querySelector(`input[name="${fieldName}"]`).value = JSON.stringify(result);
    form.submit();
  }

  for (const el of document.querySelectorAll('[data-passkey]')) {
    const form = el.form || el;
    el.hidden = false;
    const start = (event) => {
      if (form.querySelector(`input[name="${el.dataset.passkeyField}"]`).value) return;
      event.preventDefault();
      if (el.tagName === 'FORM' && !form.reportValidity()) return;
      say(form, 'Follow your browser to use your passkey…');
      run(form, el.dataset.passkey, el.dataset.passkeyOptions, el.dataset.passkeyField).catch((error) => {
        say(
          form,
          error && error.name === 'NotAllowedError'
            ? 'The passkey request was cancelled or timed out.'
            : String(error.message || error),
        );
      });
    };
    el.addEventListener(el.tagName === 'FORM' ? 'submit' : 'click', start);
  }
})();
