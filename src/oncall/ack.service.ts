import type { Tx } from '../db/database.js';
import { addEvent } from '../enquiries/enquiries.repository.js';
import { normaliseReference } from '../enquiries/reference.js';
import type { AckHandler } from '../sms/inbound.service.js';
import type { PagingService } from './paging.service.js';
import { pagesNoLongerFor } from './oncall-actions.repository.js';
import * as repo from './paging.repository.js';
import { isActivePersonPhone } from './rota.repository.js';

const ACK = /^\s*ack(?:nowledged?)?\b[\s.:,!-]*(.*)$/is;

/**
 * Acknowledgements by SMS from the on-call phone. `ACK` acknowledges every page in the newest
 * text sent to that phone (one page, or all of a bundle); `ACK 4821` or `ACK PD-7KM-4QX` one
 * page. An ACK from a number with nothing to acknowledge is refused politely, changes nothing,
 * and is recorded (the inbound message is stored with its reply). But a longer text that merely
 * starts with the word ("Acknowledged, but can you confirm…") from a number that is neither on
 * the rota nor was ever paged is a journalist writing, not an officer acknowledging: it is left
 * to become an enquiry rather than refused. Pages sent to a person since taken off the staff list,
 * or to their number before it changed, cannot be acknowledged from that phone (their escalation
 * goes on to someone who is still on call).
 */
export class SmsAckHandler implements AckHandler {
  constructor(private readonly paging: PagingService) {}

  /** The reply to an ACK text, or null when the text is not an ACK (it is then a journalist's). */
  async handle(tx: Tx, message: { from: string; body: string; messageSid: string }): Promise<string | null> {
    const m = ACK.exec(message.body);
    if (!m) return null;
    const arg = m[1].trim().split(/\s+/)[0] ?? '';
    // Pages sent to a colleague since removed, or to their old number, are not this phone's to stop.
    const gone = new Set(await pagesNoLongerFor(tx, message.from));
    const sent = (await repo.activePagesSentTo(tx, message.from)).filter((p) => !gone.has(p.page_id));
    let chosen: typeof sent = [];
    if (arg) {
      const ref = normaliseReference(arg);
      chosen = sent.filter((p) => p.short_code === arg || (ref !== null && p.reference === ref));
      if (!chosen.length && sent.length) {
        return `Press Desk: no open page matches "${arg.slice(0, 20)}". Reply ACK to acknowledge your latest page.`;
      }
    } else if (sent.length) {
      // Everything carried by the newest text to this phone: one page, or a whole bundle.
      const newest = sent[0].provider_sid;
      chosen = sent.filter((p) => p.provider_sid === newest);
    }
    if (!chosen.length) {
      const known = (await repo.wasEverPaged(tx, message.from)) || (await isActivePersonPhone(tx, message.from));
      const shortAck = /^\S*$/.test(m[1].trim());
      if (!known && !shortAck) return null;
      return known
        ? 'Press Desk: nothing to acknowledge. Your pages are already acknowledged.'
        : 'Press Desk: this number has no page to acknowledge. Journalists: send your enquiry as a text without the word ACK.';
    }
    const acked = await this.paging.acknowledge(tx, [...new Set(chosen.map((p) => p.page_id))], { by: message.from, via: 'sms' });
    for (const p of acked) {
      await addEvent(tx, { enquiryId: p.enquiry_id, at: p.acknowledged_at ?? new Date(), kind: 'sms_in', actor: message.from, data: { body: message.body, messageSid: message.messageSid, ack: true } });
    }
    const refs = chosen.filter((p) => acked.some((a) => a.id === p.page_id)).map((p) => `${p.reference} (${p.outlet || 'SMS'})`);
    if (!refs.length) return 'Press Desk: already acknowledged.';
    return refs.length === 1
      ? `Press Desk: acknowledged ${refs[0]}. Escalation stopped. Please contact the journalist.`
      : `Press Desk: acknowledged ${refs.length} enquiries: ${refs.join(', ')}. Escalation stopped.`;
  }
}
