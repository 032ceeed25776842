import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's IP address: the TCP peer, or, when `trustProxyHops` > 0 (behind that many
 * proxies we run), the address that many hops from the right of X-Forwarded-For. Never trust the
 * header otherwise: anyone can send it.
 */
export function clientIp(c: Context, trustProxyHops = 0): string {
  if (trustProxyHops > 0) {
    const chain = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const hop = chain[chain.length - trustProxyHops];
    if (hop) return hop;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket; every such request shares one bucket.
    return 'unknown';
  }
}
