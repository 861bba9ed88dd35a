// Who may read and do what, as a table: every role × every forum kind × every post state × every
// action. The expected answers are written here as the product promises them, independently of
// server/access.ts; then the row rules (access.ts) and their SQL twin (access.sql.ts) must both give
// them, case by case, on a real database.
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { prepared, viewerShape } from '../../server/db/prepared.ts';
import { makeUser, setUpNode } from '../support/fixtures.ts';
import { makeForum } from '../support/forums.ts';
import { makeGroup } from '../support/groups.ts';
import type { User } from '../../server/accounts/accounts.service.ts';
import { users } from '../../server/accounts/accounts.tables.ts';
import {
  canDeletePost,
  canModerateMember,
  canEditPost,
  canMoveThread,
  canQuote,
  canReact,
  canReadThread,
  canReply,
  canSeeForum,
  canSeeHistory,
  isForumListed,
  isListed,
  isPublic,
  isThreadListed,
  postShownTo,
  type PostShown,
  type Viewer,
} from '../../server/access.ts';
import { forumListedFor, forumReadableBy, inGroupOf, memberModeratableBy, postListedFor, postShownTo as postShownSql, publicPost, threadListedFor, threadReadableBy } from '../../server/access.sql.ts';
import { forums, posts, threads } from '../../server/forums/forums.tables.ts';
import type { Forum } from '../../server/forums/forums.service.ts';
import { groupMembers } from '../../server/groups/groups.tables.ts';
import { spaceOf } from '../../server/groups/groups.service.ts';

const roles = ['visitor', 'pending', 'suspended', 'member', 'participant', 'facilitator', 'moderator', 'admin'] as const;
type Role = (typeof roles)[number];
const forumKinds = ['public', 'members', 'group', 'archived'] as const;
type ForumKind = (typeof forumKinds)[number];
/** The state of the post asked about (a reply, or for the *Thread states the opening post). */
const states = ['live', 'locked', 'held', 'heldThread', 'removed', 'removedThread', 'deleted', 'deletedThread'] as const;
type State = (typeof states)[number];
/** Who wrote it: another member, the viewer themselves, or an admin. */
const authors = ['other', 'self', 'admin'] as const;
type Author = (typeof authors)[number];

// ---- The promise, written out. ----

const signedIn = (role: Role) => !['visitor', 'pending', 'suspended'].includes(role);
const staff = (role: Role) => role === 'moderator' || role === 'admin';

function readsForum(role: Role, kind: ForumKind): boolean {
  if (kind === 'public' || kind === 'archived') return true;
  if (kind === 'members') return signedIn(role);
  return ['participant', 'facilitator', 'admin'].includes(role);
}
const moderatesForum = (role: Role, kind: ForumKind) => staff(role) && readsForum(role, kind);

function expectedShown(role: Role, kind: ForumKind, state: State, author: Author): PostShown {
  if (!readsForum(role, kind)) return 'none';
  // Pending and suspended accounts are not signed in: their own posts are as anyone's to them.
  const own = author === 'self' && signedIn(role);
  const mods = moderatesForum(role, kind);
  switch (state) {
    case 'live':
    case 'locked':
      return 'words';
    case 'held':
    case 'heldThread':
      return own || mods ? 'words' : 'none';
    case 'removed':
      return own || mods ? 'words' : 'place';
    case 'removedThread':
      return own || mods ? 'words' : 'none';
    case 'deleted':
      return 'place';
    case 'deletedThread':
      return mods ? 'place' : 'none';
  }
}

const live = (state: State) => state === 'live' || state === 'locked';

type Case = { role: Role; kind: ForumKind; state: State; author: Author };

