/**
 * Edges of the on-call command parser that mutation testing (docs/testing.md "Mutation testing")
 * found untested: which punctuation is cut off a reference, what makes a word a strong
 * reference, trailing white space, and the HELP text's sentences.
 */
import { describe, expect, it } from 'vitest';
import { HELP_TEXT, parseCommand, refToken, USAGE } from '../../../src/oncall/commands.js';

describe('punctuation after a reference', () => {
  it('is cut off however much of it there is: "4821?!" is the short code 4821', () => {
    expect(refToken('4821?!')).toEqual({ raw: '4821', reference: null, strong: true });
    expect(refToken('PD-7KM-4QX...')).toMatchObject({ raw: 'PD-7KM-4QX', reference: 'PD-7KM-4QX' });
  });

  it('is cut off only at the end: "48.21" and ",4821" are not the short code 4821', () => {
    expect(refToken('48.21')).toBeNull();
    expect(refToken(',4821')).toBeNull();
  });
});

describe('what makes a reference strong', () => {
  it('a dash, even with no PD prefix and no digit', () => {
    expect(refToken('acc-ept')).toEqual({ raw: 'acc-ept', reference: 'PD-ACC-EPT', strong: true });
  });

  it('PD only at the start: "UPDATE" spells a reference but is a word, so NOTE UPDATE … keeps its text', () => {
    expect(refToken('UPDATE')).toEqual({ raw: 'UPDATE', reference: 'PD-UPD-ATE', strong: false });
  });
});

describe('a command text with white space after it', () => {
  it('loses the trailing spaces and line break, in the text and in the rest', () => {
    expect(parseCommand('NOTE ACCEPT they will call back  \n')).toMatchObject({
      text: 'they will call back',
      rest: 'ACCEPT they will call back',
    });
  });
});

describe('the HELP text', () => {
  it('gives each command its own sentence, after ACK and before how to write a reference', () => {
    const sentences = HELP_TEXT.split('. ');
    expect(sentences[0]).toBe('Press Desk commands: ACK ref: acknowledge');
    const commands = Object.entries(USAGE).filter(([kind]) => kind !== 'help');
    expect(sentences.slice(1, 1 + commands.length)).toEqual(commands.map(([, usage]) => usage));
    expect(sentences[1 + commands.length]).toMatch(/^ref is the PD- reference/);
  });
});
