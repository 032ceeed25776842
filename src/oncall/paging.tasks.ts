import type { Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { PagingService } from './paging.service.js';
import { TASKS } from './paging.service.js';

const stepPayload = z.object({ pageId: z.string().regex(/^\d+$/), step: z.number().int().min(0).max(100) });
// `action` absent: a text bundle queued before calls were bundled too.
const bundlePayload = z.object({ phone: z.string().regex(/^\+[1-9]\d{6,14}$/), action: z.enum(['sms', 'call']).default('sms') });
const notifyPayload = z.object({ enquiryId: z.string().regex(/^\d+$/) });
const smsPayload = z.object({
  key: z.string().min(1).max(200),
  enquiryId: z.string().regex(/^\d+$/).nullable(),
  to: z.string().regex(/^\+[1-9]\d{6,14}$/),
  body: z.string().min(1).max(1600),
});

/**
 * Parses a job payload; a malformed one is a bug in whoever queued it, so it fails loudly (and
 * graphile-worker keeps it, with the error, for someone to look at) rather than being dropped.
 */
function parse<T>(schema: z.ZodType<T>, payload: unknown, task: string): T {
  const r = schema.safeParse(payload);
  if (!r.success) throw new Error(`${task}: bad payload: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/**
 * Tasks whose retries must not wait out graphile-worker's exponential backoff: the on-call page
 * and the texts to journalists about it (see JobRunnerOptions.retryCap).
 */
export const PAGING_RETRY_CAP = { tasks: [TASKS.step, TASKS.bundle, TASKS.notifyJournalist, TASKS.sendSms], seconds: 30, withinHours: 24 };

/** Every five minutes: hand untouched urgent enquiries to on-call once the office has closed. */
export const PAGING_CRONTAB = '*/5 * * * * closing_handover ?max=1';

/** The paging tasks. Each is small and idempotent: it re-reads state and does only what is still due. */
export function pagingTasks(paging: PagingService): TaskList {
  const step: Task = async (payload) => {
    const p = parse(stepPayload, payload, TASKS.step);
    await paging.runStep(p.pageId, p.step);
  };
  const bundle: Task = async (payload) => {
    const p = parse(bundlePayload, payload, TASKS.bundle);
    await paging.sendBundle(p.phone, p.action);
  };
  const notify: Task = async (payload) => {
    const p = parse(notifyPayload, payload, TASKS.notifyJournalist);
    await paging.notifyJournalistOfAck(p.enquiryId);
  };
  const sms: Task = async (payload) => {
    const p = parse(smsPayload, payload, TASKS.sendSms);
    await paging.sendJournalistSms(p);
  };
  const closing: Task = async () => {
    await paging.handOverAtClosing();
  };
  return { [TASKS.step]: step, [TASKS.bundle]: bundle, [TASKS.notifyJournalist]: notify, [TASKS.sendSms]: sms, closing_handover: closing };
}
