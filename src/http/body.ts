/**
 * Request bodies, read once and straight from Node's stream (issue 32).
 *
 * Through @hono/node-server, touching `c.req.raw.body` (as Hono's `bodyLimit` does on every POST)
 * or reading the body with `c.req.text()` builds a full WHATWG `Request` around Node's
 * `IncomingMessage`: an AbortController, a web ReadableStream over the socket, undici's body
 * mixin. The intake profile charged that with about a twentieth of a request's CPU. Here the body
 * is read from the `IncomingMessage` itself (one of declared length only when a handler first asks
 * for it: a guard that answers 429 or 403 first never reads it), and handed to Hono's body cache, so `c.req.text()`,
 * `json()`, `arrayBuffer()`, `formData()` and `parseBody()` all work as before.
 */
import { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './errors.js';

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${maxBytes} bytes`);
}

/**
 * Reads `incoming` to its end, refusing it (payload_too_large) as soon as more than `maxBytes`
 * have arrived: the rest is left unread (the error answer closes the connection), never kept.
 */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    if (incoming.readableEnded || incoming.destroyed) {
      reject(new AppError('bad_request', 'The request body was already read or cut short'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: Error | null) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) {
        incoming.pause();
        reject(err);
        return;
      }
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      resolve(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(tooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = (err: Error) => done(err);
    // The client went away before the end: no body to act on.
    const onClose = () => done(new AppError('bad_request', 'The request body was cut short'));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

const utf8 = new TextDecoder();

/**
 * The body limit of a route class: a declared Content-Length over `maxBytes` is refused at once,
 * before anything is read; a chunked body is read at once and refused as soon as it passes
 * `maxBytes`. Under @hono/node-server a declared body is read when a handler first asks (see the
 * file comment); elsewhere
 * (`app.request()` in tests) Hono's own `bodyLimit` does the same job.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const portable = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return async (c, next) => {
    const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
    if (!(incoming instanceof IncomingMessage)) return portable(c, next);
    const length = c.req.header('content-length');
    const declared = length !== undefined && c.req.header('transfer-encoding') === undefined;
    if (declared && Number.parseInt(length, 10) > maxBytes) throw tooLarge(maxBytes);
    let read: Promise<ArrayBuffer> | undefined;
    const bytes = () => {
      read ??= readIncoming(incoming, maxBytes);
      return read;
    };
    // A body of undeclared length is read now, as Hono's bodyLimit does: one too large is refused
    // (413) before any route looks at it, whatever else is wrong with the request.
    if (!declared) await bytes();
    // Getters, so nothing is read until a handler asks; `text` decodes as undici would (UTF-8, a
    // leading BOM dropped). Only `arrayBuffer` is enumerable: Hono converts from the first
    // enumerable entry when asked for a kind it does not hold (formData, blob).
    const cache = c.req.bodyCache as Record<string, unknown>;
    Object.defineProperty(cache, 'arrayBuffer', { get: bytes, enumerable: true, configurable: true });
    Object.defineProperty(cache, 'text', {
      get: () => bytes().then((b) => utf8.decode(b)),
      enumerable: false,
      configurable: true,
    });
    return next();
  };
}

/** A form body as `parseBody({ all: true })` gives it: a field sent more than once is an array. */
export type FormBody = Record<string, string | File | Array<string | File>>;

/**
 * The form body of a POST: URL-encoded forms (every browser's default) parsed here from the
 * text, multipart ones by Hono. Throws (a TypeError) on a malformed multipart body.
 */
export async function readFormBody(c: Context): Promise<FormBody> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return c.req.parseBody({ all: true });
  const out: FormBody = {};
  for (const [key, value] of new URLSearchParams(await c.req.text())) {
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}
