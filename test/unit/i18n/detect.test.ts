/**
 * Welsh in, Welsh out (issue 31): what a journalist wrote is recognised as Welsh or English, only
 * among the languages the office offers, and an English-only office never answers in Welsh.
 */
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../src/i18n/detect.js';

const WELSH_FIRST = ['cy', 'en'] as const;
const ENGLISH_FIRST = ['en', 'cy'] as const;

describe('detectLanguage', () => {
  it('recognises short Welsh and English texts, whichever language the office puts first', () => {
    for (const offered of [WELSH_FIRST, ENGLISH_FIRST]) {
      expect(detectLanguage("Helo, ydy'r ffordd ar gau?", offered)).toBe('cy');
      expect(detectLanguage('Prynhawn da, oes datganiad am y llifogydd yn Aberteifi?', offered)).toBe('cy');
      expect(detectLanguage('Is the road closed?', offered)).toBe('en');
      expect(detectLanguage('Do you have a statement on the flooding in Cardigan?', offered)).toBe('en');
    }
  });

  it("falls back to the office's first language when the text says nothing (a reference, a number)", () => {
    expect(detectLanguage('?', WELSH_FIRST)).toBe('cy');
    expect(detectLanguage('07911 123456', ENGLISH_FIRST)).toBe('en');
  });

  it('never answers in a language the office does not offer', () => {
    expect(detectLanguage("Helo, ydy'r ffordd ar gau?", ['en'])).toBe('en');
    expect(detectLanguage('Is the road closed?', ['cy'])).toBe('cy');
  });
});
