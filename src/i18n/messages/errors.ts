/**
 * The error pages a journalist can meet outside a form (issue 31): an address that does not
 * exist, a form sent from another site, too many enquiries at once, a body too big, the service
 * briefly down. English pages keep their own, more particular words; these say the same in
 * general terms, by HTTP status, for a journalist reading another language.
 */
const en = {
  'errors.400.title': 'Bad request',
  'errors.400.text': 'We could not read what was sent. Go back to the form and try again.',
  'errors.403.title': 'Forbidden',
  'errors.403.text': 'This could not be sent from here. Open the enquiry form again and send it from there.',
  'errors.404.title': 'Page not found',
  'errors.404.text':
    'The page you asked for does not exist. If you followed a link, it may have been copied only in part.',
  'errors.405.title': 'Method not allowed',
  'errors.405.text': 'This page cannot be used like that. Go to the enquiry form.',
  'errors.409.title': 'This cannot be done now',
  'errors.409.text':
    'Your enquiry has changed since this page was opened. Open its status page again to see where it stands.',
  'errors.413.title': 'Too much data',
  'errors.413.text': 'What you sent is too long. Shorten it and send it again.',
  'errors.415.title': 'Unsupported form encoding',
  'errors.415.text': 'We could not read what was sent. Go back to the form and try again.',
  'errors.422.title': 'Check your answers',
  'errors.422.text': 'Something you sent needs correcting. Go back, check your answers and send them again.',
  'errors.429.title': 'Too many requests',
  'errors.429.text':
    'Too many enquiries have come from your connection in a short time. Wait a few minutes and try again; if it is urgent, ring the press office.',
  'errors.500.title': 'Sorry, something went wrong',
  'errors.500.text': 'Something went wrong on our side. Nothing was stored; please try again.',
  'errors.503.title': 'Service unavailable',
  'errors.503.text': 'The service is briefly unavailable. Nothing was stored; please try again shortly.',
} as const;

const cy = {
  'errors.400.title': 'Cais gwallus',
  'errors.400.text': 'Doedd dim modd darllen yr hyn a anfonwyd. Ewch yn ôl i’r ffurflen a rhowch gynnig arall arni.',
  'errors.403.title': 'Dim mynediad',
  'errors.403.text': 'Doedd dim modd ei anfon o’r fan hon. Agorwch y ffurflen ymholiad eto a’i hanfon oddi yno.',
  'errors.404.title': 'Heb ddod o hyd i’r dudalen',
  'errors.404.text':
    'Dydy’r dudalen y gofynnoch amdani ddim yn bodoli. Os daethoch yma drwy ddolen, efallai mai dim ond rhan ohoni a gopïwyd.',
  'errors.405.title': 'Dull heb ei ganiatáu',
  'errors.405.text': 'Does dim modd defnyddio’r dudalen hon fel hyn. Ewch i’r ffurflen ymholiad.',
  'errors.409.title': 'Does dim modd gwneud hyn nawr',
  'errors.409.text':
    'Mae eich ymholiad wedi newid ers i’r dudalen hon gael ei hagor. Agorwch ei dudalen statws eto i weld ble mae pethau arni.',
  'errors.413.title': 'Gormod o ddata',
  'errors.413.text': 'Mae’r hyn a anfonoch yn rhy hir. Byrhewch ef a’i anfon eto.',
  'errors.415.title': 'Fformat ffurflen heb ei gefnogi',
  'errors.415.text': 'Doedd dim modd darllen yr hyn a anfonwyd. Ewch yn ôl i’r ffurflen a rhowch gynnig arall arni.',
  'errors.422.title': 'Gwiriwch eich atebion',
  'errors.422.text': 'Mae angen cywiro rhywbeth a anfonoch. Ewch yn ôl, gwiriwch eich atebion a’u hanfon eto.',
  'errors.429.title': 'Gormod o geisiadau',
  'errors.429.text':
    'Mae gormod o ymholiadau wedi dod o’ch cysylltiad mewn amser byr. Arhoswch ychydig funudau a rhowch gynnig arall arni; os yw’n fater brys, ffoniwch swyddfa’r wasg.',
  'errors.500.title': 'Mae’n ddrwg gennym, aeth rhywbeth o’i le',
  'errors.500.text': 'Aeth rhywbeth o’i le ar ein hochr ni. Chafodd dim ei gadw; rhowch gynnig arall arni.',
  'errors.503.title': 'Dydy’r gwasanaeth ddim ar gael',
  'errors.503.text':
    'Dydy’r gwasanaeth ddim ar gael am ychydig. Chafodd dim ei gadw; rhowch gynnig arall arni cyn hir.',
} as const satisfies Record<keyof typeof en, string>;

/** The error-page area of the catalogue. */
export const errors = { en, cy } satisfies { en: Record<keyof typeof en, string>; cy: Record<keyof typeof en, string> };

/** The statuses that have general words here; any other is said as a 500's. */
export const ERROR_PAGE_STATUSES = [400, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503] as const;
