CREATE TABLE "mentor_pair_checkins" (
	"pair_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"at_months" integer NOT NULL,
	"skipped" boolean DEFAULT false NOT NULL,
	"rating" integer,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mentor_pair_checkins_pair_id_user_id_at_months_pk" PRIMARY KEY("pair_id","user_id","at_months")
);
--> statement-breakpoint
ALTER TABLE "mentor_pairs" ADD COLUMN "ended_on" date;--> statement-breakpoint
ALTER TABLE "mentor_pairs" ADD COLUMN "end_reason" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "mentor_pair_checkins" ADD CONSTRAINT "mentor_pair_checkins_pair_id_mentor_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "public"."mentor_pairs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_pair_checkins" ADD CONSTRAINT "mentor_pair_checkins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;