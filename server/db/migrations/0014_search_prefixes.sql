ALTER TABLE "node_settings" ADD COLUMN "search_languages" text[] DEFAULT '{"fi","sv","en"}' NOT NULL;--> statement-breakpoint
ALTER TABLE "node_settings" ADD COLUMN "search_indexed" text[];--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, name), 'A') || setweight(to_tsvector('simple'::regconfig, summary), 'B') || setweight(to_tsvector('simple'::regconfig, description || ' ' || address), 'C') || setweight(to_tsvector('finnish'::regconfig, name), 'A') || setweight(to_tsvector('finnish'::regconfig, summary), 'B') || setweight(to_tsvector('finnish'::regconfig, description || ' ' || address), 'C') || setweight(to_tsvector('swedish'::regconfig, name), 'A') || setweight(to_tsvector('swedish'::regconfig, summary), 'B') || setweight(to_tsvector('swedish'::regconfig, description || ' ' || address), 'C') || setweight(to_tsvector('english'::regconfig, name), 'A') || setweight(to_tsvector('english'::regconfig, summary), 'B') || setweight(to_tsvector('english'::regconfig, description || ' ' || address), 'C') || setweight(to_tsvector('danish'::regconfig, name), 'A') || setweight(to_tsvector('danish'::regconfig, summary), 'B') || setweight(to_tsvector('danish'::regconfig, description || ' ' || address), 'C')) STORED;--> statement-breakpoint
CREATE INDEX "groups_search" ON "groups" USING gin ("search");--> statement-breakpoint
-- Search matches a word's stem in each language of the node, or the word's beginnings unstemmed
-- (Finnish inflection changes the end of a word in ways the stemmers miss: kuukausi, kuukauden).
-- The rules are here, beside the data, so a post's document reads the node's languages when it is
-- written; server/markup/search-text.ts builds the queries.
CREATE AGGREGATE search_concat(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector);--> statement-breakpoint
CREATE AGGREGATE search_any(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);--> statement-breakpoint
CREATE AGGREGATE search_every(tsquery) (SFUNC = tsquery_and, STYPE = tsquery);--> statement-breakpoint
CREATE FUNCTION search_configs() RETURNS regconfig[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT array_agg(CASE l WHEN 'fi' THEN 'finnish' WHEN 'sv' THEN 'swedish' WHEN 'en' THEN 'english' ELSE 'danish' END::regconfig)
       FROM node_settings, unnest(search_languages) l WHERE id = 1),
    '{finnish,swedish,english}'::regconfig[])
$$;--> statement-breakpoint
CREATE FUNCTION search_document(title text, body text) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT search_concat(coalesce(setweight(to_tsvector(c, title), 'A'), '') || setweight(to_tsvector(c, body), 'B'))
  FROM unnest('{simple}'::regconfig[] || search_configs()) c
$$;--> statement-breakpoint
-- A word of a search: its stem in any of the languages, or words beginning with one of the
-- prefixes given (server/markup/search-text.ts) or with its Finnish or Swedish stem. A stem of
-- four letters or more is matched as a beginning too; a term another one begins is left out, so
-- "ryhmä" asks only for 'ryhm':* (one index lookup, not seven). Null when the word is a stop word
-- in one of the languages ("ja", "och"): search_every skips it.
CREATE FUNCTION search_word(word text, prefixes text[], configs regconfig[]) RETURNS tsquery LANGUAGE sql STABLE AS $$
  WITH terms AS (
    SELECT DISTINCT lexeme, prefix FROM (
      SELECT l AS lexeme, length(l) >= 4 AS prefix FROM unnest(configs) c, unnest(tsvector_to_array(to_tsvector(c, word))) l
      UNION ALL
      SELECT p, true FROM unnest(prefixes) p
      UNION ALL
      SELECT s, true FROM unnest(ts_lexize('finnish_stem', word) || ts_lexize('swedish_stem', word)) s WHERE length(s) >= 4
    ) found
  )
  SELECT CASE WHEN EXISTS (SELECT FROM unnest(configs) c WHERE length(to_tsvector(c, word)) = 0) THEN NULL
    ELSE (SELECT to_tsquery('simple', string_agg(quote_literal(t.lexeme) || CASE WHEN t.prefix THEN ':*' ELSE '' END, ' | '))
      FROM terms t
      WHERE NOT EXISTS (SELECT FROM terms o WHERE o.prefix AND starts_with(t.lexeme, o.lexeme) AND (o.lexeme <> t.lexeme OR NOT t.prefix)))
  END
$$;
