import { Hono, type Context } from 'hono';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { validationFields } from '../http/errors.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { journalistsOfOutlet } from './journalists.repository.js';
import type { OutletService } from './outlets.service.js';
import { OutletPage, OutletsPage, type OutletProblem } from './outlets.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const LIST_NOTICES: Partial<Record<string, string>> = {
  merged: 'The spelling now names the outlet: enquiries typed that way show and count as it.',
};
const OUTLET_NOTICES: Partial<Record<string, string>> = {
  added: 'The outlet has been added.',
  updated: 'Changes saved.',
  merged: 'The spelling now names this outlet: enquiries typed that way show and count as it.',
};

/** The outlet form's fields as typed. */
function outletValues(body: Record<string, string>) {
  return { name: body.name ?? '', kind: body.kind ?? '', area: body.area ?? '' };
}

/**
 * Outlets on the desk (issue 29, item 3), any officer's: the list with the add form and the merge
 * of a spelling into an outlet (`/desk/outlets`), and one outlet's page and edit form
 * (`/desk/outlets/:id`). Thin: the service checks and audits.
 */
export function outletRoutes(deps: { db: Db; config: Pick<Config, 'office'>; outlets: OutletService }) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  async function renderList(
    c: Context<DeskEnv>,
    status: 200 | 422,
    opts: { problem?: OutletProblem; notice?: string } = {},
  ) {
    const [outlets, unmatched] = await Promise.all([deps.outlets.list(), deps.outlets.unmatched()]);
    c.status(status);
    return c.html(
      <OutletsPage session={deskSession(c)} office={office} outlets={outlets} unmatched={unmatched} {...opts} />,
    );
  }

  async function renderOne(
    c: Context<DeskEnv>,
    id: string,
    status: 200 | 422,
    opts: { problem?: OutletProblem; notice?: string } = {},
  ) {
    const outlet = await deps.outlets.get(id);
    const [spellings, journalists] = await Promise.all([deps.outlets.spellings(id), journalistsOfOutlet(deps.db, id)]);
    c.status(status);
    return c.html(
      <OutletPage
        session={deskSession(c)}
        office={office}
        outlet={outlet}
        spellings={spellings}
        journalists={journalists}
        {...opts}
      />,
    );
  }

  app.get('/outlets', (c) => renderList(c, 200, { notice: LIST_NOTICES[c.req.query('done') ?? ''] }));

  app.post('/outlets', async (c) => {
    const values = outletValues(await formFields(c));
    try {
      const o = await deps.outlets.add(values, actorOf(c));
      return c.redirect(`/desk/outlets/${o.id}?done=added`, 303);
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderList(c, 422, { problem: { form: 'add', errors, values } });
    }
  });

  app.post('/outlets/spellings', async (c) => {
    const body = await formFields(c);
    const values = { spelling: body.spelling ?? '', outlet: body.outlet ?? '' };
    try {
      await deps.outlets.mergeSpelling(values, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderList(c, 422, { problem: { form: 'spelling', errors, values } });
    }
    return c.redirect('/desk/outlets?done=merged', 303);
  });

  app.get('/outlets/:id', (c) =>
    renderOne(c, rowId(c, 'outlet'), 200, { notice: OUTLET_NOTICES[c.req.query('done') ?? ''] }),
  );

  app.post('/outlets/:id', async (c) => {
    const id = rowId(c, 'outlet');
    const values = outletValues(await formFields(c));
    try {
      await deps.outlets.edit(id, values, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderOne(c, id, 422, { problem: { form: 'edit', errors, values } });
    }
    return c.redirect(`/desk/outlets/${id}?done=updated`, 303);
  });

  return app;
}
