/**
 * What the phone line says to a journalist (issue 31): the prompts of src/voice and the office
 * hours said aloud (src/hours/spoken.ts). English defines the keys and is word for word what the
 * line said before the catalogue (the English TwiML must not change by a byte); Welsh must have
 * every key (`satisfies` below). The officer's whisper stays English: staff hear English.
 *
 * Welsh times follow speech, not the clock face: "naw o'r gloch fore Llun". They always follow
 * "am" (opens at) or "tan" (open until), both of which cause soft mutation, so `voice.hourWord`
 * gives the mutated numbers ("ddau", "bump", "ddeg"). The English time pieces (`voice.hourWord`,
 * `voice.clock`, `voice.when`) exist so the keys match; English speech keeps spoken.ts's wording.
 */
const en = {
  'voice.languageChoice': 'Press 9 for English.',
  'voice.puttingThrough': 'Press office. Putting you through.',
  'voice.menuChoice':
    'If your enquiry is urgent and cannot wait, press 1. To leave a message for the morning, press 2.',
  'voice.notAChoice': 'Sorry, that is not one of the choices.',
  'voice.connectingOnCall': 'Putting you through to the on-call press officer. Please hold.',
  'voice.leaveMessage':
    'Please leave your name, your publication, your deadline and your enquiry after the tone. Press the hash key or hang up when you have finished.',
  'voice.noMessageHeard': 'We did not hear a message. Goodbye.',
  'voice.messageTaken': 'Thank you. Your message has been passed to the press office. Your reference is {reference}.',
  'voice.messageJoined': 'Thank you, we have added this to your enquiry {reference}.',
  'voice.smsFollows': 'We will also send the reference to you by text message.',
  'voice.goodbye': 'Goodbye.',
  'voice.thankYouGoodbye': 'Thank you. Goodbye.',
  'voice.messagePagesOnCall': 'Your message will be passed to the on-call press officer straight away.',
  'voice.messageMarkedUrgent': 'Your message will be marked urgent for the press office.',
  'voice.messageForMorning': 'Your message will be passed to the press office when it opens.',
  'voice.deskBusy': 'Nobody on the press desk could take your call just now.',
  'voice.onCallMissed':
    'The on-call press officer could not take your call. Your message will be passed to them straight away.',
  'voice.thanksForCalling': 'Thank you for calling the press office.',
  // Office hours said aloud.
  'voice.open': 'The press office is open.',
  'voice.openUntil': 'The press office is open until {when}.',
  'voice.closed': 'The press office is closed.',
  'voice.closedToday': 'The press office is closed today.',
  'voice.closedForHoliday': 'The press office is closed today for {holiday}.',
  'voice.opensAt': 'It opens at {when}.',
  'voice.hourWord':
    '{form, select, other {{hour, select, 1 {one} 2 {two} 3 {three} 4 {four} 5 {five} 6 {six} 7 {seven} 8 {eight} 9 {nine} 10 {ten} 11 {eleven} 12 {twelve} other {{hour}}}}}',
  'voice.clock':
    "{minute, select, 0 {{hour, select, midnight {midnight} noon {noon} other {{soft} o'clock}}} 15 {quarter past {hour}} 30 {half past {hour}} 45 {quarter to {next}} other {{minute} minutes past {hour}}}",
  'voice.when':
    '{relative, select, today {{time} today} tomorrow {{time} tomorrow} other {{time} on {weekday, select, 1 {Monday} 2 {Tuesday} 3 {Wednesday} 4 {Thursday} 5 {Friday} 6 {Saturday} other {Sunday}}{period, select, other {}}{date}}}',
} as const;

