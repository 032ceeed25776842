/**
 * The journalist's web journey (issue 31): the public form, its errors, the confirmation, the
 * status page and its forms. English defines the keys; Welsh must have every one. The Welsh is
 * written for a journalist reading it, not word for word from the English.
 */
const en = {
  // The page shell
  'web.skipLink': 'Skip to main content',
  'web.footer': '{office} · media enquiries',
  'web.errorTitle': 'Error: {title}',
  'web.problem': 'There is a problem',
  'web.errorPrefix': 'Error:',
  'web.notFoundTitle': 'Page not found',
  'web.backToForm': 'Go to the enquiry form',

  // The form
  'web.form.title': 'Send a media enquiry',
  'web.form.lead': 'For journalists. You will get a reference straight away and we will tell you what happens next.',
  'web.form.name': 'Your name',
  'web.form.outlet': 'News outlet',
  'web.form.outletHint': 'The publication or programme, or “freelance”.',
  'web.form.email': 'Email address',
  'web.form.emailHint': 'Give an email address, a phone number or both.',
  'web.form.phone': 'Phone number',
  'web.form.phoneHint': 'For example 07911 123456. We use it to text or call you back.',
  'web.form.subject': 'Subject',
  'web.form.details': 'Details of your enquiry',
  'web.form.detailsHint': 'What you want to know, and any questions you would like answered.',
  'web.form.deadline': 'Your deadline (optional)',
  'web.form.deadlineHint': 'UK time. For example 2026-12-29T14:30.',
  'web.form.urgent': 'This is urgent',
  'web.form.honeypot': 'Leave this field empty',
  'web.form.submit': 'Send enquiry',
  'web.form.open': 'The press office is open now.',
  'web.form.openUntil': 'The press office is open now until {time}.',
  'web.form.closed': 'The press office is closed.',
  'web.form.closedUntil': 'The press office is closed until {time}.',
  'web.form.urgentPaged': 'Urgent enquiries still reach the on-call press officer.',
  'web.form.urgentCall': 'For anything urgent, call the out-of-hours line on {phone}.',
  'web.form.urgentHintPaged': 'Out of hours, an urgent enquiry alerts the on-call press officer straight away.',
  'web.form.urgentHintCall': 'Out of hours, for anything urgent, also call the out-of-hours line on {phone}.',

  // The form's errors, by problem (the field's own words where it has them)
  'web.error.required':
    '{field, select, name {Enter your name} outlet {Enter the news outlet you work for, or "freelance"} subject {Enter a subject} details {Enter the details of your enquiry} other {Enter {label}}}',
  'web.error.tooLong': '{label} must be {max} characters or fewer',
  'web.error.notText': '{label} must be text',
  'web.error.invalid': '{label} is not valid',
  'web.error.email': 'Enter an email address in the correct format, like name@example.com',
  'web.error.phone': 'Enter a phone number, like 07911 123456 or +44 7911 123456',
  'web.error.phoneRefused': 'We cannot call or text this number back. Give another phone number or an email address.',
  'web.error.contact': 'Enter an email address or a phone number so we can reply to you',
  'web.error.deadlineFormat': 'Enter the deadline as a date and time, like 2026-12-29T14:30, or leave it blank',
  'web.error.deadlinePast': 'Deadline must be in the future',
  'web.error.deadlineFar': 'Deadline must be within the next year',
  'web.error.honeypot': 'Leave the field headed “Leave this field empty” empty',
  'web.error.tooMuch': 'What you want to add must be {max} characters or fewer',
  'web.error.information': 'Enter what you want to add',
  'web.error.confirmWithdraw': 'Tick the box to confirm you want to withdraw your enquiry',

  // The confirmation
  'web.confirm.title': 'Enquiry received',
  'web.confirm.reference': 'Your reference',
  'web.confirm.next': 'What happens next',
  'web.confirm.follow': 'Follow your enquiry',
  'web.confirm.followText':
    'This link shows where your enquiry stands. From it you can add information, change your deadline or withdraw the enquiry. Keep it: anyone with the link can see the enquiry.',
  'web.confirm.acknowledged': 'We’ve also sent this to {to}.',
  'web.confirm.quote': 'Quote your reference if you contact the press office about this enquiry.',
  'web.confirm.another': 'Send another enquiry',

  // The status page
  'web.status.title': 'Your enquiry {reference}',
  'web.status.yourEnquiry': 'Your enquiry',
  'web.status.received':
    'Received {when} {channel, select, web {through the web form} api {online} sms {by text message} voice {by phone} other {by email}}.',
  'web.status.combined':
    'Your enquiry {from} was combined with {into}, as they are about the same thing. This page shows {into}: where it stands is where yours stands.',
  'web.status.whereItStands': 'Where it stands: ',
  'web.status.urgent': 'Urgent',
  'web.status.received.title': 'Received',
  'web.status.received.text':
    'Your enquiry has reached the press office. The next available press officer will pick it up.',
  'web.status.withOfficer.title': 'With a press officer',
  'web.status.withOfficer.text':
    '{officer, select, none {A press officer} other {{officer}, a press officer,}} is working on your enquiry.',
  'web.status.waiting.title': 'Waiting for you',
  'web.status.waiting.text':
    'The press office has asked you for something and is waiting for your answer. You can reply to their message or add it below.',
  'web.status.answered.title': 'Answered',
  'web.status.answered.text': 'The press office has answered your enquiry. The response is below.',
  'web.status.answered.elsewhere':
    'The press office has answered your enquiry, by the way you contacted them or by phone.',
  'web.status.closed.title': 'Closed',
  'web.status.closed.text': 'The press office has closed this enquiry. For anything new, send a new enquiry.',
  'web.status.withdrawn.title': 'Withdrawn',
  'web.status.withdrawn.text': 'You withdrew this enquiry, so nothing more will happen with it.',
  'web.status.foi.title': 'Closed: referred to Freedom of Information',
  'web.status.foi.text':
    'Your enquiry asks for information the office holds rather than for comment, so please make it as a Freedom of Information request. The press office has closed it here.',
  'web.status.other.title': 'Closed: referred to {org}',
  'web.status.other.text':
    'Your enquiry is a matter for {org}, so please contact them directly. The press office has closed it here.',
  'web.status.other.someone': 'another organisation',
  'web.status.notMedia.title': 'Closed: not a media enquiry',
  'web.status.notMedia.text':
    'The press office answers enquiries from the media only, so it has closed this one. For anything else, please use the contact details on the website.',
  'web.status.facts': 'We are checking the facts with colleagues before we answer.',
  'web.status.yourReason': 'Your reason: {reason}',
  'web.status.deadline': 'Your deadline',
  'web.status.noDeadlineGiven': 'None given',
  'web.status.respondBy': 'We aim to respond by',
  'web.status.office': 'The press office',
  'web.status.officeOpen': 'is open now.',
  'web.status.officeOpenUntil': 'is open now until {time}.',
  'web.status.officeClosed': 'is closed.',
  'web.status.officeClosedUntil': 'is closed until {time}.',
  'web.status.response': 'The press office’s response',
  'web.status.additions': 'What you added',
  'web.status.add.title': 'Add information',
  'web.status.add.label': 'What you want to add',
  'web.status.add.hint':
    'For example a new question, more detail, or a way to reach you. The press officer sees it with your enquiry.',
  'web.status.add.button': 'Add information',
  'web.status.deadline.title': 'Change your deadline',
  'web.status.deadline.now': 'Your deadline now: {time}.',
  'web.status.deadline.none': 'You have not given a deadline.',
  'web.status.deadline.label': 'Your new deadline',
  'web.status.deadline.hint': 'UK time. For example 2026-12-29T14:30. Leave it blank to remove your deadline.',
  'web.status.deadline.button': 'Change deadline',
  'web.status.withdraw.title': 'Withdraw your enquiry',
  'web.status.withdraw.text':
    'If you no longer need an answer, withdraw it. The press office stops work on it, and it cannot be opened again.',
  'web.status.withdraw.reason': 'Why you no longer need it (optional)',
  'web.status.withdraw.confirm': 'Yes, withdraw this enquiry. I no longer need a response.',
  'web.status.withdraw.button': 'Withdraw enquiry',
  'web.status.updates.title': 'Messages about this enquiry',
  'web.status.updates.off':
    'You have turned these messages off. We will not {medium, select, text {text} other {email}} you when it is {changes, select, closed {closed} other {answered or closed}}.',
  'web.status.updates.on':
    'We will {medium, select, text {text} other {email}} you when it is {changes, select, closed {closed} other {answered or closed}}, with a link to this page.',
  'web.status.updates.turnOn': 'Turn messages back on',
  'web.status.updates.turnOff': 'Turn these messages off',
  'web.status.keep':
    'Keep this link private: anyone with it can see {canChange, select, yes {and change } other {}}this enquiry. Quote your reference if you contact the press office.',
  'web.status.done.add': 'Thank you. What you added is now with your enquiry, and the press office can see it.',
  'web.status.done.deadline': 'Your deadline is changed.',
  'web.status.done.deadlineRemoved': 'Your deadline is removed.',
  'web.status.done.withdraw': 'Your enquiry is withdrawn. Nothing more will happen with it.',
  'web.status.done.updatesOff': 'Messages about this enquiry are turned off.',
  'web.status.done.updatesOn': 'Messages about this enquiry are turned on.',
  'web.status.gone.title': 'This link does not work',
  'web.status.gone.text':
    'This link does not work. It may have expired: a link stops working {days} days after its enquiry is closed. It may also have been copied only in part.',
  'web.status.gone.reach': 'How to reach the press office',
  'web.status.gone.form': 'Send an enquiry using the form',
  'web.status.gone.quote': '. If it is about an enquiry you sent before, quote its reference (it starts with PD-).',
} as const;

