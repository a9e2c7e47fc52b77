-- Each recommendation's learning budget. Equal in meaning to SQLite's 0011,
-- whose comment describes the value; canonical JSON as text, as 0001 keeps
-- JSON. Rows stored before it read back as the empty budget, the default;
-- a constant default is kept in the catalog, so no row is rewritten.

ALTER TABLE recommendations ADD COLUMN learning_budget text NOT NULL
  DEFAULT '{"spend_weeks":0,"weekly_spend":null,"rungs":[]}';
