ALTER TABLE "users" ADD COLUMN "url" text;--> statement-breakpoint
CREATE INDEX "posts_waiting" ON "posts" USING btree ("thread_id") WHERE "posts"."held_at" is not null;