/**
 * Issue 29, item 4: which colleague a mention in a note names. "@Kim Lee" (the longest run of
 * words that is someone's full name), "@kim" (a first name, when only one person has it),
 * "@kim.lee" (the email's local part); an email address or a word with an @ inside is no mention;
 * what names nobody, or several people, is returned as written so the writer can be told.
 */
import { describe, expect, it } from 'vitest';
import { findMentions } from '../../../src/notifications/mentions.js';

const KIM_LEE = { id: '1', name: 'Kim Lee', email: 'kim.lee@press.example' };
const KIM_PATEL = { id: '2', name: 'Kim Patel', email: 'k.patel@press.example' };
const SAM = { id: '3', name: 'Sam Patel', email: 'sam.patel@press.example' };
const ZOE = { id: '4', name: 'Zoë Ó Súilleabháin', email: 'zoe.os@press.example' };
const MARY = { id: '5', name: 'Mary Ann de Vere', email: 'mary@press.example' };
const STAFF = [KIM_LEE, KIM_PATEL, SAM, ZOE, MARY];

const named = (text: string) => findMentions(text, STAFF).named.map((p) => p.name);

describe('a mention names', () => {
  it('the person whose full name follows the @, in any case, up to four words', () => {
    expect(named('@Kim Lee please call back')).toEqual(['Kim Lee']);
    expect(named('thanks @kim patel.')).toEqual(['Kim Patel']);
    expect(named('see @Mary Ann de Vere')).toEqual(['Mary Ann de Vere']);
  });

  it('a first name or an email name when only one person has it, whatever the punctuation after it', () => {
    expect(named('@sam, can you?')).toEqual(['Sam Patel']);
    expect(named('(@kim.lee)')).toEqual(['Kim Lee']);
    expect(named('cc @k.patel.')).toEqual(['Kim Patel']);
  });

  it('without regard to accents, and through a possessive', () => {
    expect(named('@Zoe O Suilleabhain to check')).toEqual(['Zoë Ó Súilleabháin']);
    expect(named("@Kim Lee's draft is fine")).toEqual(['Kim Lee']);
  });

  it('each person once, in the order first named', () => {
    expect(named('@sam then @Kim Lee then @Sam Patel again')).toEqual(['Sam Patel', 'Kim Lee']);
  });
});

describe('no mention', () => {
  it('in an email address or a word with an @ inside it', () => {
    expect(findMentions('from sam@gazette.example and kim@x', STAFF)).toEqual({
      named: [],
      unknown: [],
      ambiguous: [],
    });
    expect(findMentions('an @ on its own, or @@', STAFF)).toEqual({ named: [], unknown: [], ambiguous: [] });
  });
});

describe('said back to the writer', () => {
  it('a mention that names nobody, as written, once', () => {
    expect(findMentions('@BBCNews said it first; @bbcnews again', STAFF).unknown).toEqual(['@BBCNews', '@bbcnews']);
    expect(findMentions('ask @Nobody', STAFF)).toEqual({ named: [], unknown: ['@Nobody'], ambiguous: [] });
  });

  it('a first name several people have, with each of them', () => {
    const r = findMentions('@Kim can you take it?', STAFF);
    expect(r.named).toEqual([]);
    expect(r.ambiguous).toEqual([{ written: '@Kim', could: [KIM_LEE, KIM_PATEL] }]);
  });

  it('a full name two people share', () => {
    const twin = { id: '9', name: 'Sam Patel', email: 'sam.p2@press.example' };
    const r = findMentions('@Sam Patel', [...STAFF, twin]);
    expect(r.ambiguous).toEqual([{ written: '@Sam Patel', could: [SAM, twin] }]);
  });
});
