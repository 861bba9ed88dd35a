CREATE TABLE "mentor_pairs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"peer_application_id" uuid NOT NULL,
	"mentor_application_id" uuid NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"months" integer DEFAULT 6 NOT NULL,
	"peer_answer" text,
	"mentor_answer" text,
	"proposed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"starts_on" date,
	"ends_on" date
);
--> statement-breakpoint
ALTER TABLE "mentor_pairs" ADD CONSTRAINT "mentor_pairs_peer_application_id_mentor_applications_id_fk" FOREIGN KEY ("peer_application_id") REFERENCES "public"."mentor_applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_pairs" ADD CONSTRAINT "mentor_pairs_mentor_application_id_mentor_applications_id_fk" FOREIGN KEY ("mentor_application_id") REFERENCES "public"."mentor_applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mentor_pairs_peer" ON "mentor_pairs" USING btree ("peer_application_id");--> statement-breakpoint
CREATE INDEX "mentor_pairs_mentor" ON "mentor_pairs" USING btree ("mentor_application_id");