-- Ad accounts as the last recorded sync from Meta's Marketing API described
-- them (rungctl sync): when it was, and the account's time zone, in which
-- its weeks run. Not a parent of ad_sets: weeks arrive from files too, for
-- accounts no sync ever saw.
--
-- As in 0002, empty text is stored as NULL, and instants are UTC RFC 3339
-- text with exactly six fraction digits.

CREATE TABLE accounts (
  account_id     TEXT NOT NULL PRIMARY KEY,
  -- NULL: Meta answered none.
  name           TEXT,
  -- ISO 4217; NULL: unknown.
  currency       TEXT CHECK (length(currency) = 3),
  -- An IANA name; NULL: unknown, and the account's weeks are counted in UTC.
  time_zone      TEXT,
  -- The daemon's clock when it recorded the sync.
  last_sync_time TEXT NOT NULL CHECK (length(last_sync_time) = 27)
) STRICT, WITHOUT ROWID;
