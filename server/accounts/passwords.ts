import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// OWASP's scrypt minimum (N=2^17, r=8, p=1); the cost is stored with each hash so it can be raised later.
const cost = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 } satisfies ScryptOptions;
const keyLength = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$') ?? [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    // Spend the same time as a real check, so timing does not tell which usernames exist.
    await derive(password, randomBytes(16), cost);
    return false;
  }
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: cost.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Readable but unguessable: for generated passwords printed by the command line. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

export const passwordMinLength = 10;
export const passwordMaxLength = 200;

// Length rules only, no composition rules (WCAG 3.3.8, NIST 800-63B), plus the passwords people try first.
const common = new Set([
  '1234567890', '12345678910', '0123456789', 'qwertyuiop', 'salasana123', 'salasana1234', 'password123', 'password1234',
  'passwordpassword', 'qwerty12345', 'qwerty123456', '1q2w3e4r5t', 'iloveyou123', 'aaaaaaaaaa', 'abcdefghij',
  'abc1234567', 'lösenord123', 'kodeord1234', 'adgangskode', 'letmein123', 'welcome123', 'tervetuloa', 'kohtaamo123',
]);

export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'containsUsername';

export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if (password.length < passwordMinLength) return 'tooShort';
  if (password.length > passwordMaxLength) return 'tooLong';
  const lower = password.toLowerCase();
  if (common.has(lower) || /^(.)\1+$/.test(lower)) return 'common';
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'containsUsername';
  return null;
}
