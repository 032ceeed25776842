import type { OfficeConfig } from '../config.js';
import { Field, fieldClass } from '../http/field.js';
import { FieldError } from '../http/layout.js';
import type { DeskSession } from '../web/session.js';
import { Notice, ProblemSummary, type FormProblem } from '../web/forms.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import type { AppUser } from './desk.tables.js';
import { SignedInList } from './sessions.views.js';
import type { SignedInSession } from './sessions.service.js';
import { MIN_PASSWORD } from './users.forms.js';

/** Element ids of the "add a user" form, by the field names UserService reports. */
export function newUserFieldId(field: string): string {
  return `user-${field}`;
}

/** Element id of the field a per-user form's error belongs to (the new password, or the row's first button). */
export function userRowFieldId(userId: string, field: string): string {
  return field === 'password' ? `password-${userId}` : `active-${userId}`;
}

/** Element id of a field of one user's "edit" form. */
export function editUserFieldId(userId: string, field: string): string {
  return `edit-${userId}-${field}`;
}

/** A mobile for people: UK numbers as dialled in the UK ("07911 123456"), others international. */
function mobileText(e164: string | null): string {
  if (!e164) return '';
  const uk = /^\+44(7\d{3})(\d{6})$/.exec(e164);
  return uk ? `0${uk[1]} ${uk[2]}` : e164;
}

/** One user's edit form (inside their row): name, email, mobile, role, active. */
function EditUser(p: { user: AppUser; csrf: string; me: boolean; problem?: FormProblem }) {
  const u = p.user;
  const id = (f: string) => editUserFieldId(u.id, f);
  const e = p.problem?.errors ?? {};
  const v = p.problem?.values;
  const val = (f: 'name' | 'email' | 'mobile') => (v ? (v[f] ?? '') : f === 'mobile' ? mobileText(u.mobile) : u[f]);
  const role = v ? v.role : u.role;
  const active = v ? v.active : u.active ? 'yes' : 'no';
  return (
    <details class="row-details" open={Boolean(p.problem)}>
      <summary>
        Edit<span class="visually-hidden"> {u.name}</span>
      </summary>
      <form method="post" action={`/desk/users/${u.id}`} novalidate>
        <Csrf token={p.csrf} />
        <Field
          id={id('name')}
          name="name"
          label="Name"
          error={e.name}
          attrs={{ type: 'text', maxlength: 200, autocomplete: 'off', value: val('name') }}
        />
        <Field
          id={id('email')}
          name="email"
          label="Email address"
          error={e.email}
          attrs={{ type: 'email', maxlength: 254, autocomplete: 'off', spellcheck: false, value: val('email') }}
        />
        <Field
          id={id('mobile')}
          name="mobile"
          label="Mobile (optional)"
          hint="Like 07911 123456"
          error={e.mobile}
          attrs={{ type: 'tel', autocomplete: 'off', value: val('mobile') }}
        />
        <Field id={id('role')} name="role" label="Role" error={e.role} as="select">
          <option value="officer" selected={role === 'officer'}>
            Press officer
          </option>
          <option value="manager" selected={role === 'manager'}>
            Manager
          </option>
        </Field>
        <Field
          id={id('active')}
          name="active"
          label="Status"
          hint={p.me ? 'You cannot deactivate your own account.' : 'Deactivating signs them out at once.'}
          error={e.active}
          as="select"
        >
          <option value="yes" selected={active === 'yes'}>
            Active
          </option>
          <option value="no" selected={active === 'no'}>
            Deactivated
          </option>
        </Field>
        <button type="submit" class="button">
          Save changes<span class="visually-hidden"> to {u.name}</span>
        </button>
      </form>
    </details>
  );
}

/** What the users page shows; `problem` is a refused form to show again. */
export interface UsersPageProps {
  session: DeskSession;
  office: OfficeConfig;
  users: AppUser[];
  notice?: string;
  problem?: FormProblem;
}

/**
 * Staff accounts for managers: who can sign in, with which role; add someone, disable or enable
 * them, set a new password. Passwords typed are never shown again, not even after an error.
 */
