CREATE TABLE "federation_peers" (
	"host" text PRIMARY KEY NOT NULL,
	"last_error" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "url" text;--> statement-breakpoint
CREATE INDEX "posts_waiting" ON "posts" USING btree ("thread_id") WHERE "posts"."held_at" is not null;