CREATE TABLE "federation_activities" (
	"id" uuid PRIMARY KEY NOT NULL,
	"post_id" uuid,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
