import type { OfficeConfig } from '../config.js';
import { Field } from '../http/field.js';
import { ErrorSummary, Layout } from '../http/layout.js';
import { Notice } from '../web/forms.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import type { DeskSession } from '../web/session.js';
import type { AppUser } from './desk.tables.js';
import type { PasskeyRow } from './second-factor.repository.js';
import type { AppSetUp, SecondFactorMethods } from './second-factor.service.js';

const PASSKEY_SCRIPTS = ['/assets/webauthn.js', '/assets/passkey.js'];

function when(d: Date | null): string {
  return d ? d.toISOString().slice(0, 16).replace('T', ' ') : 'never';
}

/** The second step of signing in (public: a right password, no session yet). */
export function SecondStepPage(p: {
  officeName: string;
  csrf: string;
  methods: SecondFactorMethods;
  errors?: Record<string, string>;
}) {
  const e = p.errors ?? {};
  const order = ['code', 'passkey', 'recovery'];
  return (
    <Layout
      title={`${Object.keys(e).length ? 'Error: ' : ''}Confirm it is you`}
      officeName={`${p.officeName} desk`}
      head={PASSKEY_SCRIPTS.map((src) => <script src={src} defer />)}
    >
      {Object.keys(e).length ? <ErrorSummary errors={e} order={order} /> : null}
      <h1>Confirm it is you</h1>
      <p>Your password was right. Your account also needs a second factor.</p>
      {p.methods.app ? (
        <form method="post" action="/desk/login/second-factor/code" novalidate aria-labelledby="code-title">
          <h2 id="code-title">Code from your authenticator app</h2>
          <input type="hidden" name="_csrf" value={p.csrf} />
          <Field
            id="code"
            label="6-digit code"
            hint="Open the authenticator app on your phone and enter the code it shows for the desk."
            error={e.code}
            attrs={{
              type: 'text',
              inputmode: 'numeric',
              autocomplete: 'one-time-code',
              maxlength: 8,
              spellcheck: false,
            }}
          />
          <button type="submit" class="button">
            Continue
          </button>
        </form>
      ) : null}
      {p.methods.passkeys.length ? (
        <form
          method="post"
          action="/desk/login/second-factor/passkey"
          data-passkey-signin
          aria-labelledby="passkey-title"
          id="passkey"
          tabindex={-1}
        >
          <h2 id="passkey-title">Passkey or security key</h2>
          <input type="hidden" name="_csrf" value={p.csrf} />
          <p class="field-error" role="alert" data-passkey-message>
            {e.passkey ?? ''}
          </p>
          <button type="submit" class="button">
            Use a passkey
          </button>
        </form>
      ) : null}
      <details open={Boolean(e.recovery)}>
        <summary>Use a recovery code</summary>
        <form method="post" action="/desk/login/second-factor/recovery" novalidate>
          <input type="hidden" name="_csrf" value={p.csrf} />
          <Field
            id="recovery"
            label="Recovery code"
            hint="One of the ten codes you saved when you set up your second factor. Each works once."
            error={e.recovery}
            attrs={{ type: 'text', autocomplete: 'off', maxlength: 20, spellcheck: false }}
          />
          <button type="submit" class="button button--secondary">
            Continue with a recovery code
          </button>
        </form>
      </details>
      <p class="hint">Lost your phone and your codes? Ask a manager to reset your second factor.</p>
    </Layout>
  );
}

