import { describe, expect, it } from 'vitest';
import { HELP_TEXT, isBare, parseCommand, refToken, USAGE } from '../../../src/oncall/commands.js';
import { smsCapacity } from '../../../src/oncall/paging.messages.js';

describe('references in a command', () => {
  it('accepts the canonical form, lower case, no dashes, no prefix and the four-digit short code', () => {
    expect(refToken('PD-7KM-4QX')).toEqual({ raw: 'PD-7KM-4QX', reference: 'PD-7KM-4QX', strong: true });
    expect(refToken('pd-7km-4qx')).toMatchObject({ reference: 'PD-7KM-4QX', strong: true });
    expect(refToken('pd7km4qx')).toMatchObject({ reference: 'PD-7KM-4QX', strong: true });
    expect(refToken('7KM4QX')).toMatchObject({ reference: 'PD-7KM-4QX', strong: true });
    expect(refToken('7km-4qx.')).toMatchObject({ raw: '7km-4qx', reference: 'PD-7KM-4QX', strong: true });
    expect(refToken('4821')).toEqual({ raw: '4821', reference: null, strong: true });
  });

  it('marks a plain six-letter word that spells a reference as weak, and refuses what cannot be one', () => {
    expect(refToken('ACCEPT')).toEqual({ raw: 'ACCEPT', reference: 'PD-ACC-EPT', strong: false });
    expect(refToken('PDACCEPT')).toMatchObject({ strong: true });
    expect(refToken('please')).toBeNull(); // L and S are not in the alphabet
    expect(refToken('48210')).toBeNull();
    expect(refToken('me')).toBeNull();
  });
});

describe('parsing a text', () => {
  it('reads INFO and CALL with or without a reference, in any case, with trailing punctuation', () => {
    expect(parseCommand('INFO')).toEqual({ kind: 'info', ref: null });
    expect(parseCommand('  info pd-7km-4qx ')).toMatchObject({ kind: 'info', ref: { reference: 'PD-7KM-4QX' } });
    expect(parseCommand('Call 4821')).toMatchObject({ kind: 'call', ref: { raw: '4821', reference: null } });
    expect(parseCommand('call.')).toEqual({ kind: 'call', ref: null });
    expect(parseCommand('Info: PD-7KM-4QX!')).toMatchObject({ kind: 'info', ref: { raw: 'PD-7KM-4QX' } });
  });

  it('does not take an ordinary sentence that starts with a command word for INFO, CALL or HELP', () => {
    expect(parseCommand('Call me back about the fire please')).toBeNull();
    expect(parseCommand('Info needed about the closure of the A38')).toBeNull();
    expect(parseCommand('Call me')).toBeNull();
    expect(parseCommand('Help me understand the budget')).toBeNull();
    expect(parseCommand('Information about the fire')).toBeNull();
    expect(parseCommand("Done's the word")).toBeNull();
    expect(parseCommand('Notes from the meeting')).toBeNull();
    expect(parseCommand('Hello')).toBeNull();
  });

  it('reads REPLY, NOTE and DONE with an optional reference and keeps the text as written', () => {
    expect(parseCommand('REPLY PD-7KM-4QX We will have a statement by 8pm.')).toMatchObject({
      kind: 'reply',
      ref: { reference: 'PD-7KM-4QX' },
      text: 'We will have a statement by 8pm.',
    });
    expect(parseCommand('note Rang her back,\nsending figures')).toEqual({
      kind: 'note',
      ref: null,
      text: 'Rang her back,\nsending figures',
      rest: 'Rang her back,\nsending figures',
    });
    expect(parseCommand('DONE 4821 No comment beyond the statement')).toMatchObject({
      kind: 'done',
      ref: { raw: '4821' },
      text: 'No comment beyond the statement',
    });
    expect(parseCommand('Done: PD-7KM-4QX')).toMatchObject({
      kind: 'done',
      ref: { reference: 'PD-7KM-4QX' },
      text: '',
    });
  });

  it('keeps the whole text beside a weak reference, for when no enquiry has it', () => {
    expect(parseCommand('NOTE ACCEPT they will call back')).toEqual({
      kind: 'note',
      ref: { raw: 'ACCEPT', reference: 'PD-ACC-EPT', strong: false },
      text: 'they will call back',
      rest: 'ACCEPT they will call back',
    });
  });

  it('reads HELP alone only', () => {
    expect(parseCommand('HELP')).toEqual({ kind: 'help' });
    expect(parseCommand('help?')).toEqual({ kind: 'help' });
    expect(parseCommand('help me')).toBeNull();
  });
});

describe('what a stranger may not send', () => {
  it('is bare: the word alone or with a reference', () => {
    for (const t of ['INFO PD-7KM-4QX', 'HELP', 'CALL', 'call 4821', 'REPLY', 'NOTE PD-7KM-4QX', 'done'])
      expect(isBare(parseCommand(t)!), t).toBe(true);
  });

  it('is not a journalist text that starts with a command word', () => {
    expect(isBare(parseCommand('Done deal at the council, can you confirm?')!)).toBe(false);
    expect(isBare(parseCommand('Reply to my earlier question please')!)).toBe(false);
    expect(isBare(parseCommand('Note: the meeting moved to 7pm')!)).toBe(false);
  });
});

describe('the HELP text', () => {
  it('lists every command, and ACK, in one SMS of at most two segments', () => {
    for (const word of [
      'ACK',
      ...Object.keys(USAGE)
        .filter((k) => k !== 'help')
        .map((k) => k.toUpperCase()),
    ])
      expect(HELP_TEXT).toContain(word);
    expect(HELP_TEXT.length).toBeLessThanOrEqual(smsCapacity(HELP_TEXT, 2));
    expect(smsCapacity(HELP_TEXT, 2)).toBe(306); // GSM-7 only: no character shrinks the segments
  });
});

describe('the HELP aliases', () => {
  it('reads COMMANDS and "?" (any case, trailing punctuation) as HELP, and nothing longer', () => {
    for (const body of ['COMMANDS', 'commands', ' Commands. ', '?', '??', ' ? '])
      expect(parseCommand(body), body).toEqual({ kind: 'help' });
    for (const body of ['commands please', 'What? the fire', '? 4821']) expect(parseCommand(body), body).toBeNull();
  });
});