export function UsersPage(p: UsersPageProps) {
  const csrf = p.session.session.csrf_token;
  const problem = p.problem;
  const add = problem?.form === 'add' ? problem : undefined;
  const av = add?.values ?? {};
  const ae = add?.errors ?? {};
  const ids = (field: string) =>
    problem?.form === 'add'
      ? newUserFieldId(field)
      : problem?.form === 'edit'
        ? editUserFieldId(problem.rowId ?? '', field)
        : userRowFieldId(problem?.rowId ?? '', field);
  const role = av.role === 'manager' ? 'manager' : 'officer';
  return (
    <DeskLayout
      title={`${problem ? 'Error: ' : ''}Users`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/users"
    >
      <ProblemSummary problem={problem} ids={ids} order={['name', 'email', 'mobile', 'role', 'active', 'password']} />
      <Notice text={p.notice} />
      <h1>Users</h1>
      <p class="hint">
        Press officers work the queue; managers also run the rota, the users and the audit log. Disabling someone, or
        changing their role, signs them out at once.
      </p>
      <table class="users-table stack">
        <caption class="visually-hidden">Staff who can sign in to the desk</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Mobile</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {p.users.map((u) => {
            const mine = problem?.form === 'row' && problem.rowId === u.id ? problem : undefined;
            const editing = problem?.form === 'edit' && problem.rowId === u.id ? problem : undefined;
            const pwId = userRowFieldId(u.id, 'password');
            const pwErr = mine?.errors.password;
            const activeErr = mine?.errors.user;
            const me = u.id === p.session.user.id;
            return (
              <tr id={`user-row-${u.id}`} class={u.active ? undefined : 'is-disabled'}>
                <td data-label="Name">
                  {u.name}
                  {me ? <span class="hint"> (you)</span> : null}
                </td>
                <td data-label="Email" class="break">
                  {u.email}
                </td>
                <td data-label="Mobile">
                  {u.mobile ? <a href={`tel:${u.mobile}`}>{mobileText(u.mobile)}</a> : <span class="hint">—</span>}
                </td>
                <td data-label="Role">{u.role === 'manager' ? 'Manager' : 'Press officer'}</td>
                <td data-label="Status">{u.active ? 'Active' : <strong>Disabled</strong>}</td>
                {/* Your own row has no disable button, so its error (if any) is the link target. */}
                <td
                  data-label="Actions"
                  class="row-actions"
                  id={me ? userRowFieldId(u.id, 'user') : undefined}
                  tabindex={me ? -1 : undefined}
                >
                  <FieldError id={userRowFieldId(u.id, 'user')} message={activeErr} />
                  {me ? null : (
                    <form
                      method="post"
                      action={`/desk/users/${u.id}/${u.active ? 'disable' : 'enable'}`}
                      class="inline-form"
                    >
                      <Csrf token={csrf} />
                      <button
                        type="submit"
                        id={userRowFieldId(u.id, 'user')}
                        class={`button ${u.active ? 'button--warning' : 'button--secondary'}`}
                      >
                        {u.active ? 'Disable' : 'Enable'}
                        <span class="visually-hidden"> {u.name}</span>
                      </button>
                    </form>
                  )}
                  <EditUser user={u} csrf={csrf} me={me} problem={editing} />
                  <p>
                    <a href={`/desk/users/${u.id}/second-factor`}>
                      Second factor<span class="visually-hidden"> of {u.name}</span>
                    </a>
                  </p>
                  <details class="row-details" open={Boolean(pwErr)}>
                    <summary>
                      Set a new password<span class="visually-hidden"> for {u.name}</span>
                    </summary>
                    <form method="post" action={`/desk/users/${u.id}/password`} novalidate>
                      <Csrf token={csrf} />
                      <Field
                        id={pwId}
                        name="password"
                        label={`New password for ${u.name}`}
                        hint={`At least ${MIN_PASSWORD} characters. ${me ? 'You will be signed out and sign in again with it.' : 'They are signed out and sign in with it; tell them it in person or by phone.'}`}
                        error={pwErr}
                        attrs={{ type: 'password', autocomplete: 'new-password' }}
                      />
                      <button type="submit" class="button">
                        Set password
                      </button>
                    </form>
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <form method="post" action="/desk/users" novalidate class="manager-form" aria-labelledby="add-user-title">
        <h2 id="add-user-title">Add a user</h2>
        <Csrf token={csrf} />
        <Field
          id="user-name"
          name="name"
          label="Name"
          error={ae.name}
          attrs={{ type: 'text', maxlength: 200, autocomplete: 'off', value: av.name ?? '' }}
        />
        <Field
          id="user-email"
          name="email"
          label="Email address"
          hint="They sign in with it."
          error={ae.email}
          attrs={{ type: 'email', maxlength: 254, autocomplete: 'off', spellcheck: false, value: av.email ?? '' }}
        />
        <fieldset class={fieldClass(ae.role, 'field-group')} aria-describedby={ae.role ? 'user-role-error' : undefined}>
          <legend>Role</legend>
          <FieldError id="user-role" message={ae.role} />
          <div class="radio">
            <input type="radio" id="user-role" name="role" value="officer" checked={role === 'officer'} />
            <label for="user-role">Press officer</label>
          </div>
          <div class="radio">
            <input type="radio" id="user-role-manager" name="role" value="manager" checked={role === 'manager'} />
            <label for="user-role-manager">Manager</label>
          </div>
        </fieldset>
        <Field
          id="user-password"
          name="password"
          label="Initial password"
          hint={`At least ${MIN_PASSWORD} characters. Give it to them in person or by phone, not by email.`}
          error={ae.password}
          attrs={{ type: 'password', autocomplete: 'new-password' }}
        />
        <button type="submit" class="button">
          Add user
        </button>
      </form>
    </DeskLayout>
  );
}

/** What the own-account page shows. */
export interface AccountPageProps {
  session: DeskSession;
  office: OfficeConfig;
  notice?: string;
  problem?: FormProblem;
  /** Where the user is signed in (issue 30, item 3), and the time it is now; absent: not shown. */
  sessions?: readonly SignedInSession[];
  now?: Date;
}

/** Element id of a field of the "change your password" form. */
export function accountFieldId(field: string): string {
  return `account-${field}`;
}

/** Every signed-in user's own account: who they are, and a form to change their own password. */
export function AccountPage(p: AccountPageProps) {
  const { user } = p.session;
  const e = p.problem?.errors ?? {};
  return (
    <DeskLayout
      title={`${p.problem ? 'Error: ' : ''}Your account`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/account"
    >
      <ProblemSummary problem={p.problem} ids={accountFieldId} order={['current', 'password']} />
      <Notice text={p.notice} />
      <h1>Your account</h1>
      <dl class="summary">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email address</dt>
        <dd class="break">{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role === 'manager' ? 'Manager' : 'Press officer'}</dd>
      </dl>
      <p>
        <a href="/desk/account/second-factor">Second factor: an authenticator app, passkeys and recovery codes</a>
      </p>
      <form
        method="post"
        action="/desk/account/password"
        novalidate
        class="manager-form"
        aria-labelledby="password-title"
      >
        <h2 id="password-title">Change your password</h2>
        <Csrf token={p.session.session.csrf_token} />
        <Field
          id={accountFieldId('current')}
          name="current"
          label="Current password"
          error={e.current}
          attrs={{ type: 'password', autocomplete: 'current-password' }}
        />
        <Field
          id={accountFieldId('password')}
          name="password"
          label="New password"
          hint={`At least ${MIN_PASSWORD} characters. You stay signed in here; anywhere else you are signed in is signed out.`}
          error={e.password}
          attrs={{ type: 'password', autocomplete: 'new-password' }}
        />
        <button type="submit" class="button">
          Change password
        </button>
      </form>
      {p.sessions && p.now ? (
        <SignedInList sessions={p.sessions} csrf={p.session.session.csrf_token} office={p.office} now={p.now} />
      ) : null}
    </DeskLayout>
  );
}
