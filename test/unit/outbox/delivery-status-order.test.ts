/**
 * Delivery status never moves backwards (issue 24, item 2): Twilio's status callbacks can arrive
 * out of order, so a status replaces the recorded one only when it is further along Twilio's
 * order (messages: queued -> sending -> sent -> delivered | undelivered | failed; calls: queued ->
 * ringing -> in-progress -> completed | busy | failed | no-answer | canceled).
 */
import { describe, expect, it } from 'vitest';
import { statusMayReplace } from '../../../src/outbox/delivery-status.js';

describe('statusMayReplace', () => {
  it('lets a message status move forward, through every step and by skipping some', () => {
    const order = ['queued', 'sending', 'sent', 'delivered'];
    for (let i = 0; i < order.length; i++)
      for (let j = i + 1; j < order.length; j++)
        expect(statusMayReplace('sms', order[i], order[j]), `${order[i]} -> ${order[j]}`).toBe(true);
    for (const last of ['undelivered', 'failed']) expect(statusMayReplace('sms', 'sent', last)).toBe(true);
    expect(statusMayReplace('sms', null, 'sent')).toBe(true);
  });

  it('never lets a late, earlier message status replace a later one, nor one final status another', () => {
    for (const last of ['delivered', 'undelivered', 'failed']) {
      for (const early of ['queued', 'sending', 'sent'])
        expect(statusMayReplace('sms', last, early), `${last} <- ${early}`).toBe(false);
    }
    expect(statusMayReplace('sms', 'sent', 'queued')).toBe(false);
    expect(statusMayReplace('sms', 'delivered', 'failed')).toBe(false);
    expect(statusMayReplace('sms', 'undelivered', 'delivered')).toBe(false);
  });

  it('orders call statuses as calls go: failed is a final call status, after ringing and in-progress', () => {
    expect(statusMayReplace('call', 'queued', 'ringing')).toBe(true);
    expect(statusMayReplace('call', 'ringing', 'in-progress')).toBe(true);
    for (const last of ['completed', 'busy', 'failed', 'no-answer', 'canceled']) {
      expect(statusMayReplace('call', 'in-progress', last), last).toBe(true);
      for (const early of ['queued', 'ringing', 'in-progress'])
        expect(statusMayReplace('call', last, early), `${last} <- ${early}`).toBe(false);
    }
  });

  it('records a repeat of the same status, and a status it does not know, as before', () => {
    expect(statusMayReplace('sms', 'delivered', 'delivered')).toBe(true);
    expect(statusMayReplace('sms', 'delivered', 'some-new-status')).toBe(true);
  });
});
