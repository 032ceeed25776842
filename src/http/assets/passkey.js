// Passkeys and security keys (issue 30): registering one on the second-factor page, and signing
// in with one as the second step. Uses @simplewebauthn/browser's bundle (/assets/webauthn.js,
// the global SimpleWebAuthnBrowser). Without JavaScript or WebAuthn the buttons say so and the
// other ways (the app's code, a recovery code) still work.
(() => {
  const lib = window.SimpleWebAuthnBrowser;

  /** Shows a problem in the form's alert area (read out by screen readers). */
  function say(form, text) {
    const out = form.querySelector('[data-passkey-message]');
    if (out) out.textContent = text;
  }

  async function post(url, csrf, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body ?? {}),
    });
    let json = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    if (!res.ok) {
      const e = json && json.error;
      const field = e && e.fields ? Object.values(e.fields)[0] : null;
      throw new Error(field || (e && e.message) || 'Something went wrong. Try again.');
    }
    return json;
  }

  function supported(form) {
    if (lib && lib.browserSupportsWebAuthn()) return true;
    say(form, 'This browser cannot use passkeys. Use another way.');
    return false;
  }

  for (const form of document.querySelectorAll('form[data-passkey-register]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!supported(form)) return;
      const csrf = form.querySelector('input[name="_csrf"]').value;
      const label = form.querySelector('input[name="label"]').value;
      say(form, '');
      try {
        const optionsJSON = await post(`${form.action}/options`, csrf);
        const response = await lib.startRegistration({ optionsJSON });
        const done = await post(form.action, csrf, { label, response });
        window.location.assign(done.next);
      } catch (err) {
        say(
          form,
          err && err.name === 'NotAllowedError' ? 'The passkey was not added (cancelled or timed out).' : err.message,
        );
      }
    });
  }

  for (const form of document.querySelectorAll('form[data-passkey-signin]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!supported(form)) return;
      const csrf = form.querySelector('input[name="_csrf"]').value;
      say(form, '');
      try {
        const optionsJSON = await post(`${form.action}/options`, csrf);
        const response = await lib.startAuthentication({ optionsJSON });
        const done = await post(form.action, csrf, { response });
        window.location.assign(done.next);
      } catch (err) {
        say(
          form,
          err && err.name === 'NotAllowedError' ? 'No passkey was used (cancelled or timed out).' : err.message,
        );
      }
    });
  }
})();
