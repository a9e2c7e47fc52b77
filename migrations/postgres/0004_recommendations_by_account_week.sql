-- The account view (rung/account_view.h) reads an account's recommendations
-- by week: its latest evaluated week, the actions of that week, and its
-- advice in (week, ad set) order. Equal in meaning to SQLite's 0010, whose
-- comment says why; `action` is an included column here, which PostgreSQL
-- can read in an index-only scan without ordering by it.

CREATE INDEX recommendations_by_account_week
  ON recommendations (account_id, as_of_week, ad_set_id) INCLUDE (action);
