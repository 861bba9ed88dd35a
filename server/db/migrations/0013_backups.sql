ALTER TABLE "node_settings" ADD COLUMN "backup_schedule" text DEFAULT 'daily' NOT NULL;--> statement-breakpoint
ALTER TABLE "node_settings" ADD COLUMN "backup_keep" integer DEFAULT 7 NOT NULL;