const cy = {
  'web.skipLink': 'Neidio i’r prif gynnwys',
  'web.footer': '{office} · ymholiadau gan y cyfryngau',
  'web.errorTitle': 'Gwall: {title}',
  'web.problem': 'Mae problem',
  'web.errorPrefix': 'Gwall:',
  'web.notFoundTitle': 'Heb ddod o hyd i’r dudalen',
  'web.backToForm': 'Mynd i’r ffurflen ymholiad',

  'web.form.title': 'Anfon ymholiad gan y cyfryngau',
  'web.form.lead':
    'Ar gyfer newyddiadurwyr. Cewch gyfeirnod yn syth, a byddwn yn dweud wrthych beth fydd yn digwydd nesaf.',
  'web.form.name': 'Eich enw',
  'web.form.outlet': 'Cyfrwng newyddion',
  'web.form.outletHint': 'Y cyhoeddiad neu’r rhaglen, neu “llawrydd”.',
  'web.form.email': 'Cyfeiriad e-bost',
  'web.form.emailHint': 'Rhowch gyfeiriad e-bost, rhif ffôn neu’r ddau.',
  'web.form.phone': 'Rhif ffôn',
  'web.form.phoneHint':
    'Er enghraifft 07911 123456. Byddwn yn ei ddefnyddio i anfon neges destun atoch neu i’ch ffonio’n ôl.',
  'web.form.subject': 'Pwnc',
  'web.form.details': 'Manylion eich ymholiad',
  'web.form.detailsHint': 'Beth rydych chi eisiau ei wybod, ac unrhyw gwestiynau yr hoffech gael ateb iddynt.',
  'web.form.deadline': 'Eich terfyn amser (dewisol)',
  'web.form.deadlineHint': 'Amser y DU. Er enghraifft 2026-12-29T14:30.',
  'web.form.urgent': 'Mae hyn yn fater brys',
  'web.form.honeypot': 'Gadewch y maes hwn yn wag',
  'web.form.submit': 'Anfon yr ymholiad',
  'web.form.open': 'Mae swyddfa’r wasg ar agor nawr.',
  'web.form.openUntil': 'Mae swyddfa’r wasg ar agor nawr tan {time}.',
  'web.form.closed': 'Mae swyddfa’r wasg ar gau.',
  'web.form.closedUntil': 'Mae swyddfa’r wasg ar gau tan {time}.',
  'web.form.urgentPaged': 'Bydd ymholiadau brys yn dal i gyrraedd swyddog y wasg sydd ar alwad.',
  'web.form.urgentCall': 'Os yw’n fater brys, ffoniwch y llinell y tu allan i oriau ar {phone}.',
  'web.form.urgentHintPaged':
    'Y tu allan i oriau swyddfa, bydd ymholiad brys yn rhybuddio swyddog y wasg sydd ar alwad ar unwaith.',
  'web.form.urgentHintCall':
    'Y tu allan i oriau swyddfa, os yw’n fater brys, ffoniwch hefyd y llinell y tu allan i oriau ar {phone}.',

  'web.error.required':
    '{field, select, name {Rhowch eich enw} outlet {Rhowch enw’r cyfrwng newyddion rydych chi’n gweithio iddo, neu “llawrydd”} subject {Rhowch bwnc} details {Rhowch fanylion eich ymholiad} other {Llenwch y maes “{label}”}}',
  'web.error.tooLong': 'Mae’r maes “{label}” yn rhy hir: {max} nod ar y mwyaf',
  'web.error.notText': 'Rhaid i’r maes “{label}” fod yn destun',
  'web.error.invalid': 'Nid yw’r maes “{label}” yn gywir',
  'web.error.email': 'Rhowch gyfeiriad e-bost yn y ffurf gywir, fel enw@enghraifft.com',
  'web.error.phone': 'Rhowch rif ffôn, fel 07911 123456 neu +44 7911 123456',
  'web.error.phoneRefused':
    'Ni allwn ffonio’r rhif hwn yn ôl nac anfon neges destun ato. Rhowch rif ffôn arall neu gyfeiriad e-bost.',
  'web.error.contact': 'Rhowch gyfeiriad e-bost neu rif ffôn er mwyn i ni allu eich ateb',
  'web.error.deadlineFormat':
    'Rhowch y terfyn amser fel dyddiad ac amser, fel 2026-12-29T14:30, neu gadewch y maes yn wag',
  'web.error.deadlinePast': 'Rhaid i’r terfyn amser fod yn y dyfodol',
  'web.error.deadlineFar': 'Rhaid i’r terfyn amser fod o fewn y flwyddyn nesaf',
  'web.error.honeypot': 'Gadewch y maes “Gadewch y maes hwn yn wag” yn wag',
  'web.error.tooMuch': 'Mae’r hyn rydych chi eisiau ei ychwanegu yn rhy hir: {max} nod ar y mwyaf',
  'web.error.information': 'Rhowch yr hyn rydych chi eisiau ei ychwanegu',
  'web.error.confirmWithdraw': 'Ticiwch y blwch i gadarnhau eich bod eisiau tynnu’ch ymholiad yn ôl',

  'web.confirm.title': 'Mae’ch ymholiad wedi cyrraedd',
  'web.confirm.reference': 'Eich cyfeirnod',
  'web.confirm.next': 'Beth sy’n digwydd nesaf',
  'web.confirm.follow': 'Dilyn eich ymholiad',
  'web.confirm.followText':
    'Mae’r ddolen hon yn dangos ble mae’ch ymholiad arni. Drwyddi gallwch ychwanegu gwybodaeth, newid eich terfyn amser neu dynnu’r ymholiad yn ôl. Cadwch hi’n ddiogel: gall unrhyw un sydd â’r ddolen weld yr ymholiad.',
  'web.confirm.acknowledged': 'Rydym ni hefyd wedi anfon hwn at {to}.',
  'web.confirm.quote': 'Rhowch eich cyfeirnod os byddwch yn cysylltu â swyddfa’r wasg am yr ymholiad hwn.',
  'web.confirm.another': 'Anfon ymholiad arall',

  'web.status.title': 'Eich ymholiad {reference}',
  'web.status.yourEnquiry': 'Eich ymholiad',
  'web.status.received':
    'Daeth i law {when} {channel, select, web {drwy’r ffurflen ar y we} api {ar-lein} sms {drwy neges destun} voice {dros y ffôn} other {drwy e-bost}}.',
  'web.status.combined':
    'Mae’ch ymholiad {from} wedi’i gyfuno â {into}, gan eu bod am yr un peth. Mae’r dudalen hon yn dangos {into}: mae’ch ymholiad chi yn yr un man.',
  'web.status.whereItStands': 'Ble mae arni: ',
  'web.status.urgent': 'Brys',
  'web.status.received.title': 'Wedi cyrraedd',
  'web.status.received.text':
    'Mae’ch ymholiad wedi cyrraedd swyddfa’r wasg. Bydd y swyddog y wasg nesaf sydd ar gael yn ei gymryd.',
  'web.status.withOfficer.title': 'Gyda swyddog y wasg',
  'web.status.withOfficer.text':
    '{officer, select, none {Mae swyddog y wasg} other {Mae {officer}, swyddog y wasg,}} yn gweithio ar eich ymholiad.',
  'web.status.waiting.title': 'Yn aros amdanoch chi',
  'web.status.waiting.text':
    'Mae swyddfa’r wasg wedi gofyn i chi am rywbeth ac yn aros am eich ateb. Gallwch ateb eu neges neu ei ychwanegu isod.',
  'web.status.answered.title': 'Wedi’i ateb',
  'web.status.answered.text': 'Mae swyddfa’r wasg wedi ateb eich ymholiad. Mae’r ymateb isod.',
  'web.status.answered.elsewhere':
    'Mae swyddfa’r wasg wedi ateb eich ymholiad, yn yr un ffordd ag y cysylltoch chi neu dros y ffôn.',
  'web.status.closed.title': 'Wedi’i gau',
  'web.status.closed.text':
    'Mae swyddfa’r wasg wedi cau’r ymholiad hwn. Am unrhyw beth newydd, anfonwch ymholiad newydd.',
  'web.status.withdrawn.title': 'Wedi’i dynnu’n ôl',
  'web.status.withdrawn.text': 'Rydych chi wedi tynnu’r ymholiad hwn yn ôl, felly ni fydd dim mwy yn digwydd iddo.',
  'web.status.foi.title': 'Wedi’i gau: cais Rhyddid Gwybodaeth',
  'web.status.foi.text':
    'Mae’ch ymholiad yn gofyn am wybodaeth sydd gan y sefydliad, yn hytrach nag am sylw, felly gwnewch gais Rhyddid Gwybodaeth amdani. Mae swyddfa’r wasg wedi’i gau yma.',
  'web.status.other.title': 'Wedi’i gau: wedi’i gyfeirio at {org}',
  'web.status.other.text':
    'Mater i {org} yw’ch ymholiad, felly cysylltwch â nhw’n uniongyrchol. Mae swyddfa’r wasg wedi’i gau yma.',
  'web.status.other.someone': 'sefydliad arall',
  'web.status.notMedia.title': 'Wedi’i gau: nid ymholiad gan y cyfryngau',
  'web.status.notMedia.text':
    'Dim ond ymholiadau gan y cyfryngau y mae swyddfa’r wasg yn eu hateb, felly mae wedi cau’r un hwn. Am unrhyw beth arall, defnyddiwch y manylion cyswllt ar y wefan.',
  'web.status.facts': 'Rydym ni’n gwirio’r ffeithiau gyda chydweithwyr cyn ateb.',
  'web.status.yourReason': 'Eich rheswm: {reason}',
  'web.status.deadline': 'Eich terfyn amser',
  'web.status.noDeadlineGiven': 'Dim un wedi’i roi',
  'web.status.respondBy': 'Ein nod yw ymateb erbyn',
  'web.status.office': 'Swyddfa’r wasg',
  'web.status.officeOpen': 'ar agor nawr.',
  'web.status.officeOpenUntil': 'ar agor nawr tan {time}.',
  'web.status.officeClosed': 'ar gau.',
  'web.status.officeClosedUntil': 'ar gau tan {time}.',
  'web.status.response': 'Ymateb swyddfa’r wasg',
  'web.status.additions': 'Yr hyn rydych chi wedi’i ychwanegu',
  'web.status.add.title': 'Ychwanegu gwybodaeth',
  'web.status.add.label': 'Beth rydych chi eisiau ei ychwanegu',
  'web.status.add.hint':
    'Er enghraifft cwestiwn newydd, rhagor o fanylion, neu ffordd o gysylltu â chi. Bydd swyddog y wasg yn ei weld gyda’ch ymholiad.',
  'web.status.add.button': 'Ychwanegu gwybodaeth',
  'web.status.deadline.title': 'Newid eich terfyn amser',
  'web.status.deadline.now': 'Eich terfyn amser nawr: {time}.',
  'web.status.deadline.none': 'Nid ydych chi wedi rhoi terfyn amser.',
  'web.status.deadline.label': 'Eich terfyn amser newydd',
  'web.status.deadline.hint':
    'Amser y DU. Er enghraifft 2026-12-29T14:30. Gadewch y maes yn wag i ddileu’ch terfyn amser.',
  'web.status.deadline.button': 'Newid y terfyn amser',
  'web.status.withdraw.title': 'Tynnu’ch ymholiad yn ôl',
  'web.status.withdraw.text':
    'Os nad oes angen ateb arnoch mwyach, tynnwch yr ymholiad yn ôl. Bydd swyddfa’r wasg yn rhoi’r gorau i weithio arno, ac ni ellir ei agor eto.',
  'web.status.withdraw.reason': 'Pam nad oes ei angen arnoch mwyach (dewisol)',
  'web.status.withdraw.confirm': 'Ydw, rwyf eisiau tynnu’r ymholiad hwn yn ôl. Nid oes angen ymateb arnaf mwyach.',
  'web.status.withdraw.button': 'Tynnu’r ymholiad yn ôl',
  'web.status.updates.title': 'Negeseuon am yr ymholiad hwn',
  'web.status.updates.off':
    'Rydych chi wedi diffodd y negeseuon hyn. Ni fyddwn yn anfon {medium, select, text {neges destun} other {e-bost}} atoch pan fydd wedi’i {changes, select, closed {gau} other {ateb neu ei gau}}.',
  'web.status.updates.on':
    'Byddwn yn anfon {medium, select, text {neges destun} other {e-bost}} atoch pan fydd wedi’i {changes, select, closed {gau} other {ateb neu ei gau}}, gyda dolen i’r dudalen hon.',
  'web.status.updates.turnOn': 'Troi’r negeseuon yn ôl ymlaen',
  'web.status.updates.turnOff': 'Diffodd y negeseuon hyn',
  'web.status.keep':
    'Cadwch y ddolen hon yn breifat: gall unrhyw un sydd â hi weld {canChange, select, yes {a newid } other {}}yr ymholiad hwn. Rhowch eich cyfeirnod os byddwch yn cysylltu â swyddfa’r wasg.',
  'web.status.done.add': 'Diolch. Mae’r hyn a ychwanegoch chi bellach gyda’ch ymholiad, a gall swyddfa’r wasg ei weld.',
  'web.status.done.deadline': 'Mae’ch terfyn amser wedi newid.',
  'web.status.done.deadlineRemoved': 'Mae’ch terfyn amser wedi’i ddileu.',
  'web.status.done.withdraw': 'Mae’ch ymholiad wedi’i dynnu’n ôl. Ni fydd dim mwy yn digwydd iddo.',
  'web.status.done.updatesOff': 'Mae’r negeseuon am yr ymholiad hwn wedi’u diffodd.',
  'web.status.done.updatesOn': 'Mae’r negeseuon am yr ymholiad hwn wedi’u troi ymlaen.',
  'web.status.gone.title': 'Nid yw’r ddolen hon yn gweithio',
  'web.status.gone.text':
    'Nid yw’r ddolen hon yn gweithio. Efallai ei bod wedi dod i ben: mae dolen yn peidio â gweithio {days} diwrnod ar ôl cau ei hymholiad. Efallai hefyd mai dim ond rhan ohoni a gopïwyd.',
  'web.status.gone.reach': 'Sut i gysylltu â swyddfa’r wasg',
  'web.status.gone.form': 'Anfonwch ymholiad drwy’r ffurflen',
  'web.status.gone.quote':
    '. Os yw am ymholiad a anfonoch chi o’r blaen, rhowch ei gyfeirnod (mae’n dechrau gyda PD-).',
} as const satisfies Record<keyof typeof en, string>;

/** The web journey's area of the catalogue. */
export const web = { en, cy } satisfies { en: Record<keyof typeof en, string>; cy: Record<keyof typeof en, string> };