/** `/desk/account/second-factor`: the signed-in user's own second factors. */
export function SecondFactorPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  methods: SecondFactorMethods;
  required: boolean;
  setupOnly: boolean;
  notice?: string;
  error?: string;
  labelError?: string;
}) {
  const csrf = p.session.session.csrf_token;
  const any = p.methods.app || p.methods.passkeys.length > 0;
  const errors: Record<string, string> = {
    ...(p.error ? { 'second-factor-problem': p.error } : {}),
    ...(p.labelError ? { 'passkey-label': p.labelError } : {}),
  };
  const failed = Object.keys(errors).length > 0;
  return (
    <DeskLayout
      title={`${failed ? 'Error: ' : ''}Second factor`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/account"
      scripts={PASSKEY_SCRIPTS}
    >
      {failed ? <ErrorSummary errors={errors} order={['second-factor-problem', 'passkey-label']} /> : null}
      <Notice text={p.notice} />
      <h1>Second factor</h1>
      {p.setupOnly ? (
        <section class="banner" aria-label="Set up required">
          <p class="banner__title">Set up a second factor to use the desk.</p>
          <p>
            Your office requires one for every account that signs in with a password. Add an authenticator app or a
            passkey below; then you can go on to the desk.
          </p>
        </section>
      ) : null}
      <p id="second-factor-problem" tabindex={-1}>
        After your password, the desk also asks for a code from an app on your phone or a passkey, so a stolen password
        alone is not enough.{p.required ? ' Your office requires it.' : ''}
      </p>

      <h2>Authenticator app</h2>
      {p.methods.app ? (
        <form method="post" action="/desk/account/second-factor/app/remove">
          <p>Set up.</p>
          <Csrf token={csrf} />
          <button type="submit" class="button button--warning">
            Remove the authenticator app
          </button>
        </form>
      ) : (
        <p>
          <a class="button" href="/desk/account/second-factor/app">
            Set up an authenticator app
          </a>
        </p>
      )}

      <h2>Passkeys and security keys</h2>
      {p.methods.passkeys.length ? (
        <table class="stack">
          <caption class="visually-hidden">Your passkeys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.methods.passkeys.map((k: PasskeyRow) => (
              <tr>
                <td data-label="Name">{k.label}</td>
                <td data-label="Added">{when(k.created_at)}</td>
                <td data-label="Last used">{when(k.last_used_at)}</td>
                <td data-label="Actions">
                  <form
                    method="post"
                    action={`/desk/account/second-factor/passkeys/${encodeURIComponent(k.credential_id)}/remove`}
                  >
                    <Csrf token={csrf} />
                    <button type="submit" class="button button--warning">
                      Remove<span class="visually-hidden"> {k.label}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>None yet.</p>
      )}
      <form
        method="post"
        action="/desk/account/second-factor/passkeys"
        data-passkey-register
        class="manager-form"
        aria-labelledby="add-passkey-title"
        novalidate
      >
        <h3 id="add-passkey-title">Add a passkey or security key</h3>
        <Csrf token={csrf} />
        <Field
          id="passkey-label"
          name="label"
          label="Name it"
          hint="So you can tell them apart, such as “Work laptop” or “Blue key”."
          error={p.labelError}
          attrs={{ type: 'text', maxlength: 60, autocomplete: 'off' }}
        />
        <p class="field-error" role="alert" data-passkey-message />
        <button type="submit" class="button">
          Add a passkey
        </button>
      </form>

      <h2>Recovery codes</h2>
      {any && p.methods.recoveryLeft === 0 ? (
        <form method="post" action="/desk/account/second-factor/recovery">
          <p>
            <strong>You have no recovery codes.</strong> Make them now and save them: they let you sign in without your
            phone or key.
          </p>
          <Csrf token={csrf} />
          <button type="submit" class="button">
            Make your recovery codes
          </button>
        </form>
      ) : any ? (
        <form method="post" action="/desk/account/second-factor/recovery">
          <p>{p.methods.recoveryLeft} of 10 unused. Each works once, when you do not have your phone or key.</p>
          <Csrf token={csrf} />
          <button type="submit" class="button button--secondary">
            Make new recovery codes
          </button>
        </form>
      ) : (
        <p>You get ten when you set up an app or a passkey.</p>
      )}
      {p.setupOnly ? null : (
        <p>
          <a href="/desk/account">Back to your account</a>
        </p>
      )}
    </DeskLayout>
  );
}

/** Setting up the authenticator app: the QR code, the secret as text, and the code that confirms it. */
export function AppSetUpPage(p: { session: DeskSession; office: OfficeConfig; setUp: AppSetUp; error?: string }) {
  return (
    <DeskLayout
      title={`${p.error ? 'Error: ' : ''}Set up an authenticator app`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/account"
    >
      {p.error ? <ErrorSummary errors={{ code: p.error }} order={['code']} /> : null}
      <h1>Set up an authenticator app</h1>
      <ol>
        <li>Open an authenticator app on your phone (such as Microsoft Authenticator or Google Authenticator).</li>
        <li>Add an account and scan this QR code.</li>
        <li>Enter the 6-digit code it shows.</li>
      </ol>
      {/* qrcode's own SVG markup, made from the otpauth URI alone. */}
      <div
        class="qr-code"
        role="img"
        aria-label="QR code for your authenticator app"
        style="max-width: 14rem"
        dangerouslySetInnerHTML={{ __html: p.setUp.qrSvg }}
      />
      <details>
        <summary>Cannot scan it? Type this key instead</summary>
        <p>
          Key: <code class="break">{p.setUp.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
        </p>
        <p class="hint">Time-based, 6 digits, every 30 seconds.</p>
      </details>
      <form method="post" action="/desk/account/second-factor/app" novalidate class="manager-form">
        <Csrf token={p.session.session.csrf_token} />
        <Field
          id="code"
          label="6-digit code from the app"
          error={p.error}
          attrs={{ type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 8, spellcheck: false }}
        />
        <button type="submit" class="button">
          Confirm
        </button>
      </form>
      <p>
        <a href="/desk/account/second-factor">Back</a>
      </p>
    </DeskLayout>
  );
}

/** The recovery codes, shown once. */
export function RecoveryCodesPage(p: { session: DeskSession; office: OfficeConfig; codes: string[]; intro: string }) {
  return (
    <DeskLayout title="Your recovery codes" officeName={p.office.name} session={p.session} current="/desk/account">
      <Notice text={p.intro} />
      <h1>Your recovery codes</h1>
      <p>
        Save these now (print them or keep them in a password manager): they are not shown again. Each works once, to
        sign in when you do not have your phone or key. Making new ones stops these working.
      </p>
      <ul class="recovery-codes" aria-label="Recovery codes">
        {p.codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href="/desk/account/second-factor">
          I have saved them
        </a>
      </p>
    </DeskLayout>
  );
}

/** A manager's confirmation before resetting someone's second factor. */
export function ResetSecondFactorPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  user: AppUser;
  methods: SecondFactorMethods;
  notice?: string;
}) {
  const has = p.methods.app || p.methods.passkeys.length > 0;
  return (
    <DeskLayout
      title={`Second factor of ${p.user.name}`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/users"
    >
      <Notice text={p.notice} />
      <h1>Second factor of {p.user.name}</h1>
      <dl class="summary">
        <dt>Authenticator app</dt>
        <dd>{p.methods.app ? 'Set up' : 'None'}</dd>
        <dt>Passkeys</dt>
        <dd>{p.methods.passkeys.length ? p.methods.passkeys.map((k) => k.label).join(', ') : 'None'}</dd>
        <dt>Unused recovery codes</dt>
        <dd>{p.methods.recoveryLeft}</dd>
      </dl>
      {has ? (
        <form method="post" action={`/desk/users/${p.user.id}/second-factor/reset`} class="manager-form">
          <h2>Reset their second factor</h2>
          <p>
            For someone who lost their phone, key and recovery codes. Their app, passkeys and recovery codes stop
            working and they are signed out everywhere; they sign in with their password and set up a new one. Check it
            is them first (in person or by phone). This is recorded in the audit log.
          </p>
          <Csrf token={p.session.session.csrf_token} />
          <button type="submit" class="button button--warning">
            Reset second factor of {p.user.name}
          </button>
        </form>
      ) : (
        <p>They have no second factor to reset.</p>
      )}
      <p>
        <a href="/desk/users">Back to users</a>
      </p>
    </DeskLayout>
  );
}
