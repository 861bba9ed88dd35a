CREATE TABLE "group_participations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"role" text NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date
);
--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "participation_id" uuid;--> statement-breakpoint
ALTER TABLE "group_participations" ADD CONSTRAINT "group_participations_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_participations_group" ON "group_participations" USING btree ("group_id","started_on");--> statement-breakpoint
UPDATE "group_members" SET "participation_id" = gen_random_uuid() WHERE "status" = 'accepted';--> statement-breakpoint
INSERT INTO "group_participations" ("id", "group_id", "role", "started_on") SELECT "participation_id", "group_id", "role", coalesce("decided_at", "created_at")::date FROM "group_members" WHERE "participation_id" IS NOT NULL;