/** Every action, as the product promises it. */
const expected: Record<string, (c: Case) => boolean> = {
  readWords: (c) => expectedShown(c.role, c.kind, c.state, c.author) === 'words',
  listed: (c) => readsForum(c.role, c.kind) && live(c.state),
  public: (c) => (c.kind === 'public' || c.kind === 'archived') && live(c.state),
  reply: (c) =>
    signedIn(c.role) &&
    readsForum(c.role, c.kind) &&
    c.kind !== 'archived' &&
    !['heldThread', 'removedThread', 'deletedThread'].includes(c.state) &&
    (c.state !== 'locked' || staff(c.role)),
  react: (c) => signedIn(c.role) && readsForum(c.role, c.kind) && live(c.state) && c.author !== 'self',
  quote: (c) => expected.reply!(c) && live(c.state),
  edit: (c) => {
    if (!signedIn(c.role) || !readsForum(c.role, c.kind) || c.state === 'deleted' || c.state === 'deletedThread') return false;
    const ownEdit = c.author === 'self' && c.kind !== 'archived' && !c.state.startsWith('removed') && (c.state !== 'locked' || staff(c.role));
    // Staff on someone else's post: where they moderate, a moderator never on an admin's.
    const staffEdit = c.author !== 'self' && moderatesForum(c.role, c.kind) && (c.role === 'admin' || c.author === 'other');
    return ownEdit || staffEdit;
  },
  history: (c) => {
    const shown = expectedShown(c.role, c.kind, c.state, c.author);
    if (!signedIn(c.role) || shown === 'none') return false;
    return moderatesForum(c.role, c.kind) || (c.author === 'self' && shown === 'words' && c.state !== 'deleted');
  },
};

// ---- The node with every case in it. ----

type Row = Case & { forum: Forum; threadId: string; postId: string };

