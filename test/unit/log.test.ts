/**
 * The log keeps journalists' personal data out (issue 12, finding 3): the fields that may hold it
 * are removed at the top of a line and one level down, the request's cookie and authorization
 * headers too, and phone numbers and email addresses are scrubbed from whatever text remains.
 * Issue 32 replaced pino's wildcard redaction with `withoutPersonalData` for speed; these are the
 * rules it must keep.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, scrubContactDetails, withoutPersonalData } from '../../src/log.js';

function capture(): { log: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const log = createLogger('debug', { write: (line: string) => void out.push(line) });
  return { log, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('a log line', () => {
  it('loses personal fields at the top and one level down, and keeps everything else', () => {
    const { log, lines } = capture();
    log.info(
      {
        reference: 'PD-ABC-123',
        email: 'ann@gazette.example',
        phone: '+447911123456',
        enquiry: { id: '7', name: 'Ann Reporter', subject: 'Road closure', status: 'new' },
        job: { payload: 'x' },
        deep: { inner: { name: 'kept: only one level down is cleaned, as before' } },
      },
      'stored',
    );
    const [line] = lines();
    expect(line.reference).toBe('PD-ABC-123');
    expect(line).not.toHaveProperty('email');
    expect(line).not.toHaveProperty('phone');
    expect(line).not.toHaveProperty('job');
    expect(line.enquiry).toEqual({ id: '7', status: 'new' });
    expect(line.deep).toEqual({ inner: { name: 'kept: only one level down is cleaned, as before' } });
    expect(line.msg).toBe('stored');
  });

  it("never changes the caller's object", () => {
    const { log } = capture();
    const fields = { phone: '+447911123456', enquiry: { name: 'Ann Reporter', id: '7' } };
    log.info(fields, 'x');
    expect(fields).toEqual({ phone: '+447911123456', enquiry: { name: 'Ann Reporter', id: '7' } });
    const clean = { reqId: 'r1', status: 201 };
    expect(withoutPersonalData(clean)).toBe(clean);
  });

  it("drops the request's cookie and authorization headers", () => {
    const { log, lines } = capture();
    log.info(
      { req: { method: 'POST', headers: { cookie: 'pd_session=secret', authorization: 'Basic x', host: 'h' } } },
      'r',
    );
    expect(lines()[0].req).toEqual({ method: 'POST', headers: { host: 'h' } });
  });

  it('scrubs numbers and addresses from messages and error texts', () => {
    const { log, lines } = capture();
    log.error({ err: new Error("The 'To' number +447911123456 is not valid (ann@gazette.example)") }, 'send failed');
    log.warn('called 07911 123456 and 07911123456, To=%2B447911123456, ann%40gazette.example');
    const text = JSON.stringify(lines());
    expect(text).not.toMatch(/7911/);
    expect(text).not.toMatch(/gazette/);
    expect(text).toContain('[phone]');
    expect(text).toContain('[email]');
    expect((lines()[0].err as { message: string }).message).toBe("The 'To' number [phone] is not valid ([email])");
  });

  it('leaves a line with no number or address as it was', () => {
    const line = '{"reqId":"2f1c6a43-6d1f-4a84-9a5c-3f0d6d0a7f11","path":"/api/enquiries","status":201,"ms":3.2}';
    expect(scrubContactDetails(line)).toBe(line);
    expect(scrubContactDetails('count 123456 of 1234567')).toBe('count 123456 of 1234567');
  });
});
