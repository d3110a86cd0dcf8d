// The demo data of `reclaim-server --demo` (README, "Demo accounts") and the
// demo mail outbox, for tests that walk the wizard against the real server.
import { createHmac } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';

export const PASSWORD = 'reclaim-demo-pass';
export const ALICE_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** alice's current set: the first is burned; each test takes its own. */
export const ALICE_CODES = [
  '0f3a9c2d7b1e4a86', '5c8e1f0b3d7a9e24', 'a71b2c3d4e5f6089', '9e8d7c6b5a4f3e21',
  '37c1e9a0b4d2f865', 'd4e5f6a7b8c9d0e1', '6b2f8a1c9e3d7054', 'e07f3b9a2c5d1846',
];
/** alice's older, regenerated set: every code answers "Invalid recovery code." */
export const ALICE_OLD_CODES = ['1d4f7a2c9e0b3856', 'b83e6d1f0a9c4275', '4c0a9e7d3b1f6e28'];
export const API_TOKEN = 'pypi-AgEIcHlwaS5vcmcCJGQ4ZDA5ZmQ5LWQ1YjItNDFkNy1iYjU0';

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (SHA1, 6 digits, 30 s) at `offsetSteps` steps from now. */
export function totp(secret: string, offsetSteps = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + offsetSteps;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

export type Mail = { to: string; subject: string; body: string };

/** Mails the demo server sent to `to`, newest first. */
export async function outbox(request: APIRequestContext, to: string): Promise<Mail[]> {
  const response = await request.get(`/api/v1/demo/outbox?to=${encodeURIComponent(to)}`);
  return (await response.json()).mails;
}

/** The newest mail to `to` whose body matches `pattern`, waiting for it. */
export async function newestMatch(request: APIRequestContext, to: string, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 50; i++) {
    for (const mail of await outbox(request, to)) {
      const m = mail.body.match(pattern);
      if (m) return m;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to} matching ${pattern}`);
}
