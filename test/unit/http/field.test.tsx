import { describe, expect, it } from 'vitest';
import { Field } from '../../../src/http/field.js';

const html = (node: unknown) => String(node);

// Issue 13: one Field for every labelled control, so hint and error wiring cannot drift.
describe('Field', () => {
  it('names the hint and the error in aria-describedby, and marks the control invalid', () => {
    const out = html(
      <Field
        id="reply"
        label="Reply"
        hint="Up to 600 characters."
        error="Enter a reply"
        as="textarea"
        attrs={{ maxlength: 600 }}
      />,
    );
    expect(out).toContain('<label for="reply">Reply</label>');
    expect(out).toContain('<p class="hint" id="reply-hint">Up to 600 characters.</p>');
    expect(out).toContain('id="reply-error"');
    expect(out).toMatch(
      /<textarea id="reply" name="reply" maxlength="600" aria-describedby="reply-hint reply-error" aria-invalid="true">/,
    );
    expect(out).toContain('class="field field--error"');
  });

  it('without hint or error has no aria-describedby, and takes name and options', () => {
    const out = html(
      <Field id="shift-personId" name="personId" label="Who" as="select">
        <option value="1">Jo</option>
      </Field>,
    );
    expect(out).toContain('<select id="shift-personId" name="personId"><option value="1">Jo</option></select>');
    expect(out).not.toContain('aria-describedby');
    expect(out).toContain('<div class="field">');
  });
});
