import { describe, expect, it } from 'vitest';
import { distinctiveWords } from '../../../src/incidents/distinctive-words.js';

describe('distinctiveWords: the terms prefilled when on-call declares an incident', () => {
  it("keeps the two longest words that say something about the story, in the subject's order", () => {
    expect(distinctiveWords('Any line on the fire at the depot tonight?')).toBe('fire depot');
    expect(distinctiveWords('Hartfield chemical works fire')).toBe('hartfield chemical');
  });

  it('gives three when asked, never more', () => {
    expect(distinctiveWords('Hartfield chemical works fire', { max: 3 })).toBe('hartfield chemical works');
    expect(distinctiveWords('Hartfield chemical works fire', { max: 9 })).toBe('hartfield chemical works');
  });

  it('drops stop words, press-office words, numbers, times and dates', () => {
    expect(distinctiveWords('URGENT: police statement request re 3 cars, 23:40 on 24/12/2026')).toBe('cars');
    expect(distinctiveWords('Update please on the enquiry about tonight')).toBe('');
    expect(distinctiveWords('07912 500106')).toBe('');
    expect(distinctiveWords('')).toBe('');
  });

  it('drops short mixed tokens such as road numbers but keeps words with an apostrophe', () => {
    expect(distinctiveWords('Crash on the M62 near O’Neill’s farm')).toBe("crash o'neill");
  });

  it('counts a repeated word once and treats case and the possessive alike', () => {
    expect(distinctiveWords('Depot fire: is the depot’s fire out? FIRE crews')).toBe('depot crews');
  });

  it("leaves out the journalist's own name and outlet", () => {
    expect(
      distinctiveWords('Siobhan Gazette question about Riverside flooding', {
        exclude: ['Siobhan O’Neill', 'Evening Gazette'],
      }),
    ).toBe('riverside flooding');
  });

  it('prefers the longer word on a tie of rarity, the earlier one on a tie of length', () => {
    expect(distinctiveWords('Cordon around Market Street')).toBe('cordon market');
  });
});
