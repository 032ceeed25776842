/**
 * Work pending beside the seeded enquiries (issue 26), so that the queue page's two lookups per
 * page, "Waiting on <colleague>, due HH:MM" (open colleague questions) and "Awaiting sign-off
 * (N min)" (drafts sent for sign-off), run against rows that are there: a handful of colleagues
 * in the directory, open questions to them and drafts awaiting their sign-off with one pending
 * request per approver, on open enquiries spread over the whole open queue, some on its first
 * page. Made inside PostgreSQL (INSERT … SELECT, one statement each), as `npm run seed` makes the
 * enquiries; timestamps as a working day leaves them: asked or sent minutes to hours ago, some
 * questions past their due time. No jobs are queued for them (a due question's reminder would
 * otherwise send texts in the middle of a measurement).
 */
import pg from 'pg';

/** The colleagues questions and drafts go to (UK drama-range numbers, example.org addresses). */
const COLLEAGUES: Array<{ name: string; role: string; department: string; mobile: string | null; email: string }> = [
  {
    name: 'Insp. Ayesha Khan',
    role: 'Duty inspector',
    department: 'Response policing',
    mobile: '+447700900101',
    email: 'ayesha.khan@force.example.org',
  },
  {
    name: 'DI Mark Rowe',
    role: 'Investigating officer',
    department: 'CID',
    mobile: '+447700900102',
    email: 'mark.rowe@force.example.org',
  },
  {
    name: 'Sgt Owen Price',
    role: 'Custody sergeant',
    department: 'Custody',
    mobile: '+447700900103',
    email: 'owen.price@force.example.org',
  },
  {
    name: 'Ch Supt Helen Ward',
    role: 'Head of operations',
    department: 'Operations',
    mobile: '+447700900104',
    email: 'helen.ward@force.example.org',
  },
  {
    name: 'Nadia Osei',
    role: 'Head of legal services',
    department: 'Legal services',
    mobile: null,
    email: 'nadia.osei@force.example.org',
  },
  {
    name: 'Chris Fenwick',
    role: 'Director of communications',
    department: 'Corporate communications',
    mobile: '+447700900106',
    email: 'chris.fenwick@force.example.org',
  },
];

/** The most of each the bench seeds: the four-digit reply codes stay unique per colleague up to this. */
export const MAX_PENDING = 20_000;

export interface PendingFigures {
  colleagues: number;
  /** Open questions, and the recipients they went to. */
  questions: number;
  questionRecipients: number;
  /** Drafts in state `awaiting`, and their pending sign-off requests. */
  drafts: number;
  signOffRequests: number;
  /** Of them, on the open queue's first page (its first `firstPage` rows in the queue's order). */
  questionsOnFirstPage: number;
  draftsOnFirstPage: number;
  seconds: number;
}

/** The active colleagues, numbered 0…n-1 by id, and n. */
const COLLEAGUES_CTE = `
  col AS (
    SELECT id, name, role, mobile, email, (row_number() OVER (ORDER BY id) - 1)::int AS i, (count(*) OVER ())::int AS n
      FROM colleague WHERE active
  )`;

/** Open enquiries in the default queue's order (due, urgent first, id: as enquiry_open_due_urgent serves it), numbered from 1. */
const OPEN_CTE = `
  open AS (
    SELECT id, received_at, row_number() OVER (ORDER BY coalesce(deadline, respond_by), NOT urgent, id) AS rn,
           count(*) OVER () AS total
      FROM enquiry WHERE status IN ('new', 'in_progress', 'waiting')
  )`;

/**
 * `$1` enquiries of the open queue, numbered k = 0…: of its first `$2` rows (the first page)
 * those with rn % $3 = $4, and the rest evenly over the rows after it, `$5` of a step in.
 */
const PICKED_CTE = `
  step AS (
    SELECT greatest(1, (max(total) - $2) / greatest(1, $1 - $2 / $3)) AS s FROM open
  ),
  picked AS (
    SELECT id AS enquiry_id, received_at, rn, (row_number() OVER (ORDER BY rn) - 1)::int AS k
      FROM open, step
     WHERE (rn <= $2 AND rn % $3 = $4)
        OR (rn > $2 AND (rn - $2 - 1) % step.s = floor(step.s * $5::float8))
     ORDER BY rn
     LIMIT $1
  )`;

