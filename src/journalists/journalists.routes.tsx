import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError, validationFields } from '../http/errors.js';
import { allValues, firstValue } from '../http/form-schema.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { deskSession, requireManager, type DeskEnv } from '../web/session.js';
import { JOURNALIST_FIELDS, type JournalistInput } from './journalists.forms.js';
import type { JournalistService } from './journalists.service.js';
import {
  EraseJournalistPage,
  JournalistPage,
  JournalistsPage,
  NewJournalistPage,
  type JournalistProblem,
} from './journalists.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const LIST_NOTICES: Partial<Record<string, string>> = {
  erased: 'The record has been deleted and the journalist’s data erased from every enquiry of theirs.',
};
const RECORD_NOTICES: Partial<Record<string, string>> = {
  added: 'The record has been added. Enquiries from its phone numbers and email addresses show it.',
  updated: 'Changes saved.',
  noted: 'The note has been added.',
  'from-enquiry': 'This is the record of the enquiry’s sender. Check it, and add what the desk knows.',
  'enquiry-added': 'The enquiry’s phone number and email address are on this record now.',
};

/** The record form's fields as typed (text, and the ticked flags; anything else posted is ignored). */
async function typed(c: Context): Promise<JournalistInput> {
  const body = await c.req.parseBody({ all: true });
  const out: JournalistInput = { flags: allValues(body, 'flags') };
  for (const f of JOURNALIST_FIELDS) if (f !== 'flags') out[f] = firstValue(body, f);
  return out;
}

/** A posted enquiry reference; 404 when it cannot be one. */
function referenceIn(body: Record<string, string>): string {
  const ref = normaliseReference(body.reference ?? '');
  if (!ref) throw new AppError('not_found', 'That is not an enquiry reference.');
  return ref;
}

/**
 * Journalists' records on the desk (issue 29, item 3), any officer's: the list and search
 * (`/desk/journalists`, with `?add=REF` to add an enquiry's sender to a record), the add form
 * (`/new`), a record's page with its enquiries, notes and edit form (`/:id`), a record from an
 * enquiry (`POST /from-enquiry`), and the managers' erasure (`/:id/erase`, confirmed). Thin: the
 * service checks and audits.
 */
export function journalistRoutes(deps: {
  clock: Clock;
  config: Pick<Config, 'office'>;
  journalists: JournalistService;
}) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  async function renderRecord(
    c: Context<DeskEnv>,
    id: string,
    status: 200 | 422,
    opts: { problem?: JournalistProblem; noteError?: string; noteValue?: string; notice?: string } = {},
  ) {
    const record = await deps.journalists.get(id);
    c.status(status);
    return c.html(
      <JournalistPage session={deskSession(c)} office={office} now={deps.clock()} record={record} {...opts} />,
    );
  }

  app.get('/journalists', async (c) => {
    const q = (c.req.query('q') ?? '').trim();
    const add = normaliseReference(c.req.query('add') ?? '');
    const journalists = await deps.journalists.list(q);
    return c.html(
      <JournalistsPage
        session={deskSession(c)}
        office={office}
        q={q}
        journalists={journalists}
        adding={add ? { reference: add } : null}
        notice={LIST_NOTICES[c.req.query('done') ?? '']}
      />,
    );
  });

  app.get('/journalists/new', (c) => c.html(<NewJournalistPage session={deskSession(c)} office={office} />));

  app.post('/journalists', async (c) => {
    const input = await typed(c);
    try {
      const id = await deps.journalists.create(input, actorOf(c));
      return c.redirect(`/desk/journalists/${id}?done=added`, 303);
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      c.status(422);
      return c.html(<NewJournalistPage session={deskSession(c)} office={office} problem={{ errors, values: input }} />);
    }
  });

  // "Create a record" on an unknown sender's enquiry (a known one's record is opened instead).
  app.post('/journalists/from-enquiry', async (c) => {
    const reference = referenceIn(await formFields(c));
    const id = await deps.journalists.createFromEnquiry(reference, actorOf(c));
    return c.redirect(`/desk/journalists/${id}?done=from-enquiry`, 303);
  });

  app.get('/journalists/:id', (c) =>
    renderRecord(c, rowId(c, 'journalist record'), 200, { notice: RECORD_NOTICES[c.req.query('done') ?? ''] }),
  );

  app.post('/journalists/:id', async (c) => {
    const id = rowId(c, 'journalist record');
    const input = await typed(c);
    try {
      await deps.journalists.edit(id, input, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderRecord(c, id, 422, { problem: { errors, values: input } });
    }
    return c.redirect(`/desk/journalists/${id}?done=updated`, 303);
  });

  app.post('/journalists/:id/notes', async (c) => {
    const id = rowId(c, 'journalist record');
    const { note = '' } = await formFields(c);
    try {
      await deps.journalists.addNote(id, note, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderRecord(c, id, 422, { noteError: errors.note, noteValue: note });
    }
    return c.redirect(`/desk/journalists/${id}?done=noted#notes-title`, 303);
  });

  // "Add to a journalist record": the enquiry's phone and email join the chosen record.
  app.post('/journalists/:id/add-enquiry', async (c) => {
    const id = rowId(c, 'journalist record');
    const reference = referenceIn(await formFields(c));
    await deps.journalists.addEnquiryContacts(id, reference, actorOf(c));
    return c.redirect(`/desk/journalists/${id}?done=enquiry-added`, 303);
  });

  // Erasure is the managers': an officer may correct a record, not destroy it and every enquiry's copy.
  app.use('/journalists/:id/erase', requireManager);

  app.get('/journalists/:id/erase', async (c) => {
    const record = await deps.journalists.get(rowId(c, 'journalist record'));
    const open = await deps.journalists.openCount(record);
    return c.html(
      <EraseJournalistPage session={deskSession(c)} office={office} now={deps.clock()} record={record} open={open} />,
    );
  });

  app.post('/journalists/:id/erase', async (c) => {
    const id = rowId(c, 'journalist record');
    const { confirm } = await formFields(c);
    if (confirm !== 'yes')
      throw new AppError('validation', 'Confirm the erasure', { fields: { confirm: 'Confirm the erasure' } });
    await deps.journalists.erase(id, actorOf(c));
    return c.redirect('/desk/journalists?done=erased', 303);
  });

  return app;
}
