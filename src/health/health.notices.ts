/**
 * What the desk says, on every page, while a channel is failing: what it means for the press
 * office tonight, what to check, and since when. Named by class and the provider's number only:
 * never a message from the provider, which could quote a credential.
 */
import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import type { LiveNotice } from '../feature.js';
import type { Channel, ChannelHealth, ErrorClass, HealthReport } from './health.model.js';

/** Why, in a few words, by class (after "Paging is failing: " and the like). */
const WHY: Record<ErrorClass, (code: number | null) => string> = {
  twilio_auth: (code) => `Twilio refuses Press Desk’s credentials (error ${code ?? 20003})`,
  twilio_account: (code) => `Twilio says the account is not active${code ? ` (error ${code})` : ''}`,
  twilio_number: (code) => `Twilio refuses the press office number as the sender${code ? ` (error ${code})` : ''}`,
  twilio_unavailable: (code) => `Twilio answers with a server error${code ? ` (error ${code})` : ''}`,
  imap_auth: () => 'the mail server refuses the mailbox’s password',
  imap_mailbox: () => 'the mailbox folder cannot be opened',
  imap_error: () => 'the mail server ends Press Desk’s session',
  smtp_auth: (code) => `the SMTP server refuses Press Desk’s credentials${code ? ` (reply ${code})` : ''}`,
  smtp_sender: (code) =>
    `the SMTP server refuses to send from the press office address${code ? ` (reply ${code})` : ''}`,
  smtp_unavailable: (code) => `the SMTP server cannot take mail just now${code ? ` (reply ${code})` : ''}`,
  connection: () => 'Press Desk cannot reach the server',
};

/** What to check, by class. */
const FIX: Record<ErrorClass, string> = {
  twilio_auth:
    'Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (the token changes when someone rotates it in the Twilio console) and restart Press Desk.',
  twilio_account: 'Ask whoever holds the Twilio account to reactivate it (billing, suspension).',
  twilio_number: 'Check that TWILIO_PHONE_NUMBER is a number of this Twilio account that can send texts and calls.',
  twilio_unavailable: 'Twilio’s status page says whether it is down; Press Desk tries again by itself.',
  imap_auth: 'Check IMAP_PASSWORD (or IMAP_ACCESS_TOKEN, which may have expired) and restart Press Desk.',
  imap_mailbox: 'Check email.mailbox and email.processedFolder name folders of this mailbox.',
  imap_error: 'The worker’s log has the details; Press Desk keeps reconnecting.',
  smtp_auth: 'Check the user and password in SMTP_URL and restart Press Desk.',
  smtp_sender: 'Check that the SMTP account may send as PRESSDESK_EMAIL_FROM.',
  smtp_unavailable: 'Press Desk tries again by itself; the worker’s log has the details.',
  connection: 'Check the network and the server’s address; Press Desk tries again by itself.',
};

/** Per channel: its name in the title, what failing means for the office, and which server `connection` means. */
const CHANNEL: Record<Channel, { title: string; server: string; effect: (fallback: string) => string }> = {
  paging: {
    title: 'Paging is failing',
    server: 'Twilio',
    effect: (fallback) =>
      'Urgent enquiries out of hours reach nobody’s phone: texts and calls to the on-call officer are not going out, ' +
      `and neither are pages to the out-of-hours line (${fallback}). Until this is put right, someone must watch the queue.`,
  },
  mailbox: {
    title: 'Email intake is failing',
    server: 'the mail server',
    effect: () =>
      'Enquiries sent to the press office mailbox are not reaching this queue. Until this is put right, check the mailbox as well.',
  },
  smtp: {
    title: 'Sending email is failing',
    server: 'the SMTP server',
    effect: () =>
      'Acknowledgements, replies and questions by email are not going out; they wait in the outbox and are tried again.',
  },
};

/** One notice per failing channel, in the order of `CHANNELS`. */
export function healthNotices(
  report: HealthReport,
  ctx: { office: OfficeConfig; fallbackNumber: string; now: Date },
): LiveNotice[] {
  return (Object.entries(report) as [Channel, ChannelHealth][]).flatMap(([channel, h]) => {
    if (h.state !== 'failing') return [];
    const c = CHANNEL[channel];
    const why = h.errorClass === 'connection' ? `Press Desk cannot reach ${c.server}` : WHY[h.errorClass](h.code);
    return [
      {
        title: `${c.title}: ${why}.`,
        text: `${c.effect(ctx.fallbackNumber)} ${FIX[h.errorClass]} (Failing since ${formatShortTime(h.since, ctx.office, ctx.now)}.)`,
      },
    ];
  });
}