/** A recipient's name as the service records it (recipientName in src/colleagues/questions.service.ts). */
const RECIPIENT_NAME = `CASE WHEN c.role = '' THEN c.name ELSE c.name || ' (' || c.role || ')' END`;

/** By text when they have a mobile, except every third (and always by email when they have none). */
const VIA = `CASE WHEN c.mobile IS NOT NULL AND p.k % 3 <> 0 THEN 'sms' ELSE 'email' END`;

/**
 * Questions: one per picked enquiry, asked 5 minutes to 5 hours ago (never before the enquiry
 * came in), due 30 minutes to 4 hours after asking (those whose time has passed marked overdue,
 * as the question_due job does); each to one colleague, every fourth to two. Reply codes: 1000 +
 * k / n for the first recipient, 5000 + k / n for the second, so no two open at one colleague match.
 */
const QUESTIONS_SQL = `
  WITH ${COLLEAGUES_CTE}, ${OPEN_CTE}, ${PICKED_CTE},
  timed AS (
    SELECT p.*, a.asked_at, a.asked_at + (1 + p.k % 8) * interval '30 minutes' AS due_at
      FROM picked p
     CROSS JOIN LATERAL (
       SELECT least(now(), greatest(p.received_at + interval '5 minutes', now() - ((p.k * 37) % 300 + 5) * interval '1 minute')) AS asked_at
     ) a
  ),
  q AS (
    INSERT INTO colleague_question (enquiry_id, asked_by, asked_at, text, due_at, overdue_at)
    SELECT enquiry_id, 'officer' || (k % 4 + 1) || '@press.example', asked_at,
           (ARRAY['Can you confirm how many people were arrested, and whether anyone has been charged?',
                  'Is the road still closed, and when do you expect it to reopen?',
                  'Can we say the death is being treated as unexplained, or is there more we can give?',
                  'Has the family been told, and are we able to name them yet?',
                  'What time did officers arrive, and can we say how long the response took?'])[1 + k % 5],
           due_at, CASE WHEN due_at < now() THEN due_at END
      FROM timed
    RETURNING id, enquiry_id
  )
  INSERT INTO question_recipient (question_id, colleague_id, name, via, address, code, message_id)
  SELECT q.id, c.id, ${RECIPIENT_NAME}, v.via, CASE v.via WHEN 'sms' THEN c.mobile ELSE c.email END,
         ((CASE r.nth WHEN 1 THEN 1000 ELSE 5000 END) + p.k / c.n)::text,
         CASE v.via WHEN 'email' THEN '<question-' || q.id || '-' || r.nth || '@press.example>' END
    FROM q
    JOIN picked p USING (enquiry_id)
   CROSS JOIN (VALUES (1), (2)) AS r(nth)
    JOIN col c ON c.i = (p.k + r.nth - 1) % c.n
   CROSS JOIN LATERAL (SELECT ${VIA} AS via) v
   WHERE r.nth = 1 OR p.k % 4 = 0`;

/**
 * Drafts awaiting sign-off: one per picked enquiry (one draft per enquiry), written 10 to 40
 * minutes before it was sent, sent 3 minutes to 4 hours ago; a pending request to one approver,
 * every third to two, for the exact words (their SHA-256, as wordsHash).
 */
