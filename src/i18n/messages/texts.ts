/**
 * Every automatic text (SMS) and email to a journalist (issue 31): the acknowledgements of SMS,
 * emailed and form enquiries, the honest "what happens next" they carry, and the messages when
 * an enquiry is answered, withdrawn or closed. English defines the keys and must stay word for
 * word what Press Desk sent before; Welsh must have every one (`satisfies` below).
 *
 * The Welsh is written for a journalist reading it on a phone, not word for word. Two rules:
 * - the office's name is never put after a word that mutates it (`i`, `at`, `â`): a configured
 *   name ("Cyngor Sir …") cannot be mutated by Press Desk, so it leads the sentence instead;
 * - accents stay (ô, â, ŵ): folding them away would treat Welsh less favourably. Welsh texts are
 *   therefore sent as UCS-2 (70 characters a segment); every one stays far below the 1,600
 *   characters Twilio joins (test/scenarios/welsh-texts.test.ts measures them).
 * Apostrophes are plain ASCII: in ICU MessageFormat one followed by a letter is literal.
 */
const en = {
  // What happens next (src/enquiries/urgency.ts: nextStepMessage). `{at}` is an office time phrase.
  'texts.nextStep.byDeadline': 'A press officer will respond by your deadline, {at}.',
  'texts.nextStep.by': 'A press officer will respond by {at}.',
  'texts.nextStep.whenReopens': 'A press officer will respond as soon as the office reopens.',
  'texts.nextStep.openUrgent': 'We are open and have marked your enquiry urgent. {promise}',
  'texts.nextStep.open': 'We are open. {promise}',
  'texts.nextStep.closedUntil': 'The press office is closed until {at}.',
  'texts.nextStep.closed': 'The press office is closed.',
  'texts.nextStep.incident':
    'This is urgent: the on-call press officer is already working on this story and will see your enquiry within {minutes} minutes. If it cannot wait, call the out-of-hours line on {line}.',
  'texts.nextStep.paged':
    'This is urgent: the on-call press officer is being alerted now and will contact you. If it cannot wait, call the out-of-hours line on {line}.',
  'texts.nextStep.notPaged':
    '{closedUntil} We have marked your enquiry urgent, but the on-call press officer is not being alerted automatically. Please call the out-of-hours line now on {line}.',
  'texts.nextStep.closedPromise': '{closedUntil} {promise}',

  // The answer to a journalist's text (src/sms/inbound.service.ts).
  'texts.sms.received':
    'Press office: thank you, your enquiry reference is {reference}. {nextStep} Reply to this number to add to it. See where it stands: {link}',
  'texts.sms.added': 'Press office: thank you, we have added this to your enquiry {reference}. {nextStep}',

  // The text after a phone message (src/voice/voice.service.ts); the link part follows the cut.
  'texts.voice.received': '{office}: thank you for your phone message. Your reference is {reference}. {nextStep}',
  'texts.voice.added': '{office}: thank you, we have added your phone message to your enquiry {reference}. {nextStep}',
  'texts.voice.link': ' See where it stands: {link}',

  // A form or API enquiry acknowledged by text (src/enquiries/acknowledgement.ts); the link part follows the cut.
  'texts.formAck.sms': '{office}: thank you for your enquiry. Your reference is {reference}. {nextStep}',
  'texts.formAck.smsLink': ' See where it stands, add to it or withdraw it: {link}',

  // Email (src/email/email-out.service.ts): the subject of every automatic email, and the acknowledgement's lines.
  'texts.email.subject': 'Your enquiry {reference} to {office}',
  'texts.email.ackThanks': 'Thank you for your enquiry to {office}.',
  'texts.email.ackReference': 'Your reference is {reference}. {nextStep}',
  'texts.email.ackReply': 'To add to your enquiry, reply to this email and keep the reference in the subject.',
  'texts.email.ackStatus': 'To see where it stands, move your deadline or withdraw it: {link}',
  'texts.email.ackAutomatic': 'This is an automatic acknowledgement.',

  // When the enquiry changes (src/status/status.service.ts: JournalistUpdates), by text or email.
  'texts.update.released': '{office}: we have answered your enquiry {reference}. Read the response: {link}',
  'texts.update.withdrawn':
    '{office}: your enquiry {reference} is withdrawn, as you asked. Nothing more will happen with it. {link}',
  'texts.update.closed': '{office}: your enquiry {reference} is now closed. {link}',

  // When the desk merges or splits enquiries (src/merging/merging.service.ts).
  'texts.merge.combined':
    '{office}: your enquiries {from} and {into} are about the same thing, so we have combined them. We will answer under {into}. {link}',
  'texts.merge.handledWith':
    '{office}: your enquiry {from} is about a subject we are already dealing with, so we are handling it under the reference {into}. Your status link still works: {link}',
  'texts.merge.split':
    '{office}: we are treating your new question ("{subject}") as a separate enquiry, reference {fresh}, so that it gets its own answer. Your enquiry {reference} carries on as before. {link}',
} as const;

