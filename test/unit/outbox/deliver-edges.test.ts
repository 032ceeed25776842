/**
 * The edges of `OutboxService.deliver` a mutation run (issue 24) left untested: a sender that
 * fails with something other than a provider's answer, a text held back by Twilio's rate, a
 * STOP recorded only for texts, the STOP time in a refusal, and ending what cannot be ended.
 * `deliver` touches no database: the owner's side is a recorder.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/database.js';
import { outboxTimeline } from '../../../src/enquiries/outbox-timeline.js';
import { OutboxService, type Claimed, type Delivery } from '../../../src/outbox/outbox.service.js';
import { SendError } from '../../../src/outbox/send-error.js';
import { RateLimited, type SendLimiter } from '../../../src/outbox/send-limits.js';
import type { Sender } from '../../../src/outbox/senders.js';
import { outboxOptOuts } from '../../../src/sms/opt-out.js';
import type { OptOutStore } from '../../../src/sms/opt-out.repository.js';

const NOW = new Date('2026-12-05T10:00:00Z');
const TO = '+447911123456';

function sender(fail?: unknown) {
  const sent: string[] = [];
  const s: Sender = {
    async send(m) {
      sent.push(m.to);
      if (fail) throw fail;
      return { sid: 'SM1', status: 'queued' };
    },
    findEarlier: async () => null,
  };
  return { s, sent };
}

function outbox(s: Sender, extra: { limiter?: SendLimiter; optOuts?: OptOutStore } = {}): OutboxService {
  return new OutboxService({
    timeline: outboxTimeline,
    db: {} as Db,
    clock: () => NOW,
    senders: { sms: s, call: s, email: { findEarlier: async () => null, send: s.send } },
    statusCallback: 'https://press.example/twilio/status',
    ...(extra.limiter ? { limiter: extra.limiter } : {}),
    ...(extra.optOuts ? { optOuts: outboxOptOuts(extra.optOuts) } : {}),
  });
}

function recorder(medium: Claimed['medium'] = 'sms', lane?: Claimed['lane']) {
  const events: string[] = [];
  const errors: unknown[] = [];
  const delivery: Delivery = {
    claim: async () => ({
      medium,
      to: TO,
      content: 'hello',
      lookUpFirst: false,
      earlier: { to: TO, since: NOW, marker: 'hello' },
      ...(lane ? { lane } : {}),
    }),
    sent: async (sid) => void events.push(`sent ${sid}`),
    refused: async (e) => {
      errors.push(e);
      events.push(`refused ${e.message}`);
    },
    delayed: async (err, unknown) => {
      errors.push(err);
      events.push(`delayed unknown=${unknown}`);
    },
  };
  return { delivery, events, errors };
}

function optOutStore(stopped?: { phone: string; opted_out_at: Date; keyword: string }) {
  const recorded: string[] = [];
  const store: OptOutStore = {
    find: async (phone) => (stopped && phone === stopped.phone ? stopped : undefined),
    record: async (row) => void recorded.push(`${row.phone} ${row.keyword}`),
  };
  return { store, recorded };
}

describe('a send that fails with something other than a provider’s answer (a dropped connection)', () => {
  it('is retried, and the next attempt looks first: the provider may have it', async () => {
    const dropped = new Error('socket hang up');
    const { delivery, events, errors } = recorder();
    await expect(outbox(sender(dropped).s).deliver(delivery)).rejects.toBe(dropped);
    expect(events).toEqual(['delayed unknown=true']);
    expect(errors).toEqual([dropped]);
  });
});

describe('a text held back by Twilio’s sending rate', () => {
  it('is not sent, and its next attempt does not look first (Twilio never saw it)', async () => {
    const held = new RateLimited('sms', 500);
    const limiter: SendLimiter = {
      acquire: async () => {
        throw held;
      },
    };
    const { s, sent } = sender();
    const { delivery, events } = recorder();
    await expect(outbox(s, { limiter }).deliver(delivery)).rejects.toBe(held);
    expect(sent).toEqual([]);
    expect(events).toEqual(['delayed unknown=false']);
  });

  it('a limiter that breaks otherwise is thrown as it is, and the owner records nothing', async () => {
    const broken = new Error('limiter broke');
    const limiter: SendLimiter = {
      acquire: async () => {
        throw broken;
      },
    };
    const { s, sent } = sender();
    const { delivery, events } = recorder();
    await expect(outbox(s, { limiter }).deliver(delivery)).rejects.toBe(broken);
    expect(sent).toEqual([]);
    expect(events).toEqual([]);
  });

  it('waits in the journalists’ lane unless the owner names one', async () => {
    const lanes: string[] = [];
    const limiter: SendLimiter = { acquire: async (medium, lane) => void lanes.push(`${medium} ${lane}`) };
    const { s } = sender();
    await outbox(s, { limiter }).deliver(recorder('sms').delivery);
    await outbox(s, { limiter }).deliver(recorder('call', 'page').delivery);
    expect(lanes).toEqual(['sms journalist', 'call page']);
  });
});

describe('a STOP the outbox learns of', () => {
  const unsubscribed = () =>
    new SendError('Twilio 21610: unsubscribed recipient', { retryable: false, status: 400, recipientOptedOut: true });

  it('from Twilio refusing a call is not recorded as a texting opt-out', async () => {
    const { store, recorded } = optOutStore();
    const { delivery, events } = recorder('call');
    expect(await outbox(sender(unsubscribed()).s, { optOuts: store }).deliver(delivery)).toBe('refused');
    expect(events).toEqual(['refused Twilio 21610: unsubscribed recipient']);
    expect(recorded).toEqual([]);
  });

  it('from Twilio refusing a text, with no opt-out store (unit tests), is a refusal all the same', async () => {
    const { delivery, events } = recorder('sms');
    expect(await outbox(sender(unsubscribed()).s).deliver(delivery)).toBe('refused');
    expect(events).toEqual(['refused Twilio 21610: unsubscribed recipient']);
  });

  it('already recorded refuses the text, saying when (ISO 8601, UTC, unless the desk says how)', async () => {
    const { store } = optOutStore({ phone: TO, opted_out_at: new Date('2026-12-04T18:30:00Z'), keyword: 'STOP' });
    const { s, sent } = sender();
    const { delivery, events, errors } = recorder('sms');
    expect(await outbox(s, { optOuts: store }).deliver(delivery)).toBe('refused');
    expect(sent).toEqual([]);
    expect(events).toEqual([
      'refused Not sent: the recipient texted STOP on 2026-12-04T18:30:00.000Z; texts will not reach them until they text START',
    ]);
    // The owner is told it is for good and why: no retry, and the recipient's own choice.
    expect(errors).toEqual([expect.objectContaining({ retryable: false, recipientOptedOut: true })]);
  });
});

describe('ending what a medium sent', () => {
  it('a medium with nothing to end (email) is refused for good, naming it', async () => {
    const { s } = sender();
    const end = outbox(s).end('email', 'msg-1');
    await expect(end).rejects.toBeInstanceOf(SendError);
    await expect(end).rejects.toMatchObject({ message: 'A email cannot be ended', retryable: false });
  });
});
