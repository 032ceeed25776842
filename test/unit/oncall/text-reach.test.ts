/**
 * Issue 24, item 1: configured numbers and rota phones that cannot take texts are warned about at
 * start (by config key and person id, never the number: the log holds no personal data), and the
 * start goes on: an office may have only a landline out-of-hours line, which is fine for calls.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { cannotTakeTexts } from '../../../src/enquiries/phone-numbers.js';
import { createLogger } from '../../../src/log.js';
import { configKeysWithoutTexts, warnNumbersWithoutTexts } from '../../../src/oncall/text-reach.js';

const SHIPPED_FALLBACK = '+443001234567';
const LANDLINE = '+442079460000';
const MOBILE = '+447911200009';

describe('which numbers cannot take texts', () => {
  it.each([
    [SHIPPED_FALLBACK, true],
    [LANDLINE, true],
    ['+448081570000', true],
    [MOBILE, false],
    // May be a mobile: every US number is typed this way.
    ['+12025550123', false],
    // Not in the metadata (Ofcom's drama range): not judged, so still texted.
    ['+447700900222', false],
  ])('%s: %s', (number, expected) => {
    expect(cannotTakeTexts(number)).toBe(expected);
  });

  it('names the shipped fallback line, and each handover and desk escalation number that cannot take texts, by its key', () => {
    expect(configKeysWithoutTexts(loadConfig({}))).toEqual(['onCall.fallbackNumber']);
    const config = loadConfig(
      {},
      {
        onCall: { fallbackNumber: MOBILE },
        handover: { smsNumbers: [MOBILE, LANDLINE] },
        desk: { escalationNumbers: [SHIPPED_FALLBACK, MOBILE] },
      },
    );
    expect(configKeysWithoutTexts(config)).toEqual(['handover.smsNumbers[1]', 'desk.escalationNumbers[0]']);
  });
});

describe('the start-up warning', () => {
  function warnings(config: ReturnType<typeof loadConfig>, people: Array<{ id: string; phone: string }>) {
    const lines: string[] = [];
    warnNumbersWithoutTexts(config, people, createLogger('info', { write: (line: string) => void lines.push(line) }));
    return lines;
  }

  it('warns by config key and rota person id, never writing a number', () => {
    const config = loadConfig({}, { handover: { smsNumbers: [LANDLINE] } });
    const lines = warnings(config, [
      { id: '7', phone: MOBILE },
      { id: '12', phone: LANDLINE },
    ]);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 40,
        keys: ['onCall.fallbackNumber', 'handover.smsNumbers[0]'],
        msg: expect.stringContaining('cannot take texts'),
      }),
      expect.objectContaining({ level: 40, personIds: ['12'], msg: expect.stringContaining('cannot take texts') }),
    ]);
    for (const line of lines) {
      expect(line).not.toContain('3001234567');
      expect(line).not.toContain('2079460000');
    }
  });

  it('says nothing when every number takes texts', () => {
    expect(warnings(loadConfig({}, { onCall: { fallbackNumber: MOBILE } }), [{ id: '7', phone: MOBILE }])).toEqual([]);
  });
});
