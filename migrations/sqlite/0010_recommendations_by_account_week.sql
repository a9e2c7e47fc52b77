-- The account view (rung/account_view.h) reads an account's recommendations
-- by week: its latest evaluated week, the actions of that week, and its
-- advice in (week, ad set) order. recommendations_by_account puts the ad set
-- before the week, so each of those read every week of every ad set of the
-- account, and ListAccounts and every metrics scrape would read the whole
-- history of each account of a page. With the week first, the latest week is
-- one seek and a week's rows come in ad set order. `action` rides along so
-- that a week's actions are counted from the index alone.
--
-- The price is a fourth B-tree that each stored recommendation goes into;
-- its entries arrive in order within each account, since an evaluation
-- writes one week.

CREATE INDEX recommendations_by_account_week
  ON recommendations (account_id, as_of_week, ad_set_id, action);
