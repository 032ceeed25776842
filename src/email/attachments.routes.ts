import { Hono } from 'hono';
import { isRowId } from '../ids.js';
import type { Db } from '../db/database.js';
import type { DeskEnv } from '../web/session.js';
import { AppError } from '../http/errors.js';
import { SANDBOX_CSP } from '../http/sandbox.js';
import { findDownloadableAttachment } from './email.repository.js';

/** A file name safe inside a quoted header parameter: no quotes, backslashes, controls or path parts. */
function asciiName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return (
    name
      .replace(/[\u0000-\u001f\u007f"\\/;]/g, '_')
      .replace(/[^\x20-\x7e]/g, '_')
      .slice(0, 150) || 'attachment'
  );
}

/** Text types a browser shows as text, never runs: every other `text/*` is served as bytes. */
const PLAIN_TEXT = new Set(['text/plain', 'text/csv', 'text/calendar', 'text/vcard']);

/**
 * True when a browser could run the type as a page or a script: HTML and XHTML, SVG, any XML
 * (XSLT and an XHTML namespace inside XML both run script), JavaScript and ECMAScript under any
 * name, and containers a browser may open as a document (message/*, multipart/*). A list of
 * what is plain, not of what is known bad, for text: browsers keep adding text types they render.
 */
function runnable(type: string, subtype: string): boolean {
  if (type === 'text') return !PLAIN_TEXT.has(`${type}/${subtype}`);
  if (type === 'message' || type === 'multipart') return true;
  return /html|xml|xsl|svg|script/.test(subtype);
}

/** The type an attachment is served as: the one sent when well formed and not runnable, else plain bytes. */
function safeType(contentType: string): string {
  const m = /^([a-z0-9!#$&^_.+-]+)\/([a-z0-9!#$&^_.+-]+)$/i.exec(contentType);
  if (!m) return 'application/octet-stream';
  const [type, subtype] = [m[1].toLowerCase(), m[2].toLowerCase()];
  return runnable(type, subtype) ? 'application/octet-stream' : `${type}/${subtype}`;
}

/**
 * `GET /desk/attachments/:id` (mounted under the desk, so staff only): an attachment of an email
 * as stored. Always a download, never rendered by the browser (an HTML or SVG attachment is the
 * journalist's content, or an attacker's): `Content-Disposition: attachment`, `nosniff`, and a
 * sandboxing Content-Security-Policy in case a browser opens it anyway. Not found for an unknown
 * id, one not stored (too large), or one of an erased enquiry.
 */
export function attachmentRoutes(deps: { db: Db }) {
  const app = new Hono<DeskEnv>();
  app.get('/attachments/:id', async (c) => {
    const id = c.req.param('id');
    if (!isRowId(id)) throw new AppError('not_found', 'No such attachment');
    const a = await findDownloadableAttachment(deps.db, id);
    if (!a?.content) throw new AppError('not_found', 'No such attachment');
    const name = a.filename || `${a.reference}-attachment-${a.id}`;
    return c.body(new Uint8Array(a.content), 200, {
      'Content-Type': safeType(a.content_type),
      'Content-Disposition': `attachment; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Content-Length': String(a.content.length),
      'X-Content-Type-Options': 'nosniff',
      // Kept as it is by the app's security headers (src/app.tsx: they do not overwrite a route's own).
      'Content-Security-Policy': SANDBOX_CSP,
      'Cache-Control': 'private, no-store',
    });
  });
  return app;
}
