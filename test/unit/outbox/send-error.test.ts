/**
 * What a sender's error says about a message the provider did not take: the outbox and the log
 * read these fields (retry or not, opt-out, the provider's status), and the log shows the name
 * and the cause's message.
 */
import { describe, expect, it } from 'vitest';
import { SendError } from '../../../src/outbox/send-error.js';

describe('SendError', () => {
  it('is named SendError in logs, and keeps the underlying failure when there was one', () => {
    const cause = new Error('socket hang up');
    const e = new SendError('Twilio did not answer', { retryable: true, cause });
    expect(e.name).toBe('SendError');
    expect(e.message).toBe('Twilio did not answer');
    expect(e.cause).toBe(cause);
    expect(e.retryable).toBe(true);
  });

  it('has no cause at all when none was given (not a cause of undefined)', () => {
    const e = new SendError('Invalid number', { retryable: false });
    expect(Object.hasOwn(e, 'cause')).toBe(false);
    expect(e.retryable).toBe(false);
  });

  it('records an opt-out only when the provider said so', () => {
    expect(new SendError('opted out', { retryable: false, recipientOptedOut: true }).recipientOptedOut).toBe(true);
    expect(new SendError('refused', { retryable: false, recipientOptedOut: false }).recipientOptedOut).toBe(false);
    expect(new SendError('refused', { retryable: false }).recipientOptedOut).toBe(false);
  });

  it('carries the provider’s status only when the provider answered', () => {
    expect(new SendError('busy', { retryable: true, status: 503 }).status).toBe(503);
    expect(new SendError('timed out', { retryable: true }).status).toBeUndefined();
  });
});
