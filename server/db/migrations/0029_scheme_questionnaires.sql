ALTER TABLE "questionnaires" ALTER COLUMN "group_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "questionnaire_rounds" ADD COLUMN "audience" text DEFAULT 'everyone' NOT NULL;