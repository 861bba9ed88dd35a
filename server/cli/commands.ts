import { and, asc, isNull, ne } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { writeBackup } from '../backups/backup-file.ts';
import { listBackups, makeBackup } from '../backups/backups.service.ts';
import { uploadsDir } from '../backups/restore.ts';
import { roles, users, type Role } from '../accounts/accounts.tables.ts';
import { createUser, findUserByName, setPassword, signOutEverywhere } from '../accounts/accounts.service.ts';
import { generatePassword, passwordProblem } from '../accounts/passwords.ts';
import { approveMember, isRole, setRole, suspendMember, unsuspendMember } from '../admin/members.service.ts';
import { ensureSettings } from '../admin/setup.service.ts';
import { translator } from '../i18n/i18n.ts';
import type { FieldErrors } from '../validation.ts';

export type CommandResult = { code: number; out: string; err: string };

export type Command =
  | { name: 'help' }
  | { name: 'list' }
  | { name: 'create'; username: string; role: Role; email?: string; displayName?: string }
  | { name: 'set-role'; username: string; role: Role }
  | { name: 'reset-password' | 'approve' | 'unsuspend'; username: string }
  | { name: 'suspend'; username: string; reason: string }
  | { name: 'backup-create'; file: string | null }
  | { name: 'backup-list' }
  | { name: 'backup-restore'; file: string; replace: boolean }
  | { name: 'move-to'; target: string };

/** Commands that replace a whole database: never run inside a running node. */
export type OfflineCommand = Extract<Command, { name: 'backup-restore' | 'move-to' }>;
export const isOffline = (command: Command): command is OfflineCommand => command.name === 'backup-restore' || command.name === 'move-to';

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
  backup create [FILE]                   back up the whole node (database and uploaded files)
                                         into FILE, or into DATA_DIR/backups; works while the
                                         node runs
  backup list                            list the backups in DATA_DIR/backups
  backup restore FILE [--replace]        restore a backup into an empty data directory (or the
                                         empty database at DATABASE_URL), then migrate it to
                                         this version; --replace replaces what is there. Stop
                                         the node first
  db move-to TARGET                      copy the whole database to TARGET and check the copy:
                                         a postgres:// URL of an empty database, or a directory
                                         for the embedded database. Stop the node first
