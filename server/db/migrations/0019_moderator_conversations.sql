ALTER TABLE "moderator_messages" ADD COLUMN "from_member" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "moderator_messages" ADD COLUMN "author_id" uuid;--> statement-breakpoint
ALTER TABLE "moderator_messages" ADD CONSTRAINT "moderator_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;