const cy = {
  'texts.nextStep.byDeadline': 'Bydd un o swyddogion y wasg yn ymateb erbyn eich terfyn amser, {at}.',
  'texts.nextStep.by': 'Bydd un o swyddogion y wasg yn ymateb erbyn {at}.',
  'texts.nextStep.whenReopens': "Bydd un o swyddogion y wasg yn ymateb cyn gynted ag y bydd y swyddfa'n ailagor.",
  'texts.nextStep.openUrgent': 'Rydym ar agor, ac rydym wedi nodi bod eich ymholiad yn fater brys. {promise}',
  'texts.nextStep.open': 'Rydym ar agor. {promise}',
  'texts.nextStep.closedUntil': "Mae swyddfa'r wasg ar gau tan {at}.",
  'texts.nextStep.closed': "Mae swyddfa'r wasg ar gau.",
  'texts.nextStep.incident':
    'Mae hwn yn fater brys: mae swyddog y wasg sydd ar alwad eisoes yn gweithio ar y stori hon, a bydd yn gweld eich ymholiad o fewn {minutes} munud. Os na all aros, ffoniwch y llinell y tu allan i oriau ar {line}.',
  'texts.nextStep.paged':
    'Mae hwn yn fater brys: rydym yn rhoi gwybod i swyddog y wasg sydd ar alwad nawr, a bydd yn cysylltu â chi. Os na all aros, ffoniwch y llinell y tu allan i oriau ar {line}.',
  'texts.nextStep.notPaged':
    '{closedUntil} Rydym wedi nodi bod eich ymholiad yn fater brys, ond nid yw swyddog y wasg sydd ar alwad yn cael gwybod yn awtomatig. Ffoniwch y llinell y tu allan i oriau nawr ar {line}.',
  'texts.nextStep.closedPromise': '{closedUntil} {promise}',

  'texts.sms.received':
    "Swyddfa'r wasg: diolch, cyfeirnod eich ymholiad yw {reference}. {nextStep} Atebwch i'r rhif hwn i ychwanegu ato. I weld ble mae pethau arni: {link}",
  'texts.sms.added': "Swyddfa'r wasg: diolch, rydym wedi ychwanegu hyn at eich ymholiad {reference}. {nextStep}",

  'texts.voice.received': '{office}: diolch am eich neges ffôn. Eich cyfeirnod yw {reference}. {nextStep}',
  'texts.voice.added':
    '{office}: diolch, rydym wedi ychwanegu eich neges ffôn at eich ymholiad {reference}. {nextStep}',
  'texts.voice.link': ' I weld ble mae pethau arni: {link}',

  'texts.formAck.sms': '{office}: diolch am eich ymholiad. Eich cyfeirnod yw {reference}. {nextStep}',
  'texts.formAck.smsLink': " I weld ble mae pethau arni, ychwanegu ato neu ei dynnu'n ôl: {link}",

  'texts.email.subject': '{office}: eich ymholiad {reference}',
  'texts.email.ackThanks': '{office}: diolch am eich ymholiad.',
  'texts.email.ackReference': 'Eich cyfeirnod yw {reference}. {nextStep}',
  'texts.email.ackReply': "I ychwanegu at eich ymholiad, atebwch yr e-bost hwn gan gadw'r cyfeirnod ym mhwnc y neges.",
  'texts.email.ackStatus': "I weld ble mae pethau arni, newid eich terfyn amser neu dynnu'r ymholiad yn ôl: {link}",
  'texts.email.ackAutomatic': 'Neges gydnabod awtomatig yw hon.',

  'texts.update.released': '{office}: rydym wedi ateb eich ymholiad {reference}. Darllenwch yr ateb: {link}',
  'texts.update.withdrawn':
    '{office}: rydym wedi tynnu eich ymholiad {reference} yn ôl, fel y gofynnoch. Ni fydd dim byd pellach yn digwydd iddo. {link}',
  'texts.update.closed': "{office}: mae eich ymholiad {reference} wedi'i gau bellach. {link}",

  'texts.merge.combined':
    '{office}: mae eich ymholiadau {from} a {into} am yr un peth, felly rydym wedi eu cyfuno. Byddwn yn ateb o dan {into}. {link}',
  'texts.merge.handledWith':
    '{office}: mae eich ymholiad {from} am bwnc rydym eisoes yn delio ag ef, felly rydym yn ei drin o dan y cyfeirnod {into}. Mae eich dolen statws yn dal i weithio: {link}',
  'texts.merge.split':
    '{office}: rydym yn trin eich cwestiwn newydd ("{subject}") fel ymholiad ar wahân, cyfeirnod {fresh}, er mwyn iddo gael ei ateb ei hun. Mae eich ymholiad {reference} yn parhau fel o\'r blaen. {link}',
} as const satisfies Record<keyof typeof en, string>;

/** The texts-and-email area of the catalogue. */
export const texts = { en, cy } satisfies { en: Record<keyof typeof en, string>; cy: Record<keyof typeof en, string> };
