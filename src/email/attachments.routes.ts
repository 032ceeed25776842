import { Hono } from 'hono';
import type { Db } from '../db/database.js';
import type { DeskEnv } from '../desk/auth.middleware.js';
import { AppError } from '../http/errors.js';
import { findDownloadableAttachment } from './email.repository.js';

/** A file name safe inside a quoted header parameter: no quotes, backslashes, controls or path parts. */
function asciiName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f"\\/;]/g, '_').replace(/[^\x20-\x7e]/g, '_').slice(0, 150) || 'attachment';
}

/** Types a browser runs as a page (scripts included): served as plain bytes whatever the email said. */
const ACTIVE = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript)$/i;

/** A MIME type as sent, if it looks like one and is not active content; anything else is served as bytes. */
function safeType(contentType: string): string {
  const ok = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(contentType) && !ACTIVE.test(contentType);
  return ok ? contentType.toLowerCase() : 'application/octet-stream';
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
    if (!/^[1-9]\d{0,17}$/.test(id)) throw new AppError('not_found', 'No such attachment');
    const a = await findDownloadableAttachment(deps.db, id);
    if (!a?.content) throw new AppError('not_found', 'No such attachment');
    const name = a.filename || `${a.reference}-attachment-${a.id}`;
    return c.body(new Uint8Array(a.content), 200, {
      'Content-Type': safeType(a.content_type),
      'Content-Disposition': `attachment; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Content-Length': String(a.content.length),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'private, no-store',
    });
  });
  return app;
}
