CREATE TABLE "site_images" (
	"name" text PRIMARY KEY NOT NULL,
	"content" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "node_settings" ADD COLUMN "accent_color" text;--> statement-breakpoint
ALTER TABLE "node_settings" ADD COLUMN "logo_version" integer DEFAULT 0 NOT NULL;