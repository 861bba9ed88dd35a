import { asc, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { roles, users } from '../accounts/accounts.tables.ts';
import { createUser, findUserByName, setPassword, signOutEverywhere } from '../accounts/accounts.service.ts';
import { generatePassword, passwordProblem } from '../accounts/passwords.ts';
import { approveMember, isRole, setRole, suspendMember, unsuspendMember } from '../admin/members.service.ts';
import { ensureSettings } from '../admin/setup.service.ts';
import { translator } from '../i18n/i18n.ts';

export type CommandResult = { code: number; out: string; err: string };

export const usage = `Usage: npm run cli -- COMMAND

Commands:
  help                                   show this text
  user create NAME --role ROLE [--email ADDRESS] [--display-name TEXT]
                                         create an active account; the password is read from
                                         standard input, or generated and printed
  user list                              list accounts: username, role, status
  user set-role NAME ROLE                change a role (${roles.join(', ')})
  user reset-password NAME               set a new password (from standard input, or generated
                                         and printed); signs the account out everywhere
  user approve NAME                      approve a member waiting for staff
  user suspend NAME [REASON]             suspend an account and sign it out
  user unsuspend NAME                    lift a suspension
`;

const ok = (out: string): CommandResult => ({ code: 0, out, err: '' });
const failed = (err: string): CommandResult => ({ code: 1, out: '', err });
const misuse = (problem: string): CommandResult => ({ code: 2, out: '', err: `${problem}\n\n${usage}` });

// Command-line messages reuse the English texts of the forms, so both say the same thing.
const en = translator('en');

/** Splits `--name value` options from positional words; an option without a value is a misuse. */
function parseOptions(words: string[]): { positional: string[]; options: Map<string, string> } | string {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const value = words[i + 1];
    if (value === undefined || value.startsWith('--')) return `The option ${word} needs a value.`;
    options.set(word.slice(2), value);
    i++;
  }
  return { positional, options };
}

/** Runs one command against a database. Used directly, or inside a running node through its socket. */
export async function runCommand(db: Db, args: string[], stdin: string): Promise<CommandResult> {
  const [group, action, ...rest] = args;
  if (group === undefined || group === 'help' || group === '--help') return group ? ok(usage) : misuse('No command given.');
  if (group !== 'user') return misuse(`Unknown command "${group}".`);
  const parsed = parseOptions(rest);
  if (typeof parsed === 'string') return misuse(parsed);
  const { positional, options } = parsed;
  const name = positional[0];
  const given = stdin.replace(/\r?\n$/, '');
  const password = given || generatePassword();
  const printed = given ? '' : `\npassword: ${password}\n`;

  switch (action) {
    case 'list': {
      if (positional.length) return misuse('user list takes no arguments.');
      const rows = await db.select().from(users).where(ne(users.status, 'deleted')).orderBy(asc(users.username));
      const lines = rows.map((u) => `${u.username.padEnd(30)} ${u.role.padEnd(10)} ${u.status}`);
      return ok(`${'username'.padEnd(30)} ${'role'.padEnd(10)} status\n${lines.join('\n')}\n`);
    }
    case 'create': {
      const role = options.get('role') ?? 'member';
      if (!name || positional.length > 1) return misuse('user create needs exactly one NAME.');
      if (!isRole(role)) return misuse(`Unknown role "${role}": use one of ${roles.join(', ')}.`);
      const created = await createUser(db, { username: name, password, role, email: options.get('email'), displayName: options.get('display-name') });
      if (!created.ok) return failed(Object.values(created.errors).map((key) => en(key)).join('\n'));
      await ensureSettings(db, 'Kohtaamo');
      return ok(`created ${created.user.username} (${role})${printed}`);
    }
    case 'set-role': {
      const role = positional[1];
      if (!name || !role || positional.length > 2) return misuse('user set-role needs NAME and ROLE.');
      if (!isRole(role)) return misuse(`Unknown role "${role}": use one of ${roles.join(', ')}.`);
      const user = await findUserByName(db, name);
      if (!user) return failed(`No account named "${name}".`);
      const result = await setRole(db, user.id, role);
      return result.ok ? ok(`${user.username} is now ${role}\n`) : failed(Object.values(result.errors).map((key) => en(key)).join('\n'));
    }
    case 'reset-password': {
      if (!name || positional.length > 1) return misuse('user reset-password needs exactly one NAME.');
      const user = await findUserByName(db, name);
      if (!user || user.status === 'deleted') return failed(`No account named "${name}".`);
      const problem = passwordProblem(password, user.username);
      if (problem) return failed(en(`errors.password.${problem}`));
      await setPassword(db, user.id, password);
      await signOutEverywhere(db, user.id);
      return ok(`new password set for ${user.username}${printed}`);
    }
    case 'approve':
    case 'suspend':
    case 'unsuspend': {
      if (!name || (action !== 'suspend' && positional.length > 1)) return misuse(`user ${action} needs NAME.`);
      const user = await findUserByName(db, name);
      if (!user || user.status === 'deleted') return failed(`No account named "${name}".`);
      if (action === 'approve') return (await approveMember(db, user.id)) ? ok(`approved ${user.username}\n`) : failed(`${user.username} is not waiting for approval.`);
      if (action === 'unsuspend') return (await unsuspendMember(db, user.id), ok(`${user.username} is active again\n`));
      const result = await suspendMember(db, user.id, positional.slice(1).join(' '));
      return result.ok ? ok(`suspended ${user.username}\n`) : failed(Object.values(result.errors).map((key) => en(key)).join('\n'));
    }
    default:
      return misuse(action ? `Unknown command "user ${action}".` : 'user needs a command.');
  }
}
