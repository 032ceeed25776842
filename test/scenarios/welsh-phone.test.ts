import { afterEach, describe, expect, it } from 'vitest';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

// Issue 31: the phone line of a Welsh body. The office offers Welsh first and English second, so
// a caller first hears "Press 9 for English" in English, then everything in the language chosen
// (Welsh in Twilio's Welsh voice, Polly Gwyneth), and the enquiry the call makes remembers it.

const VOICE_URL = `${PUBLIC_BASE_URL}/twilio/voice`;
const JOURNALIST = '+447911123401';
const WELSH = { voice: 'Polly.Gwyneth', language: 'cy-GB' };
const ENGLISH = { voice: 'alice', language: 'en-GB' };

// Friday 27 November 2026, 19:30 in London: closed until Monday 9:00.
const FRIDAY_EVENING = '2026-11-27T19:30:00Z';
// Thursday 24 December 2026, 19:30: Christmas Day (Friday), the weekend and Boxing Day's
// substitute bank holiday (Monday 28th) all follow, so the office next opens on Tuesday the 29th.
const CHRISTMAS_EVE = '2026-12-24T19:30:00Z';
// Monday 28 December 2026, 10:00: the substitute Boxing Day bank holiday itself.
const BOXING_DAY_SUBSTITUTE = '2026-12-28T10:00:00Z';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function welshOffice(now: string) {
  h = await startHarness({ now, jobs: true, config: { office: { languages: ['cy', 'en'] } } });
  return h;
}

async function enquiries() {
  return h.database.db.selectFrom('enquiry').selectAll().orderBy('id').execute();
}

describe('a Welsh-first office, out of hours', () => {
  it('the first thing a caller hears is "Press 9 for English" in English; with no key, the closed message is in Welsh with the next opening in Welsh words', async () => {
    await welshOffice(FRIDAY_EVENING);
    const log = await h.twilio.call({ from: JOURNALIST, url: VOICE_URL, caller: { digits: ['', '2'] } });

    expect(log.error).toBeNull();
    expect(log.spoken[0]).toEqual({ text: 'Press 9 for English.', ...ENGLISH });
    expect(log.spoken[1]).toEqual({
      text: "Mae Swyddfa'r Wasg ar gau. Bydd yn agor am naw o'r gloch fore Llun. Os yw eich ymholiad yn un brys na all aros, pwyswch 1. I adael neges ar gyfer y bore, pwyswch 2.",
      ...WELSH,
    });
    for (const step of log.steps) expect(step.twiml.length).toBeLessThanOrEqual(4000);
  });

  it('the evening before Christmas, the next opening skips Christmas, the weekend and the Boxing Day bank holiday: "fore Mawrth"', async () => {
    await welshOffice(CHRISTMAS_EVE);
    const log = await h.twilio.call({ from: JOURNALIST, url: VOICE_URL, caller: { digits: [''] } });
    expect(log.spoken[1].text).toContain("Mae Swyddfa'r Wasg ar gau. Bydd yn agor am naw o'r gloch fore Mawrth.");
    expect(log.spoken[1]).toMatchObject(WELSH);
  });

  it('on the bank holiday itself, the caller is told the office is shut for it and opens tomorrow morning', async () => {
    await welshOffice(BOXING_DAY_SUBSTITUTE);
    const log = await h.twilio.call({ from: JOURNALIST, url: VOICE_URL, caller: { digits: [''] } });
    expect(log.spoken[1].text).toContain(
      "Mae Swyddfa'r Wasg ar gau heddiw, gan ei bod yn ŵyl banc. Bydd yn agor am naw o'r gloch fore yfory.",
    );
  });

  it('a message left in Welsh is stored on an enquiry in Welsh, and the caller hears the reference in Welsh', async () => {
    await welshOffice(FRIDAY_EVENING);
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['', '2'], message: { seconds: 30, transcript: 'Helo, dyma Siân o Golwg360.' } },
    });
    expect(log.error).toBeNull();
    const [enquiry] = await enquiries();
    expect(enquiry).toMatchObject({ channel: 'voice', language: 'cy' });
    // What the line answered to the message (the caller has hung up, so Twilio plays it to nobody).
    const thanks = log.steps.find((s) => s.url.includes('/twilio/voice/recording'))!.twiml;
    expect(thanks).toContain('<Say voice="Polly.Gwyneth" language="cy-GB">Diolch. Mae eich neges');
    expect(thanks).toContain(
      `Eich cyfeirnod yw ${enquiry.reference
        .split('-')
        .map((p) => p.split('').join(' '))
        .join(', ')}.`,
    );
    expect(thanks).toContain('Hwyl fawr.</Say>');
    for (const step of log.steps) expect(step.twiml.length).toBeLessThanOrEqual(4000);
    expect(thanks).not.toMatch(/the press office|will reply|We /);
    // The text with the reference is in Welsh too.
    await h.jobs.settle();
    const text = h.twilio.messages.find((m) => m.to === JOURNALIST);
    expect(text?.body).toContain(`diolch am eich neges ffôn. Eich cyfeirnod yw ${enquiry.reference}.`);
    expect(text?.body).toContain('I weld ble mae pethau arni:');
    // Every step of the caller's after the choice carried the language (the transcription is for the desk).
    const callerSteps = log.steps.slice(1).filter((s) => !s.url.endsWith('/transcription'));
    expect(callerSteps.length).toBeGreaterThanOrEqual(3);
    for (const step of callerSteps) expect(step.url).toContain('lang=cy');
  });

  it('pressing 9 gives the whole call in English, in the English voice, and the enquiry is stored in English', async () => {
    await welshOffice(FRIDAY_EVENING);
    const log = await h.twilio.call({
      from: JOURNALIST,
      url: VOICE_URL,
      caller: { digits: ['9', '2'], message: { seconds: 30, transcript: 'Hello, Jo from the Echo.' } },
    });
    expect(log.error).toBeNull();
    expect(log.spoken[1]).toMatchObject(ENGLISH);
    expect(log.spoken[1].text).toContain(
      'The press office is closed. It opens at nine a.m. on Monday the 30th of November.',
    );
    for (const s of log.spoken) expect(s).toMatchObject(ENGLISH);
    const [enquiry] = await enquiries();
    expect(enquiry).toMatchObject({ channel: 'voice', language: 'en' });
  });
});

describe('an English-first office offering Welsh', () => {
  it('offers "Pwyswch 9 am Gymraeg" in the Welsh voice first; pressing 9 gives Welsh', async () => {
    h = await startHarness({ now: FRIDAY_EVENING, jobs: true, config: { office: { languages: ['en', 'cy'] } } });
    const log = await h.twilio.call({ from: JOURNALIST, url: VOICE_URL, caller: { digits: ['9'] } });
    expect(log.spoken[0]).toEqual({ text: 'Pwyswch 9 am Gymraeg.', ...WELSH });
    expect(log.spoken[1]).toMatchObject(WELSH);
    expect(log.spoken[1].text).toContain("Bydd yn agor am naw o'r gloch fore Llun.");
  });
});
