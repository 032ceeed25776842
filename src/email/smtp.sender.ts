/**
 * Email's way out of the outbox: one message over SMTP (nodemailer, `SMTP_URL`), From and
 * Reply-To the press office (`PRESSDESK_EMAIL_FROM`). The outbound row's content is the message
 * as JSON (`EmailContent`), Message-ID included, so a retry sends the very same message and the
 * journalist's mail client threads it (and drops a copy it already has).
 */
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Config } from '../config.js';
import { SendError } from '../outbox/send-error.js';
import type { Sender } from '../outbox/senders.js';

/** What an email row of the outbox carries (its `content`, as JSON). */
export const emailContentSchema = z.object({
  subject: z.string().max(998),
  text: z.string().max(100_000),
  /** `<…@…>`, made when the message was queued. */
  messageId: z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()).max(50),
  /** An automatic message (the acknowledgement): marked `Auto-Submitted: auto-replied` (RFC 3834). */
  auto: z.boolean(),
});
/** An email as the outbox sends it. */
export type EmailContent = z.infer<typeof emailContentSchema>;

/** How long to wait for the SMTP server before giving up on this attempt (the outbox retries). */
const SMTP_TIMEOUT_MS = 20_000;

/** SMTP reply codes after which a later attempt may succeed (RFC 5321 4yz: transient). */
function retryableCode(code: number | undefined): boolean {
  return code === undefined || (code >= 400 && code < 500);
}

/**
 * What nodemailer threw, as the outbox's `SendError`: the SMTP reply code as `status`, retryable
 * on a 4xx or no answer. The message names no address (an SMTP error text often quotes the
 * recipient); nodemailer's error stays as the cause (its `code` and `command` say what failed).
 */
export function smtpSendError(err: unknown, action: string): SendError {
  const code = (err as { responseCode?: number }).responseCode;
  return new SendError(`SMTP ${code ?? 'connection'} error ${action}`, {
    retryable: retryableCode(code),
    ...(code ? { status: code } : {}),
    cause: err,
  });
}

/** nodemailer's options from SMTP_URL (smtp:// with STARTTLS when offered, smtps:// for implicit TLS), with our timeouts. */
function transportOptions(smtpUrl: string) {
  const u = new URL(smtpUrl);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  };
}

/**
 * The SMTP login without sending anything (nodemailer's `verify`: connect, STARTTLS, AUTH, QUIT),
 * for the health check. Rejects with `smtpSendError`'s error.
 */
export function smtpLogin(smtpUrl: string): () => Promise<void> {
  const transport = nodemailer.createTransport(transportOptions(smtpUrl));
  return async () => {
    try {
      // verify() opens its own connection and ends it (QUIT) either way.
      await transport.verify();
    } catch (err) {
      throw smtpSendError(err, 'signing in');
    }
  };
}

/**
 * The email sender over SMTP. Without SMTP_URL or PRESSDESK_EMAIL_FROM every send is refused for
 * good (nothing to retry until the configuration changes), and the desk says email is off.
 */
export function smtpSender(config: Pick<Config['email'], 'smtpUrl' | 'from'>): Sender {
  const transport = config.smtpUrl ? nodemailer.createTransport(transportOptions(config.smtpUrl)) : null;
  return {
    async send(m) {
      if (!transport || !config.from)
        throw new SendError('Email is not configured (SMTP_URL, PRESSDESK_EMAIL_FROM)', { retryable: false });
      const parsed = emailContentSchema.safeParse(JSON.parse(m.content));
      if (!parsed.success) throw new SendError('Malformed email in the outbox', { retryable: false });
      const c = parsed.data;
      try {
        await transport.sendMail({
          from: config.from,
          replyTo: config.from,
          to: m.to,
          subject: c.subject,
          text: c.text,
          messageId: c.messageId,
          ...(c.inReplyTo ? { inReplyTo: c.inReplyTo } : {}),
          ...(c.references.length ? { references: c.references } : {}),
          ...(c.auto ? { headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } } : {}),
        });
      } catch (err) {
        throw smtpSendError(err, 'sending an email');
      }
      return { sid: c.messageId, status: 'sent' };
    },
    // SMTP keeps no log to ask: after an unknown outcome the same message (same Message-ID) goes again.
    findEarlier: async () => null,
  };
}
