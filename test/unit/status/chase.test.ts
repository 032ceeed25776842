/**
 * The chase classifier (issue 17, item 5): reports count follow-ups that only ask for news, so
 * the office can see whether the status link saves journalists the chase. It must catch the
 * usual "any news?" and never call a real addition a chase (the desk would read it as one).
 */
import { describe, expect, it } from 'vitest';
import { isChase, newText } from '../../../src/status/chase.js';

describe('isChase', () => {
  it.each([
    'Any update?',
    'Just checking in on this – any news?',
    'Chasing PD-ABC-123',
    'When can I expect a reply?',
    'ANY NEWS??',
    'Hi, is there any update on this? Thanks, Sam',
    'Still waiting to hear back on my question from this morning.',
  ])('counts %j as a chase', (text) => {
    expect(isChase(text)).toBe(true);
  });

  it('treats the same words in other spacing and width as the same chase', () => {
    // A phone's keyboard can send non-breaking spaces and full-width letters.
    expect(isChase('  Any\u00a0update\n please?  ')).toBe(true);
    expect(isChase('Ａｎｙ ｕｐｄａｔｅ?')).toBe(true);
  });

  it('does not count a long follow-up that brings new facts, even when it also asks for news', () => {
    const text =
      'Any update? Since I wrote, the council has confirmed that the library on Mill Street will close in March and that 14 staff are affected. ' +
      'Can you tell me whether the trust was consulted, and when the decision was taken?';
    expect(text.length).toBeGreaterThan(160);
    expect(isChase(text)).toBe(false);
  });

  it.each(['Here is the photo I mentioned', 'The interview is now at 3pm, not 2pm.', 'Thanks, that is all I need.'])(
    'does not count %j',
    (text) => {
      expect(isChase(text)).toBe(false);
    },
  );

  it('does not count an empty or blank follow-up', () => {
    expect(isChase('')).toBe(false);
    expect(isChase('   \n\t ')).toBe(false);
  });
});

describe('newText', () => {
  it('keeps what the journalist wrote above the "On … wrote:" line and drops the quoted history', () => {
    const body = [
      'Any news on this?',
      '',
      'On Tue, 1 Dec 2026 at 10:00, Press Office <press.office@press.example.org> wrote:',
      '> Thank you for your enquiry about the library closures. We will reply by 4pm.',
      '> The council has not yet decided.',
    ].join('\r\n');
    expect(newText(body)).toBe('Any news on this?');
    // The quoted reply would have made it too long to count.
    expect(isChase(newText(body))).toBe(true);
  });

  it('stops at the first quoted line or an "Original Message" separator', () => {
    expect(newText('Chasing this one.\n> earlier text\nmore earlier text')).toBe('Chasing this one.');
    expect(newText('Any update please?\n\n-----Original Message-----\nFrom: Press Office\nSubject: Your enquiry')).toBe(
      'Any update please?',
    );
  });

  it('keeps a whole message that quotes nothing, without surrounding blank lines', () => {
    expect(newText('\nFirst line.\nSecond line, with the new figures.\n\n')).toBe(
      'First line.\nSecond line, with the new figures.',
    );
  });
});

describe('real questions and additions are not chases', () => {
  it.each([
    'No need to chase, we have what we need',
    'Do you have any response to the claim that the council hid the report?',
    'Still need the 2023 figures as well, please.',
    'Any update? And who signed the order? Was it the chief constable?',
  ])('does not count %j', (text) => {
    expect(isChase(text)).toBe(false);
  });

  it("cuts Outlook's quoted history (a rule of underscores, or From:) so a short chase still counts", () => {
    const outlook = [
      'Any news?',
      '',
      '________________________________',
      'From: Press Office <press.office@press.example.org>',
      'Sent: 01 December 2026 10:00',
      'Subject: Re: Library [PD-ABC-123]',
      '',
      'Thank you for your enquiry. '.repeat(20),
    ].join('\r\n');
    expect(newText(outlook)).toBe('Any news?');
    expect(isChase(newText(outlook))).toBe(true);
    expect(newText('Chasing this\nFrom: Press Office\nSent: today')).toBe('Chasing this');
  });
});
