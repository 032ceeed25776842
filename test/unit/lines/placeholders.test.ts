import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import {
  fillPlaceholders,
  officeHoursInWords,
  placeholderValues,
  unknownPlaceholders,
} from '../../../src/lines/placeholders.js';

const file = parseFileConfig();
const config = { office: file.office, lines: file.lines, publicBaseUrl: 'https://press.example.org' };
const enquiry = { name: 'Jo Bloggs', reference: 'PD-7KM-4QX', outlet: 'Evening Post' };

describe('template placeholders', () => {
  it('fills every placeholder from the enquiry and the office, the status link left for the send to fill', () => {
    // Saturday 5 December 2026, 10:00 in London: closed, opens Monday.
    const values = placeholderValues(enquiry, config, new Date('2026-12-05T10:00:00Z'), 'the Fire Service');
    const text = fillPlaceholders(
      'Hello {name} ({outlet}), ref {reference}. Hours: {office_hours}. Open {next_opening}. {status_link} {foi_page} {organisation}',
      values,
    );
    expect(text).toBe(
      'Hello Jo Bloggs (Evening Post), ref PD-7KM-4QX. Hours: 9am to 5pm, Monday to Friday. Open 9:00am on Monday 7 December. https://press.example.org/status/[link] the Freedom of Information page on our website the Fire Service',
    );
  });

  it('says "now" for the next opening while the office is open', () => {
    const values = placeholderValues(enquiry, config, new Date('2026-12-07T10:00:00Z'));
    expect(values.next_opening).toBe('now');
  });

  it('names the unknown placeholders of a body, once each, and leaves them unfilled', () => {
    expect(unknownPlaceholders('Dear {name}, {nmae} {deadline} {nmae}')).toEqual(['nmae', 'deadline']);
    expect(fillPlaceholders('{nmae}', placeholderValues(enquiry, config, new Date()))).toBe('{nmae}');
  });

  it('groups days with the same hours', () => {
    const hours = {
      ...file.office.hours,
      fri: [['09:00', '16:30']] as [string, string][],
      sat: [['10:00', '12:00']] as [string, string][],
    };
    expect(officeHoursInWords(hours)).toBe(
      '9am to 5pm, Monday to Thursday; 9am to 4:30pm, Friday; 10am to 12 noon, Saturday',
    );
  });
});
