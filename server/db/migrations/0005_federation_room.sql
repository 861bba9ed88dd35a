ALTER TABLE "users" ADD COLUMN "iri" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "iri" text;--> statement-breakpoint
CREATE UNIQUE INDEX "users_iri" ON "users" USING btree ("iri");--> statement-breakpoint
CREATE UNIQUE INDEX "posts_iri" ON "posts" USING btree ("iri");