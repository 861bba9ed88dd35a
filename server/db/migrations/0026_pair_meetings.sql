CREATE TABLE "mentor_pair_meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pair_id" uuid NOT NULL,
	"on" date NOT NULL,
	"activity" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mentor_pair_meetings" ADD CONSTRAINT "mentor_pair_meetings_pair_id_mentor_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "public"."mentor_pairs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mentor_pair_meetings_pair" ON "mentor_pair_meetings" USING btree ("pair_id","on");