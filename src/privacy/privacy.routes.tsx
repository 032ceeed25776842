import { Hono, type Context } from 'hono';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { deskSession, type DeskEnv } from '../desk/auth.middleware.js';
import { Csrf, DeskLayout } from '../desk/desk.layout.js';
import { listByIds } from '../enquiries/enquiries.repository.js';
import { AppError } from '../http/errors.js';
import { describedBy, ErrorSummary, FieldError } from '../http/layout.js';
import type { PrivacyService } from './privacy.service.js';

type Found = Awaited<ReturnType<typeof listByIds>>;

function PrivacyPage(props: { c: Context<DeskEnv>; officeName: string; phone: string; email: string; found: Found | null; errors: Record<string, string>; erased?: number }) {
  const s = deskSession(props.c);
  const q = new URLSearchParams({ phone: props.phone, email: props.email }).toString();
  return (
    <DeskLayout title={`${Object.keys(props.errors).length ? 'Error: ' : ''}Journalists’ data`} officeName={props.officeName} session={s} current="/desk/privacy">
      {Object.keys(props.errors).length ? <ErrorSummary errors={props.errors} order={['phone', 'email', 'confirm']} /> : null}
      <h1>Journalists’ personal data</h1>
      <p>Subject access and erasure requests. Personal data is also erased automatically a set time after an enquiry is closed.</p>
      {props.erased !== undefined ? (
        <p class="panel" role="status">
          Erased personal data from {props.erased} enquir{props.erased === 1 ? 'y' : 'ies'}.
        </p>
      ) : null}
      <form method="get" action="/desk/privacy" class="filters">
        <div class={`filter${props.errors.phone ? ' field--error' : ''}`}>
          <label for="phone">Phone number</label>
          <FieldError id="phone" message={props.errors.phone} />
          <input type="tel" id="phone" name="phone" value={props.phone} aria-describedby={describedBy('phone', { error: props.errors.phone })} />
        </div>
        <div class={`filter${props.errors.email ? ' field--error' : ''}`}>
          <label for="email">Email address</label>
          <FieldError id="email" message={props.errors.email} />
          <input type="email" id="email" name="email" value={props.email} aria-describedby={describedBy('email', { error: props.errors.email })} />
        </div>
        <button class="button button--secondary" type="submit">
          Find
        </button>
      </form>
      {props.found ? (
        <>
          <h2>{props.found.length} enquir{props.found.length === 1 ? 'y' : 'ies'} found</h2>
          <ul>
            {props.found.map((e) => (
              <li>
                <a href={`/desk/enquiries/${e.reference}`}>{e.reference}</a> {e.subject} {e.erased_at ? '(already erased)' : ''}
              </li>
            ))}
          </ul>
          {props.found.length ? (
            <>
              <p>
                <a class="button button--secondary" href={`/desk/privacy/export.json?${q}`}>
                  Export everything we hold (JSON)
                </a>
              </p>
              <form method="post" action="/desk/privacy/erase">
                <Csrf token={s.session.csrf_token} />
                <input type="hidden" name="phone" value={props.phone} />
                <input type="hidden" name="email" value={props.email} />
                <div class={`field${props.errors.confirm ? ' field--error' : ''}`}>
                  <FieldError id="confirm" message={props.errors.confirm} />
                  <div class="checkbox">
                    <input type="checkbox" id="confirm" name="confirm" value="yes" aria-describedby={describedBy('confirm', { error: props.errors.confirm })} />
                    <label for="confirm">I confirm this erasure request. Names, contact details and messages are replaced; figures are kept. This cannot be undone.</label>
                  </div>
                </div>
                <button class="button" type="submit">
                  Erase this journalist’s data
                </button>
              </form>
            </>
          ) : null}
        </>
      ) : null}
    </DeskLayout>
  );
}

/** Manager pages for subject access (export) and erasure requests, under /desk/privacy. */
export function privacyRoutes(deps: { db: Db; privacy: PrivacyService; config: Pick<Config, 'office'> }) {
  const app = new Hono<DeskEnv>();
  const officeName = deps.config.office.name;

  app.get('/privacy', async (c) => {
    const phone = c.req.query('phone') ?? '';
    const email = c.req.query('email') ?? '';
    if (!phone && !email) return c.html(<PrivacyPage c={c} officeName={officeName} phone="" email="" found={null} errors={{}} />);
    try {
      const who = deps.privacy.parseJournalist({ phone, email });
      const found = await listByIds(deps.db, await deps.privacy.enquiriesOf(who));
      return c.html(<PrivacyPage c={c} officeName={officeName} phone={phone} email={email} found={found} errors={{}} />);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation') {
        c.status(422);
        return c.html(<PrivacyPage c={c} officeName={officeName} phone={phone} email={email} found={null} errors={err.details.fields ?? {}} />);
      }
      throw err;
    }
  });

  app.get('/privacy/export.json', async (c) => {
    const who = deps.privacy.parseJournalist({ phone: c.req.query('phone'), email: c.req.query('email') });
    const { user } = deskSession(c);
    const data = await deps.privacy.export(who, { userId: user.id, email: user.email });
    c.header('Content-Disposition', 'attachment; filename="journalist-data.json"');
    return c.json(data);
  });

  app.post('/privacy/erase', async (c) => {
    const body = await c.req.parseBody();
    const phone = typeof body.phone === 'string' ? body.phone : '';
    const email = typeof body.email === 'string' ? body.email : '';
    const who = deps.privacy.parseJournalist({ phone, email });
    if (body.confirm !== 'yes') {
      const found = await listByIds(deps.db, await deps.privacy.enquiriesOf(who));
      c.status(422);
      return c.html(<PrivacyPage c={c} officeName={officeName} phone={phone} email={email} found={found} errors={{ confirm: 'Tick the box to confirm the erasure request' }} />);
    }
    const { user } = deskSession(c);
    const erased = await deps.privacy.erase(who, { userId: user.id, email: user.email });
    return c.html(<PrivacyPage c={c} officeName={officeName} phone="" email="" found={null} errors={{}} erased={erased} />);
  });

  return app;
}
