CREATE TABLE "forum_watches" (
	"user_id" uuid NOT NULL,
	"forum_id" uuid NOT NULL,
	"level" text NOT NULL,
	CONSTRAINT "forum_watches_user_id_forum_id_pk" PRIMARY KEY("user_id","forum_id")
);
--> statement-breakpoint
CREATE TABLE "thread_watches" (
	"user_id" uuid NOT NULL,
	"thread_id" uuid NOT NULL,
	"level" text NOT NULL,
	CONSTRAINT "thread_watches_user_id_thread_id_pk" PRIMARY KEY("user_id","thread_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_attendance" (
	"group_id" uuid NOT NULL,
	"on" date NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_attendance_group_id_on_user_id_pk" PRIMARY KEY("group_id","on","user_id")
);
--> statement-breakpoint
ALTER TABLE "node_settings" ADD COLUMN "notice" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "meeting_capacity" integer;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "meeting_on" date;--> statement-breakpoint
ALTER TABLE "forum_watches" ADD CONSTRAINT "forum_watches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forum_watches" ADD CONSTRAINT "forum_watches_forum_id_forums_id_fk" FOREIGN KEY ("forum_id") REFERENCES "public"."forums"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_watches" ADD CONSTRAINT "thread_watches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_watches" ADD CONSTRAINT "thread_watches_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_attendance" ADD CONSTRAINT "meeting_attendance_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_attendance" ADD CONSTRAINT "meeting_attendance_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "forum_watches_forum" ON "forum_watches" USING btree ("forum_id");--> statement-breakpoint
CREATE INDEX "thread_watches_thread" ON "thread_watches" USING btree ("thread_id");--> statement-breakpoint
CREATE INDEX "meeting_attendance_user" ON "meeting_attendance" USING btree ("user_id","on");