import type { OfficeConfig } from '../config.js';
import { Field, fieldClass } from '../http/field.js';
import { FieldError } from '../http/layout.js';
import type { DeskSession } from './auth.service.js';
import { Notice, ProblemSummary, type FormProblem } from './desk.forms.js';
import { Csrf, DeskLayout } from './desk.layout.js';
import type { AppUser } from './desk.tables.js';
import { MIN_PASSWORD } from './users.service.js';

/** Element ids of the "add a user" form, by the field names UserService reports. */
export function newUserFieldId(field: string): string {
  return `user-${field}`;
}

/** Element id of the field a per-user form's error belongs to (the new password, or the row's first button). */
export function userRowFieldId(userId: string, field: string): string {
  return field === 'password' ? `password-${userId}` : `active-${userId}`;
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
  const ids = (field: string) => (problem?.form === 'add' ? newUserFieldId(field) : userRowFieldId(problem?.rowId ?? '', field));
  const role = av.role === 'manager' ? 'manager' : 'officer';
  return (
    <DeskLayout title={`${problem ? 'Error: ' : ''}Users`} officeName={p.office.name} session={p.session} current="/desk/users">
      <ProblemSummary problem={problem} ids={ids} order={['name', 'email', 'role', 'password']} />
      <Notice text={p.notice} />
      <h1>Users</h1>
      <p class="hint">Press officers work the queue; managers also run the rota, the users and the audit log. Disabling someone signs them out at once.</p>
      <table class="users-table stack">
        <caption class="visually-hidden">Staff who can sign in to the desk</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {p.users.map((u) => {
            const mine = problem?.form === 'row' && problem.rowId === u.id ? problem : undefined;
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
                <td data-label="Email">{u.email}</td>
                <td data-label="Role">{u.role === 'manager' ? 'Manager' : 'Press officer'}</td>
                <td data-label="Status">
                  {u.active ? 'Active' : <strong>Disabled</strong>}
                </td>
                {/* Your own row has no disable button, so its error (if any) is the link target. */}
                <td data-label="Actions" class="row-actions" id={me ? userRowFieldId(u.id, 'user') : undefined} tabindex={me ? -1 : undefined}>
                  <FieldError id={userRowFieldId(u.id, 'user')} message={activeErr} />
                  {me ? null : (
                    <form method="post" action={`/desk/users/${u.id}/${u.active ? 'disable' : 'enable'}`} class="inline-form">
                      <Csrf token={csrf} />
                      <button type="submit" id={userRowFieldId(u.id, 'user')} class={`button ${u.active ? 'button--warning' : 'button--secondary'}`}>
                        {u.active ? 'Disable' : 'Enable'}
                        <span class="visually-hidden"> {u.name}</span>
                      </button>
                    </form>
                  )}
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
        <Field id="user-name" name="name" label="Name" error={ae.name} attrs={{ type: 'text', maxlength: 200, autocomplete: 'off', value: av.name ?? '' }} />
        <Field id="user-email" name="email" label="Email address" hint="They sign in with it." error={ae.email} attrs={{ type: 'email', maxlength: 254, autocomplete: 'off', spellcheck: false, value: av.email ?? '' }} />
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
