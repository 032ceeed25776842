import { afterEach, describe, expect, it } from 'vitest';
import { SmsAckHandler } from '../../src/oncall/ack.service.js';
import { HELP_TEXT } from '../../src/oncall/commands.js';
import { SmsCommandHandler } from '../../src/oncall/commands.service.js';
import type { OnCallActions } from '../../src/oncall/oncall-actions.service.js';
import { AppError } from '../../src/http/errors.js';
import { messageSid, startHarness, type Harness } from '../support/harness.js';
import { someoneWaitsOnALock } from '../support/db.js';
import { nightRota, NIGHT_ROTA } from '../support/rota.js';
import { eventsOf } from '../support/timeline.js';
import { apiEnquiry } from '../support/enquiry.js';
import { replyTo } from '../support/sms-reply.js';

// What the on-call officer reads back on their phone, word for word: the replies to ACK and to the
// commands that name no enquiry, name the wrong one, or list the officer's open pages, and the
// answer when two texts race for the same page. Written from the survivors of the on-call actions
// mutation run (docs/testing.md "Mutation testing"): each of these replies could change unnoticed.

// Christmas Eve 2026, 18:00: the office is closed, so urgent enquiries page the on-call officer.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = NIGHT_ROTA.primary;
const STRANGER = '+447911999999';
const MINUTE = 60_000;
/** What four GSM-7 segments hold: the most an ACK reply takes. */
const FOUR_SEGMENTS = 4 * 153;

let h: Harness;
afterEach(async () => h?.close());

/** The harness with the rota; each page its own text unless `bundleSeconds` (the shipped default is 120). */
async function start(bundleSeconds = 0) {
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: true,
    config: {
      onCall: { bundleSeconds },
      // Every enquiry here comes from the test's one address: room for a storm's worth of pages.
      intake: { pageRateLimit: { points: 50, durationSeconds: 3600 } },
    },
  });
  await nightRota(h, { primary: ON_CALL });
}

let journalist = 0;
/** An urgent enquiry from a new journalist's phone, `after` (default a minute) later than the last. */
async function urgentEnquiry(extra: Record<string, unknown> = {}, after = MINUTE): Promise<string> {
  journalist += 1;
  h.clock.advance(after);
  const fields = {
    phone: `+4479111${String(journalist).padStart(5, '0')}`,
    subject: 'Fire at the depot',
    urgent: true,
  };
  return (await apiEnquiry(h, { ...fields, ...extra })).reference;
}

/** Waits until `n` page texts went out and their sends are recorded (an officer reads them after that). */
async function paged(n: number) {
  await h.twilio.waitForMessages(n);
  await h.jobs.settle();
}

/** Texts `body` from `from` and returns the reply as the phone shows it ('' for none). */
function text(from: string, body: string): Promise<string> {
  return replyTo(h, from, body);
}

/** The page about the enquiry `reference`: its status and the short code the officer can ACK. */
function pageOf(reference: string) {
  return h.database.db
    .selectFrom('page')
    .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
    .select(['page.status', 'page.short_code'])
    .where('enquiry.reference', '=', reference)
    .executeTakeFirstOrThrow();
}

async function pageStatus(reference: string): Promise<string> {
  return (await pageOf(reference)).status;
}

async function shortCode(reference: string): Promise<string> {
  return (await pageOf(reference)).short_code;
}

/** The reply to an ACK that acknowledged the one page about `reference`. */
function ackedOne(reference: string, outlet = 'Evening Gazette'): string {
  return `Press Desk: acknowledged ${reference} (${outlet}). Escalation stopped. Please contact the journalist.`;
}

/** Sets what the enquiry's row holds as its outlet (a texted enquiry has none; an old row may hold anything). */
async function setOutlet(reference: string, outlet: string) {
  await h.database.db.updateTable('enquiry').set({ outlet }).where('reference', '=', reference).execute();
}

