ALTER TABLE "groups" ADD COLUMN "iri" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "url" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "groups_iri" ON "groups" USING btree ("iri");