const DRAFTS_SQL = `
  WITH ${COLLEAGUES_CTE}, ${OPEN_CTE}, ${PICKED_CTE},
  timed AS (
    SELECT p.*, s.sent_at,
           (ARRAY['We are aware of the incident and officers are carrying out enquiries. We will share more when we can.',
                  'A 34-year-old man has been arrested on suspicion of burglary and remains in custody. Enquiries continue.',
                  'The road remains closed while collision investigators work at the scene. We thank drivers for their patience.',
                  'We can confirm a referral has been made to the Independent Office for Police Conduct, as is standard.'])[1 + p.k % 4] AS text
      FROM picked p
     CROSS JOIN LATERAL (
       SELECT least(now(), greatest(p.received_at + interval '30 minutes', now() - ((p.k * 53) % 240 + 3) * interval '1 minute')) AS sent_at
     ) s
  ),
  d AS (
    INSERT INTO statement_draft (enquiry_id, text, state, created_by, created_at, updated_at, sent_at)
    SELECT enquiry_id, text, 'awaiting', 'officer' || (k % 4 + 1) || '@press.example',
           greatest(received_at, sent_at - (10 + k % 31) * interval '1 minute'), sent_at, sent_at
      FROM timed
    RETURNING id, enquiry_id, text, sent_at
  )
  INSERT INTO signoff_request (draft_id, colleague_id, name, via, address, code, text_hash, state, sent_at)
  SELECT d.id, c.id, ${RECIPIENT_NAME}, v.via, CASE v.via WHEN 'sms' THEN c.mobile ELSE c.email END,
         ((CASE r.nth WHEN 1 THEN 1000 ELSE 5000 END) + p.k / c.n)::text,
         encode(sha256(convert_to(d.text, 'UTF8')), 'hex'), 'pending', d.sent_at
    FROM d
    JOIN picked p USING (enquiry_id)
   CROSS JOIN (VALUES (1), (2)) AS r(nth)
    JOIN col c ON c.i = (p.k + r.nth + 2) % c.n
   CROSS JOIN LATERAL (SELECT ${VIA} AS via) v
   WHERE r.nth = 1 OR p.k % 3 = 0`;

/**
 * Seeds `questions` open questions and `drafts` drafts awaiting sign-off (fewer when the open
 * queue has fewer rows) into the database at `databaseUrl`, which holds the seeded enquiries;
 * `firstPage` of them (the queue's page size) are the first page's rows. Then ANALYZE, as
 * autovacuum leaves tables in service.
 */
export async function seedPending(
  databaseUrl: string,
  opts: { questions: number; drafts: number; firstPage?: number },
): Promise<PendingFigures> {
  const firstPage = opts.firstPage ?? 50;
  const started = performance.now();
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('BEGIN');
    for (const x of COLLEAGUES)
      await c.query(
        `INSERT INTO colleague (name, role, department, mobile, email, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, now() - interval '200 days', now() - interval '200 days')`,
        [x.name, x.role, x.department, x.mobile, x.email],
      );
    // On the first page: every third row has a question (rows 1, 4, …), every fourth a draft
    // (rows 2, 6, …), so some have both; after it, drafts sit half a step from the questions.
    if (opts.questions > 0) await c.query(QUESTIONS_SQL, [opts.questions, firstPage, 3, 1, 0]);
    if (opts.drafts > 0) await c.query(DRAFTS_SQL, [opts.drafts, firstPage, 4, 2, 0.5]);
    await c.query('COMMIT');
    await c.query('ANALYZE colleague, colleague_question, question_recipient, statement_draft, signoff_request');
    const { rows } = await c.query<Record<keyof Omit<PendingFigures, 'seconds'>, number>>(
      `WITH first AS (
         SELECT id FROM enquiry WHERE status IN ('new', 'in_progress', 'waiting')
          ORDER BY coalesce(deadline, respond_by), NOT urgent, id LIMIT $1
       )
       SELECT (SELECT count(*) FROM colleague WHERE active)::int AS colleagues,
              (SELECT count(*) FROM colleague_question WHERE state = 'open')::int AS questions,
              (SELECT count(*) FROM question_recipient r JOIN colleague_question q ON q.id = r.question_id
                WHERE q.state = 'open')::int AS "questionRecipients",
              (SELECT count(*) FROM statement_draft WHERE state = 'awaiting')::int AS drafts,
              (SELECT count(*) FROM signoff_request WHERE state = 'pending')::int AS "signOffRequests",
              (SELECT count(*) FROM colleague_question WHERE state = 'open' AND enquiry_id IN (SELECT id FROM first))::int
                AS "questionsOnFirstPage",
              (SELECT count(*) FROM statement_draft WHERE state = 'awaiting' AND enquiry_id IN (SELECT id FROM first))::int
                AS "draftsOnFirstPage"`,
      [firstPage],
    );
    return { ...rows[0], seconds: Math.round((performance.now() - started) / 100) / 10 };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
}
