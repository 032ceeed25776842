import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import { listByIds } from '../enquiries/enquiries.repository.js';
import { AppError } from '../http/errors.js';
import { describedBy, ErrorSummary, FieldError } from '../http/layout.js';
import type { ErasureResult, PrivacyService } from './privacy.service.js';
import { formatShortTime } from '../hours/format.js';
import { statusLabel } from '../enquiries/enquiry.labels.js';

type Found = Awaited<ReturnType<typeof listByIds>>;
type Open = Awaited<ReturnType<PrivacyService['openEnquiriesOf']>>;

/** What an erasure request did, at the top of the page that follows it: the references it erased, and which of them it closed. */
function ErasedNotice(props: { result: ErasureResult }) {
  const { erased, references, closed } = props.result;
  return (
    <div class="panel" role="status">
      <p>
        Erased personal data from {erased} enquir{erased === 1 ? 'y' : 'ies'}
        {references.length ? ':' : '.'}
      </p>
      {references.length ? (
        <ul class="erased-references">
          {references.map((r) => (
            <li>
              <a href={`/desk/enquiries/${r}`}>{r}</a>
              {closed.includes(r) ? ' (was open: closed as erased, off the queue)' : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * The journalist's open enquiries, shown before the erase button: an erasure closes them (nobody
 * could answer them without the journalist's details), so the manager sees which, first.
 */
function OpenBeforeErasure(props: { open: Open; office: Config['office']; now: Date }) {
  if (!props.open.length) return <p>None of these enquiries is open.</p>;
  const n = props.open.length;
  return (
    <section aria-labelledby="open-title">
      <h3 id="open-title">
        {n} open enquir{n === 1 ? 'y' : 'ies'} will be closed as erased
      </h3>
      <p>
        Nobody can answer an enquiry once the journalist’s details are gone, so erasing closes {n === 1 ? 'it' : 'them'}{' '}
        with the status “erased”: {n === 1 ? 'it leaves' : 'they leave'} the queue, and reminders, deadline warnings and
        on-call pages stop. Reports count {n === 1 ? 'it' : 'them'} neither as answered nor as missed after the erasure.
      </p>
      <table class="stack open-before-erasure">
        <caption class="visually-hidden">Open enquiries that will be closed as erased</caption>
        <thead>
          <tr>
            <th scope="col">Reference</th>
            <th scope="col">Received</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {props.open.map((e) => (
            <tr>
              <td data-label="Reference">
                <a href={`/desk/enquiries/${e.reference}`}>{e.reference}</a>
              </td>
              <td data-label="Received">{formatShortTime(e.received_at, props.office, props.now)}</td>
              <td data-label="Status">{statusLabel(e.status)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function PrivacyPage(props: {
  c: Context<DeskEnv>;
  officeName: string;
  office: Config['office'];
  now: Date;
  phone: string;
  email: string;
  found: Found | null;
  open?: Open;
  errors: Record<string, string>;
  erased?: ErasureResult;
}) {
  const s = deskSession(props.c);
  const q = new URLSearchParams({ phone: props.phone, email: props.email }).toString();
  return (
    <DeskLayout
      title={`${Object.keys(props.errors).length ? 'Error: ' : ''}Journalists’ data`}
      officeName={props.officeName}
      session={s}
      current="/desk/privacy"
    >
      {Object.keys(props.errors).length ? (
        <ErrorSummary errors={props.errors} order={['phone', 'email', 'confirm']} />
      ) : null}
      <h1>Journalists’ personal data</h1>
      <p>
        Subject access and erasure requests. Personal data is also erased automatically a set time after an enquiry is
        closed.
      </p>
      {props.erased !== undefined ? <ErasedNotice result={props.erased} /> : null}
      <form method="get" action="/desk/privacy" class="filters">
        <div class={`filter${props.errors.phone ? ' field--error' : ''}`}>
          <label for="phone">Phone number</label>
          <FieldError id="phone" message={props.errors.phone} />
          <input
            type="tel"
            id="phone"
            name="phone"
            value={props.phone}
            aria-describedby={describedBy('phone', { error: props.errors.phone })}
          />
        </div>
        <div class={`filter${props.errors.email ? ' field--error' : ''}`}>
          <label for="email">Email address</label>
          <FieldError id="email" message={props.errors.email} />
          <input
            type="email"
            id="email"
            name="email"
            value={props.email}
            aria-describedby={describedBy('email', { error: props.errors.email })}
          />
        </div>
        <button class="button button--secondary" type="submit">
          Find
        </button>
      </form>
      {props.found ? (
        <>
          <h2>
            {props.found.length} enquir{props.found.length === 1 ? 'y' : 'ies'} found
          </h2>
          <ul>
            {props.found.map((e) => (
              <li>
                <a href={`/desk/enquiries/${e.reference}`}>{e.reference}</a> {e.subject}{' '}
                {e.erased_at ? '(already erased)' : ''}
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
              <h2>Erase</h2>
              <OpenBeforeErasure open={props.open ?? []} office={props.office} now={props.now} />
              <form method="post" action="/desk/privacy/erase">
                <Csrf token={s.session.csrf_token} />
                <input type="hidden" name="phone" value={props.phone} />
                <input type="hidden" name="email" value={props.email} />
                <div class={`field${props.errors.confirm ? ' field--error' : ''}`}>
                  <FieldError id="confirm" message={props.errors.confirm} />
                  <div class="checkbox">
                    <input
                      type="checkbox"
                      id="confirm"
                      name="confirm"
                      value="yes"
                      aria-describedby={describedBy('confirm', { error: props.errors.confirm })}
                    />
                    <label for="confirm">
                      I confirm this erasure request. Names, contact details and messages are replaced; figures are
                      kept. This cannot be undone.
                    </label>
                  </div>
                </div>
                {/* A warning button: the one action on these pages that cannot be undone. */}
                <button class="button button--warning" type="submit">
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
export function privacyRoutes(deps: { db: Db; privacy: PrivacyService; config: Pick<Config, 'office'>; clock: Clock }) {
  const app = new Hono<DeskEnv>();
  const officeName = deps.config.office.name;
  const page = { officeName, office: deps.config.office };

  app.get('/privacy', async (c) => {
    const phone = c.req.query('phone') ?? '';
    const email = c.req.query('email') ?? '';
    if (!phone && !email)
      return c.html(<PrivacyPage c={c} {...page} now={deps.clock()} phone="" email="" found={null} errors={{}} />);
    try {
      const who = deps.privacy.parseJournalist({ phone, email });
      const found = await listByIds(deps.db, await deps.privacy.enquiriesOf(who));
      const open = await deps.privacy.openEnquiriesOf(who);
      return c.html(
        <PrivacyPage
          c={c}
          {...page}
          now={deps.clock()}
          phone={phone}
          email={email}
          found={found}
          open={open}
          errors={{}}
        />,
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation') {
        c.status(422);
        return c.html(
          <PrivacyPage
            c={c}
            {...page}
            now={deps.clock()}
            phone={phone}
            email={email}
            found={null}
            errors={err.details.fields ?? {}}
          />,
        );
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
      const open = await deps.privacy.openEnquiriesOf(who);
      c.status(422);
      return c.html(
        <PrivacyPage
          c={c}
          {...page}
          now={deps.clock()}
          phone={phone}
          email={email}
          found={found}
          open={open}
          errors={{ confirm: 'Tick the box to confirm the erasure request' }}
        />,
      );
    }
    const { user } = deskSession(c);
    const erased = await deps.privacy.erase(who, { userId: user.id, email: user.email });
    return c.html(
      <PrivacyPage c={c} {...page} now={deps.clock()} phone="" email="" found={null} errors={{}} erased={erased} />,
    );
  });

  return app;
}
