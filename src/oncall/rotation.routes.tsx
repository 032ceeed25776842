import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { validationFields } from '../http/errors.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import type { RotaService } from './rota.service.js';
import type { RotationService } from './rotation.service.js';
import { ROTATIONS_PATH, RotationPage, RotationsPage, type RotationProblem } from './rotation.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const NOTICES: Partial<Record<string, string>> = {
  added: 'The rotation has been added. Its shifts are on the rota.',
  saved: 'Changes saved. Its shifts that had not started follow the change.',
  deleted: 'The rotation has been deleted. Its shifts that had not started have left the rota.',
};

/**
 * Repeating rotations (`/desk/rota/rotations…`, managers only, inside the rota's area): the list
 * with the add form, one rotation's page with its edit form, and delete. Thin: the service checks,
 * generates and audits.
 */
export function rotationRoutes(deps: {
  clock: Clock;
  config: Pick<Config, 'office'>;
  rota: RotaService;
  rotations: RotationService;
}) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  async function renderList(c: Context<DeskEnv>, status: 200 | 422, problem?: RotationProblem, notice?: string) {
    const [rotations, people] = await Promise.all([deps.rotations.list(), deps.rota.listPeople()]);
    c.status(status);
    return c.html(
      <RotationsPage
        session={deskSession(c)}
        office={office}
        rotations={rotations}
        people={people}
        notice={notice}
        problem={problem}
      />,
    );
  }

  async function renderOne(
    c: Context<DeskEnv>,
    id: string,
    status: 200 | 422,
    problem?: RotationProblem,
    notice?: string,
  ) {
    const [rotation, people] = await Promise.all([deps.rotations.get(id), deps.rota.listPeople()]);
    c.status(status);
    return c.html(
      <RotationPage
        session={deskSession(c)}
        office={office}
        now={deps.clock()}
        rotation={rotation}
        people={people}
        notice={notice}
        problem={problem}
      />,
    );
  }

  app.get('/rota/rotations', (c) => renderList(c, 200, undefined, NOTICES[c.req.query('done') ?? '']));

  app.post('/rota/rotations', async (c) => {
    const body = await formFields(c);
    let id: string;
    try {
      id = await deps.rotations.save(null, body, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderList(c, 422, { form: 'rotation', errors, values: body });
    }
    return c.redirect(`${ROTATIONS_PATH}/${id}?done=added`, 303);
  });

  app.get('/rota/rotations/:id', (c) =>
    renderOne(c, rowId(c, 'rotation'), 200, undefined, NOTICES[c.req.query('done') ?? '']),
  );

  app.post('/rota/rotations/:id', async (c) => {
    const id = rowId(c, 'rotation');
    const body = await formFields(c);
    try {
      await deps.rotations.save(id, body, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderOne(c, id, 422, { form: 'rotation', rowId: id, errors, values: body });
    }
    return c.redirect(`${ROTATIONS_PATH}/${id}?done=saved`, 303);
  });

  app.post('/rota/rotations/:id/delete', async (c) => {
    await deps.rotations.delete(rowId(c, 'rotation'), actorOf(c));
    return c.redirect(`${ROTATIONS_PATH}?done=deleted`, 303);
  });

  return app;
}
