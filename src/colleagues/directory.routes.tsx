import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { validationFields } from '../http/errors.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { COLLEAGUE_FIELDS } from './directory.forms.js';
import type { ColleagueInput, DirectoryService } from './directory.service.js';
import {
  ColleaguePage,
  DirectoryPage,
  EraseColleaguePage,
  type DirectoryField,
  type DirectoryProblem,
} from './directory.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const DIRECTORY_NOTICES: Partial<Record<string, string>> = {
  added: 'The colleague has been added. Officers can ask them questions now.',
  erased: 'The colleague has been erased. Their answers stay on the enquiries, unsigned.',
};

const COLLEAGUE_NOTICES: Partial<Record<string, string>> = {
  updated: 'Changes saved.',
  deactivated: 'Deactivated: the ask form no longer offers them.',
  reactivated: 'Reactivated: the ask form offers them again.',
};

/** The add or edit form's fields as typed (text only; anything else posted is ignored). */
function typed(body: Record<string, string>): ColleagueInput {
  return Object.fromEntries(COLLEAGUE_FIELDS.map((f) => [f, body[f] ?? ''])) as ColleagueInput;
}

/**
 * The directory of colleagues outside the desk (`/desk/colleagues…`, managers only): the list
 * and its add form, one colleague's page (edit, deactivate, reactivate), the subject-access
 * download and the erasure with its confirmation. Thin: the service checks and audits.
 */
export function directoryRoutes(deps: { clock: Clock; config: Pick<Config, 'office'>; colleagues: DirectoryService }) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  async function renderList(c: Context<DeskEnv>, status: 200 | 422, problem?: DirectoryProblem, notice?: string) {
    const colleagues = await deps.colleagues.list();
    c.status(status);
    return c.html(
      <DirectoryPage
        session={deskSession(c)}
        office={office}
        colleagues={colleagues}
        notice={notice}
        problem={problem}
      />,
    );
  }

  async function renderOne(
    c: Context<DeskEnv>,
    id: string,
    status: 200 | 422,
    problem?: DirectoryProblem,
    notice?: string,
  ) {
    const colleague = await deps.colleagues.get(id);
    c.status(status);
    return c.html(
      <ColleaguePage
        session={deskSession(c)}
        office={office}
        colleague={colleague}
        now={deps.clock()}
        notice={notice}
        problem={problem}
      />,
    );
  }

  app.get('/colleagues', (c) => renderList(c, 200, undefined, DIRECTORY_NOTICES[c.req.query('done') ?? '']));

  app.post('/colleagues', async (c) => {
    const input = typed(await formFields(c));
    try {
      await deps.colleagues.add(input, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderList(c, 422, { form: 'add', errors, values: input });
    }
    return c.redirect('/desk/colleagues?done=added', 303);
  });

  app.get('/colleagues/:id', (c) =>
    renderOne(c, rowId(c, 'colleague'), 200, undefined, COLLEAGUE_NOTICES[c.req.query('done') ?? '']),
  );

  app.post('/colleagues/:id', async (c) => {
    const id = rowId(c, 'colleague');
    const input = typed(await formFields(c));
    try {
      await deps.colleagues.update(id, input, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderOne(c, id, 422, { form: 'edit', rowId: id, errors, values: input });
    }
    return c.redirect(`/desk/colleagues/${id}?done=updated`, 303);
  });

  for (const [path, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/colleagues/:id/${path}`, async (c) => {
      const id = rowId(c, 'colleague');
      try {
        if (active) await deps.colleagues.reactivate(id, actorOf(c));
        else await deps.colleagues.deactivate(id, actorOf(c));
      } catch (err) {
        const f = validationFields(err);
        if (!f) throw err;
        const errors: Partial<Record<DirectoryField | 'form', string>> = { active: f.active ?? Object.values(f)[0] };
        return renderOne(c, id, 422, { form: 'active', rowId: id, errors, values: {} });
      }
      return c.redirect(`/desk/colleagues/${id}?done=${active ? 'reactivated' : 'deactivated'}`, 303);
    });
  }

  /** Subject access: the directory row and their part in questions, as a download (audited). */
  app.get('/colleagues/:id/export.json', async (c) => {
    const id = rowId(c, 'colleague');
    const data = await deps.colleagues.export(id, actorOf(c));
    c.header('Content-Disposition', `attachment; filename="colleague-${id}.json"`);
    c.header('Cache-Control', 'no-store');
    return c.json(data);
  });

  /** The confirmation before an erasure. */
  app.get('/colleagues/:id/erase', async (c) => {
    const colleague = await deps.colleagues.get(rowId(c, 'colleague'));
    return c.html(<EraseColleaguePage session={deskSession(c)} office={office} colleague={colleague} />);
  });

  app.post('/colleagues/:id/erase', async (c) => {
    await deps.colleagues.erase(rowId(c, 'colleague'), actorOf(c));
    return c.redirect('/desk/colleagues?done=erased', 303);
  });

  return app;
}
