/**
 * Issue 24, item 2: the on-call officer's SMS commands against Twilio's reserved keywords. Texts
 * go through the fake Twilio, which intercepts what Twilio's default opt-out handling does
 * (test/support/fake-opt-out.ts). Every documented command form (src/oncall/commands.ts USAGE,
 * its HELP aliases, and ACK) reaches Press Desk and gets Press Desk's answer; none is an opt-out
 * or opt-in keyword (Twilio would opt the officer out, or swallow it). A bare HELP or INFO is one
 * of Twilio's help keywords: Twilio sends its own help text too, which is why COMMANDS and "?"
 * also ask for the list. An officer's bare STOP is no command: it opts them out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HELP_ALIASES, HELP_TEXT, USAGE } from '../../src/oncall/commands.js';
import {
  keywordType,
  TWILIO_AUTO_REPLIES,
  TWILIO_HELP_KEYWORDS,
  TWILIO_OPT_IN_KEYWORDS,
  TWILIO_OPT_OUT_KEYWORDS,
} from '../support/fake-opt-out.js';
import { PRESS_OFFICE_NUMBER, startHarness, type Harness } from '../support/harness.js';
import { onCallThroughout } from '../support/rota.js';

// Christmas Eve 2026, 22:00: closed; urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_10PM = '2026-12-24T22:00:00Z';
const ON_CALL = '+447911200001';
const JOURNALIST = '+447911123477';

/** Every word that starts a documented command, as the officer types it. */
const COMMAND_WORDS = ['ACK', ...Object.keys(USAGE).map((k) => k.toUpperCase()), ...HELP_ALIASES];

let h: Harness;
afterEach(async () => h?.close());

describe('the on-call commands and Twilio’s reserved keywords', () => {
  it('uses no opt-out or opt-in keyword as a command word; of Twilio’s help keywords, exactly HELP and INFO', () => {
    const reserved = new Set<string>([...TWILIO_OPT_OUT_KEYWORDS, ...TWILIO_OPT_IN_KEYWORDS]);
    expect(COMMAND_WORDS.filter((w) => reserved.has(w))).toEqual([]);
    expect(COMMAND_WORDS.filter((w) => (TWILIO_HELP_KEYWORDS as readonly string[]).includes(w)).sort()).toEqual([
      'HELP',
      'INFO',
    ]);
    // The aliases are there for that reason: no keyword of Twilio's.
    for (const alias of HELP_ALIASES) expect(keywordType(alias)).toBeNull();
  });

  it('lets every documented command form reach Press Desk and get its answer; Twilio adds its help text only to a bare HELP or INFO', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_10PM, jobs: true });
    await onCallThroughout(h, { primary: { name: 'Olu On-Call', phone: ON_CALL } });
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: JOURNALIST,
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    const { reference } = (await res.json()) as { reference: string };
    const [page] = await h.twilio.waitForMessages(1);
    await h.jobs.settle();
    const code = /Reply ACK (\d{4})/.exec(page.body!)![1];

    // Every kind in USAGE, bare and with a reference or code (and text where it takes one); DONE last: it answers the enquiry.
    const forms: string[] = ['ACK', `ACK ${code}`];
    for (const kind of Object.keys(USAGE) as Array<keyof typeof USAGE>) {
      const word = kind.toUpperCase();
      if (kind === 'help') forms.push(word, ...HELP_ALIASES);
      else if (kind === 'info' || kind === 'call') forms.push(word, `${word} ${code}`, `${word} ${reference}`);
      else if (kind !== 'done') forms.push(`${word} ${code} Spoke to the fire service.`);
    }
    forms.push(`DONE ${reference} Two crews attended; nobody hurt.`);
    expect(new Set(forms.map((f) => f.split(' ')[0]))).toEqual(new Set(COMMAND_WORDS));

    for (const body of forms) {
      const autoRepliesBefore = h.twilio.autoReplies.length;
      const reply = await h.sms(ON_CALL, body);
      expect(reply.status, body).toBe(200);
      const inbound = h.twilio.inboundSms.at(-1)!;
      // Press Desk got it and answered it (stored with its answer), and the answer goes out.
      const stored = await h.database.db
        .selectFrom('sms_inbound')
        .select(['body', 'reply'])
        .where('message_sid', '=', inbound.messageSid)
        .executeTakeFirstOrThrow();
      expect(stored.body, body).toBe(body);
      expect(inbound.replies, body).toEqual([{ body: stored.reply, blocked: false }]);
      const answer = stored.reply;
      if (/^(HELP|COMMANDS|\?)$/.test(body)) expect(answer, body).toBe(HELP_TEXT);
      else if (body.startsWith('INFO'))
        expect(answer, body).toMatch(new RegExp(`^${reference}: Ann Reporter, Evening Gazette`));
      else expect(answer, body).toMatch(/^Press Desk: /);
      // Twilio answers only a whole-body help keyword itself; nothing opts the officer out.
      const twilioSaid = h.twilio.autoReplies.slice(autoRepliesBefore).map((r) => r.body);
      expect(twilioSaid, body).toEqual(body === 'HELP' || body === 'INFO' ? [TWILIO_AUTO_REPLIES.HELP] : []);
      expect(h.twilio.optOuts.isOptedOut(ON_CALL, PRESS_OFFICE_NUMBER), body).toBe(false);
    }
    expect(await h.database.db.selectFrom('sms_opt_out').selectAll().execute()).toEqual([]);
    expect(
      (
        await h.database.db
          .selectFrom('enquiry')
          .select('status')
          .where('reference', '=', reference)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('answered');
  });

  it('does not take an officer’s bare STOP as a command: it opts them out, START ends it, and HELP works again', async () => {
    h = await startHarness({ now: CHRISTMAS_EVE_10PM, jobs: true });
    await onCallThroughout(h, { primary: { name: 'Olu On-Call', phone: ON_CALL } });
    const say = async (body: string) => {
      expect((await h.sms(ON_CALL, body)).status).toBe(200);
      return h.twilio.inboundSms.at(-1)!.replies.map((r) => r.body);
    };
    // Anything else from the on-call number gets the HELP list; a STOP gets nothing from Press Desk.
    expect(await say('STOP')).toEqual([]);
    expect(await h.database.db.selectFrom('sms_opt_out').select(['phone', 'keyword']).execute()).toEqual([
      { phone: ON_CALL, keyword: 'STOP' },
    ]);
    expect(await say('START')).toEqual([]);
    expect(await h.database.db.selectFrom('sms_opt_out').selectAll().execute()).toEqual([]);
    expect(await say('COMMANDS')).toEqual([HELP_TEXT]);
    expect(h.twilio.autoReplies.map((r) => r.keyword)).toEqual(['STOP', 'START']);
  });
});
