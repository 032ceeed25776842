import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { staffText } from '../../../src/enquiries/staff-text.js';
import { AppError } from '../../../src/http/errors.js';
import { defineForm } from '../../../src/http/form-schema.js';

const form = defineForm(
  z.object({
    note: staffText(10, 'a note'),
    reason: staffText(5, 'a reason', true),
    urgent: z
      .string()
      .optional()
      .transform((v) => v === 'true'),
  }),
);

describe('defineForm', () => {
  it('gives typed values, first value of a repeated field, files and unknown fields ignored', () => {
    const file = new File(['x'], 'x.txt');
    const r = form.parse({ note: [' Hi\r\nthere ', 'second'], reason: file, urgent: 'true', _csrf: 't', other: 'x' });
    expect(r).toEqual({ ok: true, values: { note: 'Hi\nthere', reason: null, urgent: true } });
    if (r.ok) expectTypeOf(r.values).toEqualTypeOf<{ note: string; reason: string | null; urgent: boolean }>();
  });

  it('reads URL-encoded bodies too', () => {
    const values = { note: 'hi', reason: null, urgent: false };
    expect(form.parse(new URLSearchParams('note=hi&urgent=no'))).toEqual({ ok: true, values });
  });

  it('reports every refused field at once, one message each, with what was typed', () => {
    const r = form.parse({ note: '   ', reason: 'far too long' });
    expect(r).toEqual({
      ok: false,
      errors: { note: 'Enter a note', reason: 'Keep it to 5 characters or fewer' },
      summary: 'Enter a note',
      raw: { note: '   ', reason: 'far too long' },
    });
  });

  it('types field ids from the schema', () => {
    expect(form.ids).toEqual({ note: 'note', reason: 'reason', urgent: 'urgent' });
    expectTypeOf(form.ids.note).toEqualTypeOf<'note'>();
    // @ts-expect-error: no such field
    void form.ids.nte;
  });

  it('check: typed values, or a 422 AppError whose message is the first problem’s summary', () => {
    expect(form.check({ note: 'ok' })).toEqual({ note: 'ok', reason: null, urgent: false });
    let err: unknown;
    try {
      form.check({ note: 'x'.repeat(11) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const fields = { note: 'Keep it to 10 characters or fewer' };
    expect(err).toMatchObject({ code: 'validation', status: 422, message: 'a note is too long', details: { fields } });
  });
});
