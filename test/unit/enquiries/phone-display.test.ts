import { describe, expect, it } from 'vitest';
import { displayPerson, displayPhone, displayPhonesIn, noTextsNotice } from '../../../src/enquiries/phone-numbers.js';

describe('displayPhone: a stored E.164 number as people read it', () => {
  it('shows UK numbers in national format, as the office dials them', () => {
    expect(displayPhone('+447912500106')).toBe('07912 500106');
    expect(displayPhone('+442079460000')).toBe('020 7946 0000');
    expect(displayPhone('+443001234567')).toBe('0300 123 4567');
  });

  it("counts the Crown Dependencies' +44 numbers as UK numbers", () => {
    expect(displayPhone('+447781123456')).toBe('07781 123456'); // Guernsey mobile
  });

  it('shows other countries in international format', () => {
    expect(displayPhone('+33612345678')).toBe('+33 6 12 34 56 78');
    expect(displayPhone('+353871234567')).toBe('+353 87 123 4567');
  });

  it('shows what does not parse as it is', () => {
    expect(displayPhone('not a number')).toBe('not a number');
    expect(displayPhone('')).toBe('');
  });
});

describe('displayPhonesIn: numbers inside a sentence', () => {
  it('formats every E.164 number and leaves the words alone', () => {
    expect(displayPhonesIn('on call (+447911200001)')).toBe('on call (07911 200001)');
    expect(displayPhonesIn('Holding line sent to +447911123401 and +33612345678.')).toBe(
      'Holding line sent to 07911 123401 and +33 6 12 34 56 78.',
    );
    expect(displayPhonesIn('Reference PD-7KM-4QX, code 4821')).toBe('Reference PD-7KM-4QX, code 4821');
  });
});

describe('displayPerson: who a stored actor is', () => {
  const names = new Map([
    ['olive.officer@press.example', 'Olive Officer'],
    ['+447911200001', 'Olu On-Call'],
  ]);

  it('names a desk user by their email, whatever its case', () => {
    expect(displayPerson('Olive.Officer@press.example', names)).toBe('Olive Officer');
  });

  it('names a rota person by their number, alone or as an on-call actor', () => {
    expect(displayPerson('+447911200001', names)).toBe('Olu On-Call');
    expect(displayPerson('on call (+447911200001)', names)).toBe('Olu On-Call');
  });

  it('shows an unknown number in national format, and anything else as it is', () => {
    expect(displayPerson('on call (+447911200009)', names)).toBe('on call (07911 200009)');
    expect(displayPerson('+447911200009', names)).toBe('07911 200009');
    expect(displayPerson('Olu On-Call', names)).toBe('Olu On-Call');
    expect(displayPerson('system', names)).toBe('system');
  });
});

describe('noTextsNotice: why a journalist cannot be texted', () => {
  it('calls a landline a landline, and an 03 or 0800 number only "not a mobile number"', () => {
    expect(noTextsNotice('+442079460000')).toBe('020 7946 0000 is a landline: it cannot take texts; call or email');
    expect(noTextsNotice('+443001234567')).toBe(
      '0300 123 4567 is not a mobile number: it cannot take texts; call or email',
    );
    expect(noTextsNotice('+448001234567')).toBe(
      '0800 123 4567 is not a mobile number: it cannot take texts; call or email',
    );
  });
});
