/** Helpers for tests of the email channel: messages as a mail program builds them, and waiting for intake. */
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';

let counter = 0;

/** A fresh Message-ID for a test message (`tag` says which test made it). */
export function newId(tag: string): string {
  counter += 1;
  return `<${tag}-${counter}-${process.pid}@news.example>`;
}

/** A raw message to `to` as a mail program would send it (nodemailer's composer builds the MIME). */
export async function composeTo(to: string, opts: Mail.Options): Promise<Buffer> {
  return new MailComposer({ to, date: new Date('2026-12-02T09:59:00Z'), ...opts }).compile().build();
}

/** Polls `fn` until it returns something truthy; fails after `timeoutMs`, naming `what`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
