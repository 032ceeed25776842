import { z } from 'zod';
import { staffText } from '../enquiries/staff-text.js';
import { defineForm } from '../http/form-schema.js';

/** The most the desk may write in each of an incident's fields. */
export const INCIDENT_LIMITS = { name: 120, description: 2000, terms: 500 } as const;

/**
 * An incident's name, description (optional: blank is '') and search terms, declared or edited.
 * Normalised as before this form existed: line breaks are folded in the description and kept in
 * the name and terms (which looks reversed; kept so that stored text does not change here).
 */
export const incidentDetailsForm = defineForm(
  z.object({
    name: staffText(INCIDENT_LIMITS.name, 'a name'),
    description: staffText(INCIDENT_LIMITS.description, 'a description', true, true).transform((d) => d ?? ''),
    terms: staffText(INCIDENT_LIMITS.terms, 'search terms'),
  }),
);