describe('access: every role × forum × post state × action, row rules and SQL agree', function () {
  this.timeout(120_000);
  let fresh: TestDatabase;
  const viewers = new Map<Role, Viewer>();
  const forumOf = new Map<ForumKind, Forum>();
  const rows: Row[] = [];

  before(async () => {
    fresh = await freshDatabase();
    const db = fresh.database.db;
    const admin = await setUpNode(db);
    const made: Record<Exclude<Role, 'visitor' | 'admin'>, User> = {
      pending: await makeUser(db, 'odottava', 'member', 'pending'),
      suspended: await makeUser(db, 'jaahylla', 'member', 'suspended'),
      member: await makeUser(db, 'jasen'),
      participant: await makeUser(db, 'osallistuja'),
      facilitator: await makeUser(db, 'ohjaaja'),
      moderator: await makeUser(db, 'moderaattori', 'moderator'),
    };
    const other = await makeUser(db, 'kirjoittaja');
    viewers.set('visitor', undefined);
    viewers.set('admin', admin);
    for (const [role, user] of Object.entries(made)) viewers.set(role as Role, user);

    const group = await makeGroup(db, { joinPolicy: 'closed', slug: 'suljettu' }, [made.facilitator]);
    await db.insert(groupMembers).values({ groupId: group.id, userId: made.participant.id, role: 'participant', status: 'accepted', feedToken: 'osallistuja-token' });
    forumOf.set('public', await makeForum(db, 'avoin', 'public'));
    forumOf.set('members', await makeForum(db, 'jasenille', 'members'));
    forumOf.set('archived', await makeForum(db, 'arkisto', 'public', { archived: true }));
    forumOf.set('group', (await spaceOf(db, group.id))!);

    const authorFor = (author: Author, role: Role): User | undefined => (author === 'other' ? other : author === 'admin' ? admin : viewers.get(role));
    const now = new Date();
    for (const role of roles) {
      for (const kind of forumKinds) {
        for (const state of states) {
          for (const author of authors) {
            const writer = authorFor(author, role);
            // A visitor writes nothing; for the admin, "admin" is "self".
            if (!writer || (author === 'admin' && role === 'admin')) continue;
            const forum = forumOf.get(kind)!;
            const onThread = state.endsWith('Thread');
            const [thread] = await db
              .insert(threads)
              .values({
                forumId: forum.id,
                authorId: onThread ? writer.id : other.id,
                title: `${role} ${kind} ${state} ${author}`,
                locked: state === 'locked',
                heldAt: state === 'heldThread' ? now : null,
                removedAt: state === 'removedThread' ? now : null,
                deletedAt: state === 'deletedThread' ? now : null,
                postCount: onThread ? 1 : 2,
              })
              .returning();
            const post = (number: number, authorId: string, applies: boolean) => ({
              threadId: thread!.id,
              authorId,
              number,
              body: 'Teksti',
              bodyHtml: '<p>Teksti</p>',
              heldAt: applies && state.startsWith('held') ? now : null,
              removedAt: applies && state.startsWith('removed') ? now : null,
              deletedAt: applies && state.startsWith('deleted') ? now : null,
            });
            const [opening] = await db.insert(posts).values(post(1, onThread ? writer.id : other.id, onThread)).returning();
            const subject = onThread ? opening! : (await db.insert(posts).values(post(state === 'held' ? -1 : 2, writer.id, true)).returning())[0]!;
            rows.push({ role, kind, state, author, forum, threadId: thread!.id, postId: subject.id });
          }
        }
      }
    }
  });
  after(() => fresh.drop());

  /** The rows as the row rules see them, for one viewer (inGroup loaded as the pages load it). */
  async function loaded(viewer: Viewer) {
    const db = fresh.database.db;
    return db
      .select({ thread: threads, post: posts, forum: forums, inGroup: inGroupOf(viewer?.id), authorRole: users.role, authorStatus: users.status })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(forums, eq(forums.id, threads.forumId))
      .innerJoin(users, eq(users.id, posts.authorId));
  }

  it('builds every case', () => {
    assert.equal(rows.length, roles.length * forumKinds.length * states.length * authors.length - forumKinds.length * states.length * 2);
  });

  for (const role of roles) {
    it(`${role}: each action as promised, and the SQL twin agrees with the row rules`, async () => {
      const viewer = viewers.get(role);
      const db = fresh.database.db;
      const byPost = new Map((await loaded(viewer)).map((r) => [r.post.id, r]));
      const sqlAnswers = new Map(
        (
          await db
            .select({
              id: posts.id,
              forumReadable: sql<boolean>`${forumReadableBy(viewer)}`,
              forumListed: sql<boolean>`${forumListedFor(viewer)}`,
              threadReadable: sql<boolean>`${threadReadableBy(viewer)}`,
              threadListed: sql<boolean>`${threadListedFor(viewer)}`,
              shown: postShownSql(viewer),
              listed: sql<boolean>`${postListedFor(viewer)}`,
              public: sql<boolean>`${publicPost}`,
            })
            .from(posts)
            .innerJoin(threads, eq(threads.id, posts.threadId))
            .innerJoin(forums, eq(forums.id, threads.forumId))
        ).map((r) => [r.id, r]),
      );
      const wrong: string[] = [];
      const check = (c: Row, what: string, got: unknown, want: unknown) => {
        if (got !== want) wrong.push(`${c.kind} ${c.state} by ${c.author}: ${what} is ${String(got)}, expected ${String(want)}`);
      };
      for (const c of rows.filter((r) => r.role === role)) {
        const { thread, post, forum: forumRow, inGroup, authorRole, authorStatus } = byPost.get(c.postId)!;
        const forum = { ...forumRow, inGroup };
        const answer = sqlAnswers.get(c.postId)!;
        const shown = postShownTo(viewer, forum, thread, post);
        check(c, 'shown', shown, expectedShown(role, c.kind, c.state, c.author));
        check(c, 'shown (SQL)', answer.shown, shown);
        check(c, 'forum readable', canSeeForum(viewer, forum), readsForum(role, c.kind));
        check(c, 'forum readable (SQL)', answer.forumReadable, canSeeForum(viewer, forum));
        check(c, 'forum listed (SQL)', answer.forumListed, isForumListed(viewer, forum));
        check(c, 'thread readable (SQL)', answer.threadReadable, canReadThread(viewer, forum, thread));
        check(c, 'thread listed (SQL)', answer.threadListed, isThreadListed(viewer, forum, thread));
        check(c, 'listed', isListed(viewer, forum, thread, post), expected.listed!(c));
        check(c, 'listed (SQL)', answer.listed, isListed(viewer, forum, thread, post));
        check(c, 'public', isPublic(forum, thread, { ...post, authorStatus }), expected.public!(c));
        check(c, 'public (SQL)', answer.public, isPublic(forum, thread, { ...post, authorStatus }));
        // The actions a page offers: only on what the reader can see at all.
        const seen = shown !== 'none';
        check(c, 'reply', canReply(viewer, forum, thread), expected.reply!(c));
        check(c, 'react', seen && canReact(viewer, forum, thread, post), expected.react!(c));
        check(c, 'quote', canReply(viewer, forum, thread) && canQuote(post), expected.quote!(c));
        const withRole = { ...post, authorRole };
        check(c, 'edit', seen && canEditPost(viewer, forum, thread, withRole), expected.edit!(c));
        check(c, 'delete', seen && canDeletePost(viewer, forum, thread, withRole), expected.edit!(c));
        check(c, 'history', canSeeHistory(viewer, forum, thread, post), expected.history!(c));
        // The conversation's page: for the *Thread states the post asked about is its opening post.
        const threadReadable = c.state.endsWith('Thread') ? shown !== 'none' : readsForum(role, c.kind);
        check(c, 'thread readable', canReadThread(viewer, forum, thread), threadReadable);
      }
      assert.deepEqual(wrong, []);
    });
  }

  describe('moving a conversation', () => {
    const kinds: Record<ForumKind, { visibility: 'public' | 'members' | 'group'; archived: boolean; inGroup?: boolean }> = {
      public: { visibility: 'public', archived: false },
      members: { visibility: 'members', archived: false },
      group: { visibility: 'group', archived: false, inGroup: true },
      archived: { visibility: 'public', archived: true },
    };
    /** From → to, for the staff who moderate both: never to more readers, never into or out of a group's space, never into the archive. */
    const allowed: Record<ForumKind, ForumKind[]> = { public: ['public', 'members'], members: ['members'], group: [], archived: ['public', 'members'] };

    for (const role of roles) {
      it(`${role}: moves only to forums with the same readers or fewer`, () => {
        const viewer = viewers.get(role);
        for (const from of forumKinds) {
          for (const to of forumKinds) {
            const want = staff(role) && allowed[from].includes(to);
            assert.equal(canMoveThread(viewer, kinds[from], kinds[to]), want, `${from} → ${to}`);
          }
        }
      });
    }
  });

  it('a statement prepared for one member serves every member as the row rules do (their id a placeholder)', async () => {
    const db = fresh.database.db;
    // Three viewers of one shape (role "member"): one outside the closed group, one in it, its peer leader.
    const [first, ...others] = (['member', 'participant', 'facilitator'] as const).map((role) => viewers.get(role)!);
    const built = viewerShape(first);
    assert.throws(() => built.viewer!.username, /cannot depend on the viewer's username/);
    const statement = prepared(db, 'access_test_shown', () =>
      db
        .select({ id: posts.id, shown: postShownSql(built.viewer), readable: sql<boolean>`${forumReadableBy(built.viewer)}` })
        .from(posts)
        .innerJoin(threads, eq(threads.id, posts.threadId))
        .innerJoin(forums, eq(forums.id, threads.forumId)),
    );
    for (const viewer of [first, ...others]) {
      const answers = new Map((await statement.execute(viewerShape(viewer).values)).map((r) => [r.id, r]));
      const wrong: string[] = [];
      for (const { thread, post, forum: forumRow, inGroup } of await loaded(viewer)) {
        const forum = { ...forumRow, inGroup };
        const answer = answers.get(post.id)!;
        if (answer.shown !== postShownTo(viewer, forum, thread, post) || answer.readable !== canSeeForum(viewer, forum)) wrong.push(`${viewer!.username}: ${thread.title}`);
      }
      assert.deepEqual(wrong, []);
    }
  });

  it('whom each role may act on as a moderator: the row rule and the queue\'s SQL agree', async () => {
    const db = fresh.database.db;
    const everyone = await db.select().from(users);
    for (const role of roles) {
      const viewer = viewers.get(role);
      const bySql = new Set((await db.select({ id: users.id }).from(users).where(memberModeratableBy(viewer))).map((u) => u.id));
      for (const member of everyone) {
        const want = staff(role) && member.id !== viewer?.id && (role === 'admin' || member.role === 'member');
        assert.equal(canModerateMember(viewer, member), want, `${role} on ${member.username}`);
        assert.equal(bySql.has(member.id), want, `${role} on ${member.username} (SQL)`);
      }
    }
  });

  it('the two bugs that started this: members-only never moves to public; no reply where the conversation waits', async () => {
    const moderator = viewers.get('moderator');
    assert.equal(canMoveThread(moderator, { visibility: 'members' }, { visibility: 'public', archived: false }), false);
    const [waiting] = rows.filter((r) => r.role === 'member' && r.kind === 'public' && r.state === 'heldThread' && r.author === 'self');
    const db = fresh.database.db;
    const [thread] = await db.select().from(threads).where(eq(threads.id, waiting!.threadId));
    const member = viewers.get('member');
    assert.equal(canReadThread(member, waiting!.forum, thread!), true, 'the author reads their waiting conversation');
    assert.equal(canReply(member, waiting!.forum, thread!), false, 'but is not offered a reply form');
  });
});
