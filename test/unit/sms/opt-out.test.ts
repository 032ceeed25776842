/**
 * Issue 24, item 2: which inbound texts change the sender's opt-out (src/sms/opt-out.ts): the
 * whole body, trimmed and in any case, one of Twilio's default opt-out or opt-in keywords; or
 * Twilio's `OptOutType` when Advanced Opt-Out sends it. Help keywords and longer texts do not.
 */
import { describe, expect, it } from 'vitest';
import { optOutChange, optedOutReason, optOutNotice } from '../../../src/sms/opt-out.js';

describe('optOutChange', () => {
  it('takes Twilio’s default opt-out and opt-in keywords, whole, trimmed, in any case', () => {
    for (const w of ['STOP', 'stop', ' Stop\n', 'STOPALL', 'Unsubscribe', 'CANCEL', 'end', 'QUIT', 'revoke', 'OPTOUT'])
      expect(optOutChange(w)?.kind, w).toBe('stop');
    for (const w of ['START', 'yes', ' Unstop ']) expect(optOutChange(w)?.kind, w).toBe('start');
    expect(optOutChange(' stop ')).toEqual({ kind: 'stop', keyword: 'STOP' });
  });

  it('leaves help keywords and longer texts alone', () => {
    for (const w of ['HELP', 'INFO', 'STOP please', 'Stop press: the council', 'stop.', 'Yes, 6pm works', ''])
      expect(optOutChange(w), w).toBeNull();
  });

  it('follows Twilio’s OptOutType when Advanced Opt-Out sends it (custom keywords)', () => {
    expect(optOutChange('ARRET', 'STOP')).toEqual({ kind: 'stop', keyword: 'ARRET' });
    expect(optOutChange('REPRENDRE', 'START')).toEqual({ kind: 'start', keyword: 'REPRENDRE' });
    expect(optOutChange('STOP', 'HELP')).toBeNull();
  });
});

describe('what is said about an opt-out', () => {
  const when = (d: Date) => d.toISOString().slice(11, 16);
  const at = new Date('2026-12-02T10:05:00Z');
  it('names the keyword, or Twilio’s refusal', () => {
    expect(optOutNotice({ opted_out_at: at, keyword: 'STOP' }, when)).toBe(
      'Texted STOP on 10:05: texts will not reach them; call or email',
    );
    expect(optOutNotice({ opted_out_at: at, keyword: '21610' }, when)).toBe(
      'Unsubscribed from our texts (Twilio reported it) on 10:05: texts will not reach them; call or email',
    );
    expect(optedOutReason({ phone: '+447911123488', opted_out_at: at, keyword: 'END' }, when)).toBe(
      'Not sent: the recipient texted END on 10:05; texts will not reach them until they text START',
    );
  });
});
