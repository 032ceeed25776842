/**
 * What @hono/node-server puts in `c.env` for a request from `address`. app.request() has no
 * socket, so without this every in-process request had no address at all and shared one
 * rate-limit bucket (the per-IP sign-in limit had to be lifted for the tests).
 */
export function clientEnv(address: string): unknown {
  return {
    incoming: {
      socket: { remoteAddress: address, remotePort: 50_000, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' },
    },
  };
}
