CREATE TABLE "group_members" (
	"group_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text DEFAULT 'participant' NOT NULL,
	"status" text NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"reply" text DEFAULT '' NOT NULL,
	"feed_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "group_members_group_id_user_id_pk" PRIMARY KEY("group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "group_topics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"names" jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"topic_ids" uuid[] DEFAULT '{}' NOT NULL,
	"audiences" text[] DEFAULT '{}' NOT NULL,
	"join_policy" text DEFAULT 'open' NOT NULL,
	"how_to_join" text DEFAULT '' NOT NULL,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"cost" text DEFAULT '' NOT NULL,
	"capacity" integer,
	"status" text DEFAULT 'active' NOT NULL,
	"accessibility" text DEFAULT '' NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	"in_person" boolean DEFAULT true NOT NULL,
	"municipality_code" text,
	"address" text DEFAULT '' NOT NULL,
	"remote" boolean DEFAULT false NOT NULL,
	"video_url" text DEFAULT '' NOT NULL,
	"frequency" text DEFAULT 'none' NOT NULL,
	"weekday" integer,
	"month_week" integer,
	"start_time" text,
	"duration_minutes" integer DEFAULT 90 NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"timezone" text DEFAULT 'Europe/Helsinki' NOT NULL,
	"next_meeting_at" timestamp with time zone,
	"next_meeting_ends_at" timestamp with time zone,
	"meeting_weekdays" integer[] DEFAULT '{}' NOT NULL,
	"origin" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_meeting_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"on" date NOT NULL,
	"start_time" text,
	"duration_minutes" integer,
	"note" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "forums" ALTER COLUMN "category_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ALTER COLUMN "post_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "forums" ADD COLUMN "group_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "group_id" uuid;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_meeting_changes" ADD CONSTRAINT "group_meeting_changes_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_members_user" ON "group_members" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_members_feed" ON "group_members" USING btree ("feed_token");--> statement-breakpoint
CREATE UNIQUE INDEX "group_topics_slug" ON "group_topics" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_slug" ON "groups" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "groups_municipality" ON "groups" USING btree ("municipality_code");--> statement-breakpoint
CREATE INDEX "groups_next_meeting" ON "groups" USING btree ("next_meeting_at");--> statement-breakpoint
CREATE INDEX "group_meeting_changes_group" ON "group_meeting_changes" USING btree ("group_id","on");--> statement-breakpoint
ALTER TABLE "forums" ADD CONSTRAINT "forums_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "group_topics" ("slug", "names", "position") VALUES
	('rehabilitation', '{"fi":"Kuntoutuminen","sv":"Rehabilitering","en":"Rehabilitation","da":"Rehabilitering"}', 1),
	('substance-free', '{"fi":"Päihteetön elämä","sv":"Ett liv utan droger","en":"Substance-free life","da":"Et liv uden rusmidler"}', 2),
	('healthy-living', '{"fi":"Terveelliset elämäntavat","sv":"Hälsosamma levnadsvanor","en":"Healthy living","da":"Sund livsstil"}', 3),
	('society', '{"fi":"Yhteiskunnalliset asiat","sv":"Samhällsfrågor","en":"Societal issues","da":"Samfundsforhold"}', 4),
	('close-ones', '{"fi":"Läheiset ja omaiset","sv":"Närstående och anhöriga","en":"Family and friends","da":"Pårørende"}', 5),
	('anxiety', '{"fi":"Ahdistus ja pelot","sv":"Ångest och rädsla","en":"Anxiety and fears","da":"Angst og frygt"}', 6),
	('depression', '{"fi":"Masennus","sv":"Depression","en":"Depression","da":"Depression"}', 7),
	('loneliness', '{"fi":"Yksinäisyys","sv":"Ensamhet","en":"Loneliness","da":"Ensomhed"}', 8);
