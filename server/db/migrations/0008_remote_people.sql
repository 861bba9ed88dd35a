CREATE TABLE "federation_peers" (
	"host" text PRIMARY KEY NOT NULL,
	"last_error" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forum_follows" (
	"user_id" uuid NOT NULL,
	"forum_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forum_follows_user_id_forum_id_pk" PRIMARY KEY("user_id","forum_id")
);
--> statement-breakpoint
CREATE TABLE "remote_forums" (
	"forum_id" uuid PRIMARY KEY NOT NULL,
	"inbox" text NOT NULL,
	"shared_inbox" text,
	"url" text,
	"state" text DEFAULT 'none' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "url" text;--> statement-breakpoint
ALTER TABLE "forums" ADD COLUMN "iri" text;--> statement-breakpoint
CREATE INDEX "forum_follows_forum" ON "forum_follows" USING btree ("forum_id");--> statement-breakpoint
CREATE UNIQUE INDEX "forums_iri" ON "forums" USING btree ("iri");--> statement-breakpoint
CREATE INDEX "posts_waiting" ON "posts" USING btree ("thread_id") WHERE "posts"."held_at" is not null;