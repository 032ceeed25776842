/**
 * Numbers Press Desk is configured to text that cannot take texts (issue 24): a landline, an 03 or
 * 0800 number. Twilio refuses a text to one (error 21614). Not a reason to refuse to start: an office
 * may have only a landline out-of-hours line, which is fine for calls (paging calls it instead of
 * texting: `PagingService`), but texts to it (handover, desk escalations, incident summaries) never
 * arrive, so the start-up log, `/readyz` and the rota page say so. Numbers are named by their
 * config key or rota person id, never written out: the log must hold no personal data.
 */
import type { Config } from '../config.js';
import { cannotTakeTexts } from '../enquiries/phone-numbers.js';
import type { Logger } from '../log.js';

/** What the desk shows next to a number that cannot take texts. */
export const NO_TEXTS_NOTICE = 'this number cannot take texts: pages to it are calls';

/** The config keys (`onCall.fallbackNumber`, `handover.smsNumbers[0]`, `desk.escalationNumbers[1]`) whose numbers cannot take texts. */
export function configKeysWithoutTexts(config: Pick<Config, 'onCall' | 'handover' | 'desk'>): string[] {
  const keys: Array<[string, string]> = [
    ['onCall.fallbackNumber', config.onCall.fallbackNumber],
    ...config.handover.smsNumbers.map((n, i): [string, string] => [`handover.smsNumbers[${i}]`, n]),
    ...config.desk.escalationNumbers.map((n, i): [string, string] => [`desk.escalationNumbers[${i}]`, n]),
  ];
  return keys.filter(([, n]) => cannotTakeTexts(n)).map(([key]) => key);
}

/**
 * At start: warns (never stops the start) about each configured number and each active rota
 * person's phone (`people`) that cannot take texts, by config key and person id.
 */
export function warnNumbersWithoutTexts(
  config: Pick<Config, 'onCall' | 'handover' | 'desk'>,
  people: ReadonlyArray<{ id: string; phone: string }>,
  log: Logger,
): void {
  const keys = configKeysWithoutTexts(config);
  if (keys.length)
    log.warn(
      { keys },
      `${keys.join(', ')}: cannot take texts (a landline or non-geographic number); pages to it are calls, other texts to it are refused by Twilio`,
    );
  const personIds = people.filter((p) => cannotTakeTexts(p.phone)).map((p) => p.id);
  if (personIds.length)
    log.warn(
      { personIds },
      'on-call rota people whose phones cannot take texts: pages to them are calls, test pages by text do not reach them',
    );
}