`;

/** Splits `--name value` options from positional words; an option without a value is a misuse. */
function parseOptions(words: string[], flags: readonly string[] = []): { positional: string[]; options: Map<string, string> } | string {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    if (flags.includes(word.slice(2))) {
      options.set(word.slice(2), 'true');
      continue;
    }
    const value = words[i + 1];
    if (value === undefined || value.startsWith('--')) return `The option ${word} needs a value.`;
    options.set(word.slice(2), value);
    i++;
  }
  return { positional, options };
}

function role(value: string | undefined): Role | string {
  return value !== undefined && isRole(value) ? value : `Unknown role "${value}": use one of ${roles.join(', ')}.`;
}

/** Reads the words of a command without touching the database; a string answer is the misuse to report. */
export function parseCommand(args: string[]): Command | string {
  const [group, action, ...rest] = args;
  if (group === undefined) return 'No command given.';
  if (group === 'help' || group === '--help') return { name: 'help' };
  if (group === 'backup' || group === 'db') return parseDataCommand(group, action, rest);
  if (group !== 'user') return `Unknown command "${group}".`;
  const parsed = parseOptions(rest);
  if (typeof parsed === 'string') return parsed;
  const { positional, options } = parsed;
  const [username, second] = positional;
  const known = new Set(action === 'create' ? ['role', 'email', 'display-name'] : []);
  const unknownOption = [...options.keys()].find((key) => !known.has(key));
  if (unknownOption) return `Unknown option --${unknownOption}.`;
  switch (action) {
    case 'list':
      return positional.length ? 'user list takes no arguments.' : { name: 'list' };
    case 'create': {
      if (!username || positional.length > 1) return 'user create needs exactly one NAME.';
      const chosen = role(options.get('role') ?? 'member');
      if (!isRole(chosen)) return chosen;
      return { name: 'create', username, role: chosen, email: options.get('email'), displayName: options.get('display-name') };
    }
    case 'set-role': {
      if (!username || !second || positional.length > 2) return 'user set-role needs NAME and ROLE.';
      const chosen = role(second);
      return isRole(chosen) ? { name: 'set-role', username, role: chosen } : chosen;
    }
    case 'suspend':
      return username ? { name: 'suspend', username, reason: positional.slice(1).join(' ') } : 'user suspend needs NAME.';
    case 'reset-password':
    case 'approve':
    case 'unsuspend':
      return username && positional.length === 1 ? { name: action, username } : `user ${action} needs exactly one NAME.`;
    default:
      return action ? `Unknown command "user ${action}".` : 'user needs a command.';
  }
}

function parseDataCommand(group: 'backup' | 'db', action: string | undefined, rest: string[]): Command | string {
  const parsed = parseOptions(rest, ['replace']);
  if (typeof parsed === 'string') return parsed;
  const { positional, options } = parsed;
  const unknownOption = [...options.keys()].find((key) => !(group === 'backup' && action === 'restore' && key === 'replace'));
  if (unknownOption) return `Unknown option --${unknownOption}.`;
  if (group === 'db') {
    if (action !== 'move-to') return action ? `Unknown command "db ${action}".` : 'db needs a command.';
    return positional.length === 1 ? { name: 'move-to', target: positional[0]! } : 'db move-to needs exactly one TARGET.';
  }
  switch (action) {
    case 'create':
      return positional.length <= 1 ? { name: 'backup-create', file: positional[0] ?? null } : 'backup create takes at most one FILE.';
    case 'list':
      return positional.length ? 'backup list takes no arguments.' : { name: 'backup-list' };
    case 'restore':
      return positional.length === 1 ? { name: 'backup-restore', file: positional[0]!, replace: options.has('replace') } : 'backup restore needs exactly one FILE.';
    default:
      return action ? `Unknown command "backup ${action}".` : 'backup needs a command.';
  }
}

const ok = (out: string): CommandResult => ({ code: 0, out, err: '' });
const failed = (err: string): CommandResult => ({ code: 1, out: '', err });
// Command-line messages reuse the English texts of the forms, so both say the same thing.
const en = translator('en');
const explain = (errors: FieldErrors): CommandResult => failed(Object.values(errors).map((key) => en(key)).join('\n'));

/** The node a command runs against: its database and its data directory. */
export type CommandTarget = { database: Database; dataDir: string };

/** Runs a command against a database: directly, or inside a running node through its socket. */
export async function runCommand({ database, dataDir }: CommandTarget, args: string[], stdin: string): Promise<CommandResult> {
  const command = parseCommand(args);
  if (typeof command === 'string') return { code: 2, out: '', err: `${command}\n\n${usage}` };
  if (command.name === 'help') return ok(usage);
  if (isOffline(command)) return failed('The node is running: stop it first.');
  if (command.name === 'backup-create') {
    const made = command.file ? await writeBackup(database, { path: command.file, uploadsDir: uploadsDir(dataDir) }) : await makeBackup(database, dataDir, 'manual');
    return ok(`backup written to ${made.path}: ${made.tables} tables, ${made.rows} rows, ${made.files} files, ${made.bytes} bytes (schema ${made.schema})\n`);
  }
  if (command.name === 'backup-list') {
    const lines = listBackups(dataDir).map((b) => `${b.name.padEnd(50)} ${String(b.bytes).padStart(12)} ${b.kind}\n`);
    return ok(lines.length ? lines.join('') : `no backups in ${dataDir}/backups\n`);
  }
  const db = database.db;
  if (command.name === 'list') {
    const rows = await db.select().from(users).where(and(ne(users.status, 'deleted'), isNull(users.iri))).orderBy(asc(users.username));
    const lines = rows.map((u) => `${u.username.padEnd(30)} ${u.role.padEnd(10)} ${u.status}\n`);
    return ok(`${'username'.padEnd(30)} ${'role'.padEnd(10)} status\n${lines.join('')}`);
  }
  const given = stdin.replace(/\r?\n$/, '');
  const password = given || generatePassword();
  const printed = given ? '\n' : `\npassword: ${password}\n`;
  if (command.name === 'create') {
    const created = await createUser(db, { ...command, password });
    if (!created.ok) return explain(created.errors);
    await ensureSettings(db, 'Kohtaamo');
    return ok(`created ${created.user.username} (${command.role})${printed}`);
  }
  const user = await findUserByName(db, command.username);
  if (!user || user.status === 'deleted') return failed(`No account named "${command.username}".`);
  switch (command.name) {
    case 'set-role': {
      const result = await setRole(db, user.id, command.role);
      return result.ok ? ok(`${user.username} is now ${command.role}\n`) : explain(result.errors);
    }
    case 'reset-password': {
      const problem = passwordProblem(password, user.username);
      if (problem) return failed(en(`errors.password.${problem}`));
      await setPassword(db, user.id, password);
      await signOutEverywhere(db, user.id);
      return ok(`new password set for ${user.username}${printed}`);
    }
    case 'approve':
      return (await approveMember(db, user.id)) ? ok(`approved ${user.username}\n`) : failed(`${user.username} is not waiting for approval.`);
    case 'unsuspend':
      await unsuspendMember(db, user.id);
      return ok(`${user.username} is active again\n`);
    case 'suspend': {
      const result = await suspendMember(db, user.id, command.reason);
      return result.ok ? ok(`suspended ${user.username}\n`) : explain(result.errors);
    }
  }
}
