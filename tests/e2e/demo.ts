// The demo data of `reclaim-server --demo` and the demo mail outbox, for
// tests that walk the wizard against the real server. The data is the
// fixture `demo/accounts.json`, the one the server seeds from (and the
// contract tests read): nothing of it is copied here.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { APIRequestContext } from '@playwright/test';

type CodeSet = { generated_at: string; codes: string[]; used?: { code: string; at: string }[] };
type Account = {
  username: string;
  email: string;
  email_verified: boolean;
  totp?: { secret: string; since: string };
  recovery_codes?: CodeSet;
  replaced_recovery_codes?: CodeSet[];
};
const fixture: { password: string; accounts: Account[] } = JSON.parse(
  readFileSync(resolve(__dirname, '../../demo/accounts.json'), 'utf8'),
);

function account(username: string): Account {
  const found = fixture.accounts.find((a) => a.username === username);
  if (!found) throw new Error(`demo/accounts.json has no ${username}`);
  return found;
}

const alice = account('alice');

export const PASSWORD = fixture.password;
export const ALICE_SECRET = alice.totp!.secret;
/** alice's current set: the first is burned; each test takes its own. */
export const ALICE_CODES = alice.recovery_codes!.codes;
/** alice's older, regenerated set: every code answers "Invalid recovery code." */
export const ALICE_OLD_CODES = alice.replaced_recovery_codes![0].codes;
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
