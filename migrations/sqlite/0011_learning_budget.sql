-- Each recommendation's learning budget (rung/recommendation.h): over the
-- spend weeks of its consistency window, the ad set's weekly spend and, per
-- rung, the events counted and the cost per event; the weekly budget that
-- would bring the rung to T is learning_threshold × that cost, so it is not
-- stored. Canonical JSON (storage/json_codec.h), money in micros and null for
-- an amount that cannot be estimated:
-- {"spend_weeks":3,"weekly_spend":93000000,"rungs":[["AddToCart",90,3100000]]}.
--
-- Rows stored before this migration were decided without one, and read back
-- as the empty budget, the default: no spend weeks, no rungs. Adding a
-- column with a constant default rewrites no row. No json_valid() check, for
-- the reason 0004 gives: rungd checks what it writes and reads it back
-- strictly.

ALTER TABLE recommendations ADD COLUMN learning_budget TEXT NOT NULL
  DEFAULT '{"spend_weeks":0,"weekly_spend":null,"rungs":[]}';