const cy = {
  'voice.languageChoice': 'Pwyswch 9 am Gymraeg.',
  'voice.puttingThrough': "Swyddfa'r Wasg. Rydym yn eich trosglwyddo nawr.",
  'voice.menuChoice':
    'Os yw eich ymholiad yn un brys na all aros, pwyswch 1. I adael neges ar gyfer y bore, pwyswch 2.',
  'voice.notAChoice': "Mae'n ddrwg gennym, nid yw hynny'n un o'r dewisiadau.",
  'voice.connectingOnCall': 'Rydym yn eich trosglwyddo i swyddog y wasg sydd ar alwad. Arhoswch, os gwelwch yn dda.',
  'voice.leaveMessage':
    "Gadewch eich enw, eich cyhoeddiad, eich terfyn amser a'ch ymholiad ar ôl y dôn. Pwyswch yr allwedd hash neu rhowch y ffôn i lawr pan fyddwch wedi gorffen.",
  'voice.noMessageHeard': 'Ni chlywsom neges. Hwyl fawr.',
  'voice.messageTaken': "Diolch. Mae eich neges wedi'i throsglwyddo i Swyddfa'r Wasg. Eich cyfeirnod yw {reference}.",
  'voice.messageJoined': 'Diolch, rydym wedi ychwanegu hyn at eich ymholiad {reference}.',
  'voice.smsFollows': 'Byddwn hefyd yn anfon y cyfeirnod atoch mewn neges destun.',
  'voice.goodbye': 'Hwyl fawr.',
  'voice.thankYouGoodbye': 'Diolch. Hwyl fawr.',
  'voice.messagePagesOnCall': 'Bydd eich neges yn cael ei throsglwyddo i swyddog y wasg sydd ar alwad ar unwaith.',
  'voice.messageMarkedUrgent': "Bydd eich neges yn cael ei nodi'n un frys ar gyfer Swyddfa'r Wasg.",
  'voice.messageForMorning': "Bydd eich neges yn cael ei throsglwyddo i Swyddfa'r Wasg pan fydd yn agor.",
  'voice.deskBusy': "Nid oedd neb yn Swyddfa'r Wasg yn gallu ateb eich galwad ar hyn o bryd.",
  'voice.onCallMissed':
    'Nid oedd swyddog y wasg sydd ar alwad yn gallu ateb eich galwad. Bydd eich neges yn cael ei throsglwyddo iddo ar unwaith.',
  'voice.thanksForCalling': "Diolch am ffonio Swyddfa'r Wasg.",
  'voice.open': "Mae Swyddfa'r Wasg ar agor.",
  'voice.openUntil': "Mae Swyddfa'r Wasg ar agor tan {when}.",
  'voice.closed': "Mae Swyddfa'r Wasg ar gau.",
  'voice.closedToday': "Mae Swyddfa'r Wasg ar gau heddiw.",
  // The holiday's English name is not read inside a Welsh sentence: a Welsh voice would mangle it.
  'voice.closedForHoliday': "Mae Swyddfa'r Wasg ar gau heddiw, gan ei bod yn ŵyl banc.{holiday, select, other {}}",
  'voice.opensAt': 'Bydd yn agor am {when}.',
  // `soft`: mutated, as after "am", "tan" and "i": am ddau, tan bump, chwarter i ddeg. Otherwise
  // the radical form, as after "wedi": hanner awr wedi dau.
  'voice.hourWord':
    '{form, select, soft {{hour, select, 1 {un} 2 {ddau} 3 {dri} 4 {bedwar} 5 {bump} 6 {chwech} 7 {saith} 8 {wyth} 9 {naw} 10 {ddeg} 11 {un ar ddeg} 12 {ddeuddeg} other {{hour}}}} other {{hour, select, 1 {un} 2 {dau} 3 {tri} 4 {pedwar} 5 {pump} 6 {chwech} 7 {saith} 8 {wyth} 9 {naw} 10 {deg} 11 {un ar ddeg} 12 {deuddeg} other {{hour}}}}}',
  'voice.clock':
    "{minute, select, 0 {{hour, select, midnight {hanner nos} noon {hanner dydd} other {{soft} o'r gloch}}} 15 {chwarter wedi {hour}} 30 {hanner awr wedi {hour}} 45 {chwarter i {next}} other {{minute} munud wedi {hour}}}",
  // "fore Llun" (Monday morning), "brynhawn Mawrth", "nos Lun": the day after "nos" mutates too.
  'voice.when':
    '{relative, select, today {{time} {period, select, morning {y bore yma} afternoon {y prynhawn yma} other {heno}}} tomorrow {{time} {period, select, morning {fore yfory} afternoon {brynhawn yfory} other {nos yfory}}} other {{time} {period, select, morning {fore {weekday, select, 1 {Llun} 2 {Mawrth} 3 {Mercher} 4 {Iau} 5 {Gwener} 6 {Sadwrn} other {Sul}}} afternoon {brynhawn {weekday, select, 1 {Llun} 2 {Mawrth} 3 {Mercher} 4 {Iau} 5 {Gwener} 6 {Sadwrn} other {Sul}}} other {nos {weekday, select, 1 {Lun} 2 {Fawrth} 3 {Fercher} 4 {Iau} 5 {Wener} 6 {Sadwrn} other {Sul}}}}{date}}}',
} as const satisfies Record<keyof typeof en, string>;

/** The phone line's area of the catalogue. */
export const voice = { en, cy } satisfies { en: Record<keyof typeof en, string>; cy: Record<keyof typeof en, string> };
