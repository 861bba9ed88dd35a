CREATE TABLE "rate_limit_hits" (
	"key" text PRIMARY KEY NOT NULL,
	"hits" integer NOT NULL,
	"reset_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "posts_created" ON "posts" USING btree ("created_at");--> statement-breakpoint
-- A search hit's excerpt: highlighted with the first of the languages whose stems match the text
-- (the reader's own first), each tried only when the one before found nothing; the start of the
-- text when none does.
CREATE FUNCTION search_headline(body text, query tsquery, configs regconfig[], options text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  config regconfig;
  made text;
BEGIN
  FOREACH config IN ARRAY configs LOOP
    made := ts_headline(config, body, query, options);
    IF strpos(made, chr(1)) > 0 THEN RETURN made; END IF;
  END LOOP;
  RETURN left(body, 300);
END $$;
