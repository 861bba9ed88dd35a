CREATE TABLE "mentor_pair_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pair_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mentor_pairs" ADD COLUMN "coordinator_invited_by" uuid;--> statement-breakpoint
ALTER TABLE "mentor_pairs" ADD COLUMN "coordinator_invited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mentor_pair_messages" ADD CONSTRAINT "mentor_pair_messages_pair_id_mentor_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "public"."mentor_pairs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_pair_messages" ADD CONSTRAINT "mentor_pair_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mentor_pair_messages_pair" ON "mentor_pair_messages" USING btree ("pair_id","created_at");--> statement-breakpoint
ALTER TABLE "mentor_pairs" ADD CONSTRAINT "mentor_pairs_coordinator_invited_by_users_id_fk" FOREIGN KEY ("coordinator_invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;