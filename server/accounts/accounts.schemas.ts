import { z } from 'zod';
import { locales } from '../config.ts';
import { passwordMaxLength } from './passwords.ts';
import { singleLine } from '../validation.ts';

// Letters, digits and underscore: the same rule Mastodon and Lemmy use, so names federate unchanged.
export const username = z
  .string()
  .trim()
  .min(3, 'errors.username.tooShort')
  .max(30, 'errors.username.tooLong')
  .regex(/^[A-Za-z0-9_]+$/, 'errors.username.characters');

export const displayName = singleLine(z.string().trim().max(50, 'errors.displayName.tooLong'), 'errors.singleLine', false);

export const email = z
  .string()
  .trim()
  .max(254, 'errors.email.invalid')
  .refine((value) => value === '' || z.email().safeParse(value).success, 'errors.email.invalid');

export const password = z.string().max(passwordMaxLength, 'errors.password.tooLong');

export const registration = z.object({
  username,
  displayName,
  email,
  password,
  acceptRules: z.literal('on', 'errors.rules.required'),
});
export type RegistrationInput = z.infer<typeof registration>;

export const profile = z.object({
  displayName,
  bio: z.string().trim().max(500, 'errors.bio.tooLong'),
  email,
  locale: z.enum(['', ...locales], 'errors.locale.invalid'),
});
export type ProfileInput = z.infer<typeof profile>;