describe('the reply to ACK', () => {
  it('takes only the word ACK or ACKNOWLEDGE(D), then a reference or code after any separator; "Back in ten" is not an ACK', async () => {
    await start();
    const a = await urgentEnquiry();
    const b = await urgentEnquiry({ outlet: 'Radio North' });
    await paged(2);

    // A word that merely ends in "ack" is the officer writing, not acknowledging.
    expect(await text(ON_CALL, 'Back in ten minutes')).toBe(HELP_TEXT);
    expect([await pageStatus(a), await pageStatus(b)]).toEqual(['active', 'active']);

    // One reference acknowledges that page only.
    expect(await text(ON_CALL, `ack ${a.toLowerCase()}`)).toBe(ackedOne(a));
    expect([await pageStatus(a), await pageStatus(b)]).toEqual(['acknowledged', 'active']);

    // Separators between the word and the code are skipped.
    expect(await text(ON_CALL, `ACK - ${await shortCode(b)}`)).toBe(ackedOne(b, 'Radio North'));
    expect(await pageStatus(b)).toBe('acknowledged');
  });

  it('ACKNOWLEDGE in full acknowledges like ACK', async () => {
    await start();
    const a = await urgentEnquiry();
    await paged(1);
    expect(await text(ON_CALL, 'Acknowledge')).toBe(ackedOne(a));
    expect(await pageStatus(a)).toBe('acknowledged');
  });

  it('names a reference or code that matches no open page (its first 20 characters) and acknowledges nothing', async () => {
    await start();
    const a = await urgentEnquiry();
    await paged(1);
    expect(await text(ON_CALL, 'ACK 9999')).toBe(
      'Press Desk: no open page matches "9999". Reply ACK to acknowledge your latest page.',
    );
    expect(await text(ON_CALL, 'ACK Tomorrow-morning-at-the-earliest please')).toBe(
      'Press Desk: no open page matches "Tomorrow-morning-at-". Reply ACK to acknowledge your latest page.',
    );
    expect(await pageStatus(a)).toBe('active');
    expect(await text(ON_CALL, 'ACK')).toBe(ackedOne(a));
    expect(await text(ON_CALL, 'ACK')).toBe('Press Desk: nothing to acknowledge. Your pages are already acknowledged.');
  });

  it('refuses a short ACK from a number never paged (trailing space and all) and makes no enquiry of it', async () => {
    await start();
    expect(await text(STRANGER, 'ACK 1234 ')).toBe(
      'Press Desk: this number has no page to acknowledge. Journalists: send your enquiry as a text without the word ACK.',
    );
    expect(await h.database.db.selectFrom('enquiry').select('id').execute()).toEqual([]);
  });

  it('names each enquiry with its outlet as a text can show it, "SMS" when there is none to show, newest first', async () => {
    await start();
    const plain = await urgentEnquiry();
    const none = await urgentEnquiry();
    const emoji = await urgentEnquiry();
    const long = await urgentEnquiry({ outlet: 'Northern Evening Gazette Online' });
    await paged(4);
    await setOutlet(none, ''); // as an enquiry by text has
    await setOutlet(emoji, '📰📰');

    const reply = await text(ON_CALL, 'ACK');
    // The outlet is cut to 30 characters, ending in "...".
    expect(reply).toBe(
      `Press Desk: acknowledged 4 enquiries: ${long} (Northern Evening Gazette On...), ${emoji} (SMS), ${none} (SMS), ${plain} (Evening Gazette). Escalation stopped.`,
    );
    // Each acknowledgement is on the enquiry's timeline at the moment it happened.
    for (const reference of [plain, none, emoji, long]) {
      const [entry] = await eventsOf(h.database.db, reference, 'sms_in');
      expect(entry.at).toEqual(h.clock.now());
    }
  });

  it('in a storm lists as many enquiries as four segments hold, newest first, and counts the rest', async () => {
    await start(120);
    const outlet = 'Northern Evening Gazette Today'; // 30 characters: kept whole
    const refs: string[] = [];
    for (let i = 0; i < 14; i++) refs.push(await urgentEnquiry({ outlet }, 0));
    // The first page goes alone, the other 13 in one bundle when the window closes.
    await paged(1);
    h.clock.advance(2 * MINUTE);
    await paged(2);

    const reply = await text(ON_CALL, 'ACK');
    const newestFirst = refs.reverse().map((r) => `${r} (${outlet})`);
    const m = /^Press Desk: acknowledged 14 enquiries: (.*) and (\d+) more\. Escalation stopped\.$/.exec(reply);
    expect(m).not.toBeNull();
    const listed = m![1].split(', ');
    const shown = listed.length;
    expect(listed).toEqual(newestFirst.slice(0, shown));
    expect(Number(m![2])).toBe(14 - shown);
    expect(reply.length).toBeLessThanOrEqual(FOUR_SEGMENTS);
    // One more would not have fitted.
    const oneMore = reply.replace(` and ${14 - shown} more`, `, ${newestFirst[shown]} and ${13 - shown} more`);
    expect(oneMore.length).toBeGreaterThan(FOUR_SEGMENTS);
    expect(await h.database.db.selectFrom('page').select('status').distinct().execute()).toEqual([
      { status: 'acknowledged' },
    ]);
  });
});

/** The SMS handler as the inbound service runs it, for two texts in transactions of the test's own. */
function handler(actions: OnCallActions = h.services.onCallActions) {
  return new SmsCommandHandler({ ack: new SmsAckHandler(h.services.paging), actions, clock: h.clock.fn });
}

/**
 * `second` (a text from the on-call phone) handled while `first` holds its page locked: it reads
 * the page as still waiting, then finds it acknowledged once `first` commits.
 */
async function race(first: string, second: string): Promise<[string | null, string | null]> {
  let secondReply!: Promise<string | null>;
  const firstReply = await h.database.db.transaction().execute(async (tx) => {
    const reply = await handler().handle(tx, { from: ON_CALL, body: first, messageSid: messageSid() });
    secondReply = h.database.db
      .transaction()
      .execute((tx2) => handler().handle(tx2, { from: ON_CALL, body: second, messageSid: messageSid() }));
    await someoneWaitsOnALock(h.database.db);
    return reply;
  });
  return [firstReply, await secondReply];
}

