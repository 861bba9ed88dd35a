CREATE TABLE "federation_servers" (
	"host" text PRIMARY KEY NOT NULL,
	"blocked" boolean DEFAULT false NOT NULL,
	"partner" boolean DEFAULT false NOT NULL,
	"actor" text,
	"inbox" text,
	"name" text DEFAULT '' NOT NULL,
	"our_follow" text DEFAULT 'none' NOT NULL,
	"our_follow_id" text,
	"their_follow" text DEFAULT 'none' NOT NULL,
	"their_follow_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "node_settings" ADD COLUMN "federation_mode" text DEFAULT 'open' NOT NULL;