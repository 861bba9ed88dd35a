ALTER TABLE "groups" ADD COLUMN "forum_id" uuid;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "forum_iri" text;