import { describe, expect, it } from 'vitest';
import { addressKey } from '../../../src/http/client-ip.js';

describe('addressKey: what per-address limits count', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::abcd', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8::1:0:0:1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['[2001:db8:1:2::7]', '2001:db8:1:2::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
    ['not-an-address', 'not-an-address'],
  ])('%s → %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('gives every address of one /64 the same key, and the next /64 another', () => {
    const keys = new Set(
      [
        '2001:db8:aa:bb::1',
        '2001:db8:aa:bb:1::',
        '2001:db8:aa:bb:dead:beef:0:1',
        '2001:db8:aa:bb:ffff:ffff:ffff:ffff',
      ].map(addressKey),
    );
    expect(keys.size).toBe(1);
    expect(addressKey('2001:db8:aa:bc::1')).not.toBe([...keys][0]);
  });
});