describe('two texts racing for one page', () => {
  it('a second ACK that lost the race says the page is already acknowledged', async () => {
    await start();
    const a = await urgentEnquiry();
    await paged(1);
    const [first, second] = await race('ACK', 'ACK');
    expect(first).toBe(ackedOne(a));
    expect(second).toBe('Press Desk: already acknowledged.');
    expect(await eventsOf(h.database.db, a, 'acknowledged')).toHaveLength(1);
  });

  it('a note that lost the race to an ACK is added, without claiming it stopped the escalation', async () => {
    await start();
    const a = await urgentEnquiry();
    await paged(1);
    const [, note] = await race('ACK', 'NOTE Rang the duty inspector');
    expect(note).toBe(`Press Desk: note added to ${a}.`);
    expect((await eventsOf(h.database.db, a, 'note')).map((e) => e.data)).toEqual([
      { text: 'Rang the duty inspector' },
    ]);
  });
});

describe('a command that needs to know which enquiry', () => {
  it('lists five open pages with their codes and outlets (tidied and cut to 20 characters), then counts the rest', async () => {
    await start();
    const refs: string[] = [];
    for (let i = 0; i < 7; i++) refs.push(await urgentEnquiry());
    await paged(7);
    const [, , r2, r3, r4, r5, r6] = refs;
    await setOutlet(r6, '  Radio \t North  ');
    await setOutlet(r5, '');
    await setOutlet(r4, 'Evening Gazette and Chronicle'); // cut after "and "
    await setOutlet(r3, 'Twenty characters ok');
    await setOutlet(r2, 'Twenty-one characters');
    const c = await Promise.all([r6, r5, r4, r3, r2].map(shortCode));

    const list =
      `${r6} ${c[0]} (Radio North), ${r5} ${c[1]} (SMS), ${r4} ${c[2]} (Evening Gazette and), ` +
      `${r3} ${c[3]} (Twenty characters ok), ${r2} ${c[4]} (Twenty-one character) and 2 more.`;
    expect(await text(ON_CALL, 'NOTE Called the station')).toBe(
      `Press Desk: which enquiry? Add its reference or code, e.g. NOTE ${r6}. Open pages: ${list}`,
    );
    // A reference that names none of them gets the same list.
    expect(await text(ON_CALL, 'INFO PD-7KM-4QX')).toBe(
      `Press Desk: nothing matches "PD-7KM-4QX". Your open pages: ${list}`,
    );
    // Nothing was done until the officer says which.
    expect(await h.database.db.selectFrom('enquiry_event').select('id').where('kind', '=', 'note').execute()).toEqual(
      [],
    );
  });

  it('with one open page, lists it without a count; a reference typed with many dashes is quoted to 20 characters', async () => {
    await start();
    const a = await urgentEnquiry();
    await paged(1);
    const list = `${a} ${await shortCode(a)} (Evening Gazette).`;
    expect(await text(ON_CALL, 'INFO PD-7KM-4QX')).toBe(
      `Press Desk: nothing matches "PD-7KM-4QX". Your open pages: ${list}`,
    );
    expect(await text(ON_CALL, 'INFO PD-------7KM-------4QX')).toBe(
      `Press Desk: nothing matches "PD-------7KM-------4". Your open pages: ${list}`,
    );
  });

  it('with no open page, says so', async () => {
    await start();
    expect(await text(ON_CALL, 'INFO PD-7KM-4QX')).toBe(
      'Press Desk: nothing matches "PD-7KM-4QX". You have no open page.',
    );
  });
});

describe('an action refused with a reason', () => {
  /** The handler with `note` refused by `err`. */
  function refusingNote(err: Error) {
    const actions: OnCallActions = Object.create(h.services.onCallActions);
    actions.note = async () => {
      throw err;
    };
    return handler(actions);
  }

  async function noteReply(err: Error) {
    return h.database.db
      .transaction()
      .execute((tx) =>
        refusingNote(err).handle(tx, { from: ON_CALL, body: 'NOTE Rang back', messageSid: messageSid() }),
      );
  }

  it("answers in one tidy sentence, adding the field's advice only when it says something more", async () => {
    await start();
    await urgentEnquiry();
    await paged(1);
    const message = '  Enter a note..  ';
    expect(await noteReply(new AppError('validation', message, { fields: { text: message } }))).toBe(
      'Press Desk: enter a note.',
    );
    expect(await noteReply(new AppError('validation', message, { fields: { text: 'keep it to one line. ' } }))).toBe(
      'Press Desk: enter a note. Keep it to one line.',
    );
  });

  it('does not turn a failure that is not a validation problem into a reply: the text is retried', async () => {
    await start();
    await urgentEnquiry();
    await paged(1);
    await expect(noteReply(new AppError('conflict', 'Someone else changed it'))).rejects.toThrow(
      'Someone else changed it',
    );
  });
});
