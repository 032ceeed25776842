/**
 * The outbox's one delivery routine, with senders that record what they are asked: a look-up
 * before any resend, a refusal given up on, a retryable failure recorded and thrown (and whether
 * the next attempt must look first). The database is not touched by `deliver`.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/database.js';
import { outboxTimeline } from '../../../src/enquiries/outbox-timeline.js';
import { OutboxService, type Claimed, type Delivery } from '../../../src/outbox/outbox.service.js';
import type { Medium, Sender } from '../../../src/outbox/senders.js';
import { TwilioSendError } from '../../../src/telephony/twilio.client.js';
import { outboxOptOuts } from '../../../src/sms/opt-out.js';
import type { OptOutStore } from '../../../src/sms/opt-out.repository.js';

function fakeSender(behaviour: { found?: string | null; fail?: unknown }) {
  const calls: string[] = [];
  const sender: Sender = {
    async send(m) {
      calls.push(`send ${m.to} ${m.content} ${m.statusCallback}`);
      if (behaviour.fail) throw behaviour.fail;
      return { sid: 'SM1', status: 'queued' };
    },
    async findEarlier(a) {
      calls.push(`find ${a.to} ${a.marker}`);
      return behaviour.found ?? null;
    },
  };
  return { sender, calls };
}

function outbox(sender: Sender): OutboxService {
  const senders: Record<Medium, Sender> = { sms: sender, call: sender, email: sender };
  return new OutboxService({
    timeline: outboxTimeline,
    db: {} as Db,
    clock: () => new Date('2026-12-05T10:00:00Z'),
    senders,
    statusCallback: 'https://press.example/twilio/status',
  });
}

function recorder(claimed: Claimed | null) {
  const events: string[] = [];
  const delivery: Delivery = {
    claim: async () => claimed,
    sent: async (sid, status) => void events.push(`sent ${sid} ${status}`),
    refused: async (e) => void events.push(`refused ${e instanceof TwilioSendError ? e.twilioCode : 'none'}`),
    delayed: async (_err, unknown) => void events.push(`delayed unknown=${unknown}`),
  };
  return { delivery, events };
}

const claim = (lookUpFirst: boolean): Claimed => ({
  medium: 'sms',
  to: '+447911123456',
  content: 'hello',
  lookUpFirst,
  earlier: { to: '+447911123456', since: new Date('2026-12-05T09:59:00Z'), marker: 'PD-1' },
});

describe('OutboxService.deliver', () => {
  it('sends nothing when the owner claims nothing', async () => {
    const { sender, calls } = fakeSender({});
    const { delivery, events } = recorder(null);
    expect(await outbox(sender).deliver(delivery)).toBe('not_due');
    expect(calls).toEqual([]);
    expect(events).toEqual([]);
  });

  it('sends once and records the provider id', async () => {
    const { sender, calls } = fakeSender({});
    const { delivery, events } = recorder(claim(false));
    expect(await outbox(sender).deliver(delivery)).toBe('sent');
    expect(calls).toEqual(['send +447911123456 hello https://press.example/twilio/status']);
    expect(events).toEqual(['sent SM1 queued']);
  });

  it('after an unknown outcome, records what the provider already has instead of sending again', async () => {
    const { sender, calls } = fakeSender({ found: 'SM0' });
    const { delivery, events } = recorder(claim(true));
    expect(await outbox(sender).deliver(delivery)).toBe('sent');
    expect(calls).toEqual(['find +447911123456 PD-1']);
    expect(events).toEqual(['sent SM0 recovered']);
  });

  it('gives a refusal to the owner and does not throw', async () => {
    const { sender } = fakeSender({
      fail: new TwilioSendError('refused', { retryable: false, status: 400, twilioCode: 21211 }),
    });
    const { delivery, events } = recorder(claim(false));
    expect(await outbox(sender).deliver(delivery)).toBe('refused');
    expect(events).toEqual(['refused 21211']);
  });

  it('records a retryable failure and throws; an answered one needs no look-up next time', async () => {
    const answered = fakeSender({ fail: new TwilioSendError('down', { retryable: true, status: 500 }) });
    const a = recorder(claim(false));
    await expect(outbox(answered.sender).deliver(a.delivery)).rejects.toThrow('down');
    expect(a.events).toEqual(['delayed unknown=false']);

    const timedOut = fakeSender({ fail: new TwilioSendError('timed out', { retryable: true }) });
    const t = recorder(claim(false));
    await expect(outbox(timedOut.sender).deliver(t.delivery)).rejects.toThrow('timed out');
    expect(t.events).toEqual(['delayed unknown=true']);
  });

  it('refuses a text to a number that texted STOP without sending it; a call to it still goes', async () => {
    const stopped = { phone: '+447911123456', opted_out_at: new Date('2026-12-05T09:00:00Z'), keyword: 'STOP' };
    const optOuts: OptOutStore = {
      find: async (phone) => (phone === stopped.phone ? stopped : undefined),
      record: async () => undefined,
    };
    const { sender, calls } = fakeSender({});
    const service = new OutboxService({
      timeline: outboxTimeline,
      db: {} as Db,
      clock: () => new Date('2026-12-05T10:00:00Z'),
      senders: { sms: sender, call: sender, email: sender },
      statusCallback: 'https://press.example/twilio/status',
      optOuts: outboxOptOuts(optOuts),
    });
    const { delivery, events } = recorder(claim(false));
    expect(await service.deliver(delivery)).toBe('refused');
    expect(events).toEqual(['refused none']);
    expect(calls).toEqual([]);
    const call = recorder({ ...claim(false), medium: 'call' });
    expect(await service.deliver(call.delivery)).toBe('sent');
  });

  it('records the opt-out when Twilio refuses a text with 21610, and does not retry it', async () => {
    const recorded: string[] = [];
    const optOuts: OptOutStore = {
      find: async () => undefined,
      record: async (row) => void recorded.push(`${row.phone} ${row.keyword}`),
    };
    const { sender } = fakeSender({
      fail: new TwilioSendError('unsubscribed', {
        retryable: false,
        status: 400,
        twilioCode: 21610,
        recipientOptedOut: true,
      }),
    });
    const service = new OutboxService({
      timeline: outboxTimeline,
      db: {} as Db,
      clock: () => new Date('2026-12-05T10:00:00Z'),
      senders: { sms: sender, call: sender, email: sender },
      statusCallback: 'https://press.example/twilio/status',
      optOuts: outboxOptOuts(optOuts),
    });
    const { delivery, events } = recorder(claim(false));
    expect(await service.deliver(delivery)).toBe('refused');
    expect(events).toEqual(['refused 21610']);
    expect(recorded).toEqual(['+447911123456 21610']);
  });
});
