// The contract of PolicyStore, for every engine: every field of a revision
// read back as written, each account's revisions appended one after another
// without a gap (a wrong next one refused whole, also when appends race),
// the latest of each account, one account's listed newest first page by
// page, and the revisions no store takes.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/policy_version.h"
#include "store_contract.h"
#include "store_contract_engines.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// 2026-12-07T07:35:00.654321Z plus `minutes`: a fraction that a store
// keeping milliseconds would lose.
absl::Time At(int minutes) {
  return absl::FromCivil(absl::CivilSecond(2026, 12, 7, 7, 35, 0), absl::UTCTimeZone()) +
         absl::Microseconds(654321) + absl::Minutes(minutes);
}

// Revision `revision` of `account_id` with just what every revision has.
PolicyRevision Bare(const std::string& account_id, int64_t revision) {
  PolicyRevision r;
  r.account_id = account_id;
  r.revision = revision;
  r.version = absl::StrCat("v", revision, "_", account_id);
  r.change_time = At(static_cast<int>(revision));
  return r;
}

// `r` with `version`, to tell revisions of one number apart.
PolicyRevision WithVersion(PolicyRevision r, const std::string& version) {
  r.version = version;
  return r;
}

// The type of the value of an override field, int or double.
template <typename Field>
using ValueOf = typename std::remove_reference_t<decltype(PolicyOverrides().*Field())>::value_type;

// A value for the `n`th field of the list that none of the others has, and
// for doubles one that a spelling with too few digits would change.
template <typename T>
T Distinct(int n) {
  if constexpr (std::is_floating_point_v<T>) {
    return 0.1 * n;
  } else {
    return 10 * n + 1;
  }
}

// Every override present.
PolicyOverrides EveryOverride() {
  PolicyOverrides overrides;
  int n = 0;
  ForEachPolicyField([&](std::string_view, auto, auto field) {
    overrides.*field = Distinct<ValueOf<decltype(field)>>(++n);
  });
  overrides.near_exit_fraction = 0.1;
  return overrides;
}

// The deployment's first revision with every field set: every override,
// custom ladders, and text that JSON must escape.
PolicyRevision FullDeployment() {
  PolicyRevision r = Bare("", 1);
  r.version = "0123456789abcdef";
  r.deployment_revision = 1;
  r.overrides = EveryOverride();
  r.ladders = {{"lead_gen", {"PageView", "Lead"}},
               {"caf\xc3\xa9 \"quoted\" \\", {"ViewContent", "tab\t newline\n", "Purchase"}}};
  r.changed_by = "ops-token \xe2\x9c\x93";
  r.reason = "raise the \"cutover\" \\ threshold\nsecond line \x01";
  return r;
}

// Every field, one expectation each, so that a failure names the field.
void ExpectSameRevision(const PolicyRevision& got, const PolicyRevision& want) {
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.revision, want.revision);
  EXPECT_EQ(got.version, want.version);
  EXPECT_EQ(got.deployment_revision, want.deployment_revision);
  {
    SCOPED_TRACE("overrides");
    ExpectSameOverrides(got.overrides, want.overrides);
  }
  ASSERT_EQ(got.ladders.size(), want.ladders.size());
  for (size_t i = 0; i < got.ladders.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("ladders[", i, "]"));
    EXPECT_EQ(got.ladders[i].name, want.ladders[i].name);
    EXPECT_EQ(got.ladders[i].events, want.ladders[i].events);
  }
  EXPECT_EQ(got.changed_by, want.changed_by);
  EXPECT_EQ(got.change_time, want.change_time);
  EXPECT_EQ(got.reason, want.reason);
}

// "account@revision" of each ("@2" for the deployment's), to compare lists
// at a glance; the error alone when the call failed.
std::vector<std::string> Names(const absl::StatusOr<std::vector<PolicyRevision>>& revisions) {
  if (!revisions.ok()) return {revisions.status().ToString()};
  std::vector<std::string> names;
  for (const PolicyRevision& r : *revisions)
    names.push_back(absl::StrCat(r.account_id, "@", r.revision));
  return names;
}

PolicyRevisionQuery RevisionsOf(const std::string& account_id, int limit = 100,
                                int64_t before_revision = 0) {
  PolicyRevisionQuery query;
  query.account_id = account_id;
  query.limit = limit;
  query.before_revision = before_revision;
  return query;
}

template <typename Engine>
class PolicyRevisionContract : public StoreContractTest<Engine> {
 protected:
  // Appends revisions 1 to `last` of `account_id`, one call each.
  void AppendUpTo(const std::string& account_id, int64_t last) {
    for (int64_t revision = 1; revision <= last; ++revision) {
      ASSERT_OK(this->store().AppendPolicyRevisions({Bare(account_id, revision)}));
    }
  }

  // Every page of `query`, `limit` revisions at most each, up to the first
  // empty one (five at most, so that a store that never ends fails).
  std::vector<std::vector<std::string>> Pages(PolicyRevisionQuery query) {
    std::vector<std::vector<std::string>> pages;
    for (int i = 0; i < 5; ++i) {
      const absl::StatusOr<std::vector<PolicyRevision>> page =
          this->store().ListPolicyRevisions(query);
      pages.push_back(Names(page));
      if (!page.ok() || page->empty()) break;
      query.before_revision = page->back().revision;
    }
    return pages;
  }
};
TYPED_TEST_SUITE(PolicyRevisionContract, StoreEngines, EngineNames);

TYPED_TEST(PolicyRevisionContract, EveryFieldReadsBackAsWritten) {
  Store& store = this->store();
  const PolicyRevision full = FullDeployment();
  const PolicyRevision bare = Bare("act_1", 1);

  ASSERT_OK(store.AppendPolicyRevisions({full, bare}));

  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> latest, store.LatestPolicyRevisions());
  ASSERT_EQ(latest.size(), 2u);
  {
    SCOPED_TRACE("the latest of the deployment");
    ExpectSameRevision(latest[0], full);
  }
  {
    SCOPED_TRACE("the latest of act_1");
    ExpectSameRevision(latest[1], bare);
  }
  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> listed,
                       store.ListPolicyRevisions(RevisionsOf("")));
  ASSERT_EQ(listed.size(), 1u);
  ExpectSameRevision(listed[0], full);
}

// Each override alone, then every override but that one, so that a field
// that an engine drops, or writes when absent, shows.
TYPED_TEST(PolicyRevisionContract, EachOverrideReadsBackPresentOrAbsent) {
  Store& store = this->store();
  std::vector<PolicyRevision> alone;
  std::vector<PolicyRevision> all_but;
  ForEachPolicyField([&](std::string_view name, auto, auto field) {
    PolicyRevision only = Bare("act_" + std::string(name), 1);
    (only.overrides.*field) = EveryOverride().*field;
    alone.push_back(only);
    PolicyRevision without = Bare(only.account_id, 2);
    without.overrides = EveryOverride();
    (without.overrides.*field).reset();
    all_but.push_back(without);
  });

  ASSERT_OK(store.AppendPolicyRevisions(alone));
  ASSERT_OK(store.AppendPolicyRevisions(all_but));

  for (size_t i = 0; i < alone.size(); ++i) {
    SCOPED_TRACE(alone[i].account_id);
    ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> listed,
                         store.ListPolicyRevisions(RevisionsOf(alone[i].account_id)));
    ASSERT_EQ(listed.size(), 2u);
    ExpectSameRevision(listed[0], all_but[i]);
    ExpectSameRevision(listed[1], alone[i]);
  }
}

TYPED_TEST(PolicyRevisionContract, DoublesReadBackBitForBit) {
  Store& store = this->store();
  const double samples[] = {0.1,
                            0.1 + 0.2,
                            1.0 / 3,
                            -0.0,
                            1e21,
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::max()};
  std::vector<PolicyRevision> appended;
  for (const double sample : samples) {
    PolicyRevision r = Bare("", static_cast<int64_t>(appended.size()) + 1);
    r.overrides.near_exit_fraction = sample;
    r.overrides.friction_ratio = -sample;
    ASSERT_OK(store.AppendPolicyRevisions({r}));
    appended.insert(appended.begin(), r);
  }

  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> listed,
                       store.ListPolicyRevisions(RevisionsOf("")));
  ASSERT_EQ(listed.size(), appended.size());
  for (size_t i = 0; i < listed.size(); ++i) {
    SCOPED_TRACE(*appended[i].overrides.near_exit_fraction);
    ExpectSameOverrides(listed[i].overrides, appended[i].overrides);
  }
}

TYPED_TEST(PolicyRevisionContract, TimesKeepWholeMicroseconds) {
  PolicyRevision r = Bare("act_1", 1);
  r.change_time = At(0) + absl::Nanoseconds(999);

  ASSERT_OK(this->store().AppendPolicyRevisions({r}));

  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> latest,
                       this->store().LatestPolicyRevisions());
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].change_time, At(0));
}

TYPED_TEST(PolicyRevisionContract, AppendsEachAccountsNextRevision) {
  Store& store = this->store();

  ASSERT_OK(store.AppendPolicyRevisions({}));
  ASSERT_OK(store.AppendPolicyRevisions({Bare("", 1), Bare("act_1", 1)}));
  ASSERT_OK(store.AppendPolicyRevisions({Bare("act_1", 2)}));
  ASSERT_OK(store.AppendPolicyRevisions({Bare("", 2), Bare("act_2", 1), Bare("act_1", 3)}));

  EXPECT_THAT(Names(store.LatestPolicyRevisions()), ElementsAre("@2", "act_1@3", "act_2@1"));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_1"))),
              ElementsAre("act_1@3", "act_1@2", "act_1@1"));
}

// The revision another writer stored first, one that skips a number, or a
// first one that is not 1: refused whole, whichever of a call's revisions it
// is, so that the caller reads the latest again.
TYPED_TEST(PolicyRevisionContract, AWrongNextRevisionIsAbortedAndStoresNothing) {
  Store& store = this->store();
  this->AppendUpTo("", 1);
  this->AppendUpTo("act_1", 2);
  const std::vector<std::string> before = Names(store.LatestPolicyRevisions());
  const std::pair<std::vector<PolicyRevision>, const char*> cases[] = {
      {{WithVersion(Bare("act_1", 2), "again")},
       "revisions[0]: the next revision of account 'act_1' is 3, not 2"},
      {{Bare("act_1", 1)}, "revisions[0]: the next revision of account 'act_1' is 3, not 1"},
      {{Bare("act_1", 4)}, "revisions[0]: the next revision of account 'act_1' is 3, not 4"},
      {{Bare("act_2", 2)}, "revisions[0]: the next revision of account 'act_2' is 1, not 2"},
      {{Bare("", 1)}, "revisions[0]: the next revision of the deployment is 2, not 1"},
      {{Bare("act_2", 1), Bare("act_1", 2)},
       "revisions[1]: the next revision of account 'act_1' is 3, not 2"},
      {{Bare("act_1", 5), Bare("act_2", 1), Bare("", 2)},
       "revisions[0]: the next revision of account 'act_1' is 3, not 5"},
  };

  for (const auto& [revisions, message] : cases) {
    EXPECT_TRUE(
        HasStatus(store.AppendPolicyRevisions(revisions), absl::StatusCode::kAborted, message));
  }

  EXPECT_EQ(Names(store.LatestPolicyRevisions()), before);
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_1"))),
              ElementsAre("act_1@2", "act_1@1"));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_2"))), IsEmpty());
  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> act_1,
                       store.ListPolicyRevisions(RevisionsOf("act_1", 1)));
  ASSERT_EQ(act_1.size(), 1u);
  EXPECT_EQ(act_1[0].version, Bare("act_1", 2).version);
}

TYPED_TEST(PolicyRevisionContract, RefusesTwoRevisionsOfOneAccountInOneCall) {
  Store& store = this->store();

  EXPECT_TRUE(HasStatus(store.AppendPolicyRevisions({Bare("act_1", 1), Bare("act_1", 2)}),
                        absl::StatusCode::kInvalidArgument,
                        "revisions[1].account_id: account 'act_1' has revisions[0] in this call"));
  EXPECT_TRUE(HasStatus(store.AppendPolicyRevisions({Bare("", 1), Bare("act_1", 1), Bare("", 2)}),
                        absl::StatusCode::kInvalidArgument,
                        "revisions[2].account_id: the deployment has revisions[0] in this call"));

  EXPECT_THAT(Names(store.LatestPolicyRevisions()), IsEmpty());
}

TYPED_TEST(PolicyRevisionContract, RefusesARevisionNoStoreTakesNamingTheField) {
  Store& store = this->store();
  // The second revision of a call, so that the message names its index.
  auto with = [](auto change) {
    PolicyRevision r = Bare("act_1", 1);
    r.overrides = EveryOverride();
    change(r);
    return std::vector<PolicyRevision>{FullDeployment(), r};
  };
  const std::pair<std::vector<PolicyRevision>, const char*> cases[] = {
      {with([](PolicyRevision& r) { r.revision = 0; }),
       "revisions[1].revision: must be at least 1, got 0"},
      {with([](PolicyRevision& r) { r.revision = -1; }),
       "revisions[1].revision: must be at least 1, got -1"},
      {with([](PolicyRevision& r) { r.version.clear(); }),
       "revisions[1].version: must not be empty"},
      {with([](PolicyRevision& r) { r.deployment_revision = -1; }),
       "revisions[1].deployment_revision: must not be negative, got -1"},
      {with([](PolicyRevision& r) {
         r.ladders = {{"lead_gen", {"PageView", "Lead"}}};
       }),
       "revisions[1].ladders: must be empty for account 'act_1'"},
      {with([](PolicyRevision& r) {
         r.overrides.near_exit_fraction = std::numeric_limits<double>::infinity();
       }),
       "revisions[1].overrides.near_exit_fraction: must be a finite number, got inf"},
      {with([](PolicyRevision& r) {
         r.overrides.friction_ratio = std::numeric_limits<double>::quiet_NaN();
       }),
       "revisions[1].overrides.friction_ratio: must be a finite number"},
      {with([](PolicyRevision& r) {
         r.change_time = absl::FromCivil(absl::CivilSecond(0, 12, 31), absl::UTCTimeZone());
       }),
       "revisions[1].change_time: "},
      {with([](PolicyRevision& r) { r.change_time = absl::InfiniteFuture(); }),
       "revisions[1].change_time: "},
  };

  for (const auto& [revisions, message] : cases) {
    EXPECT_TRUE(HasStatus(store.AppendPolicyRevisions(revisions),
                          absl::StatusCode::kInvalidArgument, message));
  }
  EXPECT_THAT(Names(store.LatestPolicyRevisions()), IsEmpty());
}

TYPED_TEST(PolicyRevisionContract, TheLatestAreTheDeploymentsThenByAccountId) {
  Store& store = this->store();
  // Appended out of order, with ids that byte order and a locale's order
  // would sort apart.
  this->AppendUpTo("act_b", 2);
  this->AppendUpTo("act_\xc3\xa9", 1);
  this->AppendUpTo("act_a", 3);
  this->AppendUpTo("ACT_Z", 1);
  this->AppendUpTo("act_9", 1);
  this->AppendUpTo("", 2);
  this->AppendUpTo("act_10", 1);

  EXPECT_THAT(
      Names(store.LatestPolicyRevisions()),
      ElementsAre("@2", "ACT_Z@1", "act_10@1", "act_9@1", "act_a@3", "act_b@2", "act_\xc3\xa9@1"));
}

TYPED_TEST(PolicyRevisionContract, ListsOneAccountNewestFirstPageByPage) {
  Store& store = this->store();
  this->AppendUpTo("act_1", 5);
  this->AppendUpTo("act_2", 2);
  this->AppendUpTo("", 3);

  EXPECT_THAT(this->Pages(RevisionsOf("act_1", 2)),
              ElementsAre(ElementsAre("act_1@5", "act_1@4"), ElementsAre("act_1@3", "act_1@2"),
                          ElementsAre("act_1@1"), IsEmpty()));
  EXPECT_THAT(this->Pages(RevisionsOf("")), ElementsAre(ElementsAre("@3", "@2", "@1"), IsEmpty()));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_1", 100, 3))),
              ElementsAre("act_1@2", "act_1@1"));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_1", 1, 99))),
              ElementsAre("act_1@5"));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_1", 100, 1))), IsEmpty());
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_2", 1000))),
              ElementsAre("act_2@2", "act_2@1"));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_3"))), IsEmpty());
}

TYPED_TEST(PolicyRevisionContract, RefusesAQueryWithoutAPositiveLimitOrWithANegativeBefore) {
  Store& store = this->store();
  this->AppendUpTo("act_1", 1);

  EXPECT_TRUE(HasStatus(StatusOf(store.ListPolicyRevisions(RevisionsOf("act_1", 0))),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got 0"));
  EXPECT_TRUE(HasStatus(StatusOf(store.ListPolicyRevisions(RevisionsOf("act_1", -1))),
                        absl::StatusCode::kInvalidArgument, "limit: must be positive, got -1"));
  EXPECT_TRUE(HasStatus(StatusOf(store.ListPolicyRevisions(RevisionsOf("act_1", 10, -1))),
                        absl::StatusCode::kInvalidArgument,
                        "policy_revision_query.before_revision: must not be negative, got -1"));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_1", 1))), ElementsAre("act_1@1"));
}

TYPED_TEST(PolicyRevisionContract, RevisionsSurviveReopeningTheStore) {
  if (!TypeParam::kDurable) GTEST_SKIP() << TypeParam::kName << " keeps nothing once closed";
  const PolicyRevision full = FullDeployment();
  ASSERT_OK(this->store().AppendPolicyRevisions({full, Bare("act_1", 1)}));

  this->Reopen();

  Store& store = this->store();
  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> latest, store.LatestPolicyRevisions());
  ASSERT_EQ(latest.size(), 2u);
  ExpectSameRevision(latest[0], full);
  ExpectSameRevision(latest[1], Bare("act_1", 1));
  EXPECT_EQ(store.AppendPolicyRevisions({Bare("act_1", 1)}).code(), absl::StatusCode::kAborted);
  ASSERT_OK(store.AppendPolicyRevisions({Bare("act_1", 2)}));
  EXPECT_THAT(Names(store.ListPolicyRevisions(RevisionsOf("act_1"))),
              ElementsAre("act_1@2", "act_1@1"));
}

// However appends of one account's next revision race, exactly one stores
// it; the others are refused rather than stored as a later number or over
// the first. Several rounds, so that the later ones race on connections
// that are open already.
TYPED_TEST(PolicyRevisionContract, RacingAppendsOfOneRevisionStoreOne) {
  constexpr int kThreads = 4;
  constexpr int64_t kRounds = 5;
  Store& store = this->store();
  this->AppendUpTo("act_1", 1);
  std::vector<std::string> winners;
  for (int64_t revision = 2; revision <= kRounds + 1; ++revision) {
    SCOPED_TRACE(absl::StrCat("revision ", revision));
    absl::Barrier start(kThreads);
    std::vector<absl::Status> answers(kThreads, absl::UnknownError("not run"));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const PolicyRevision r =
            WithVersion(Bare("act_1", revision), absl::StrCat("racer_", revision, "_", t));
        start.Block();
        answers[t] = store.AppendPolicyRevisions({r});
      });
    }
    for (std::thread& thread : threads) thread.join();

    std::vector<std::string> stored_by;
    for (int t = 0; t < kThreads; ++t) {
      if (answers[t].ok()) {
        stored_by.push_back(absl::StrCat("racer_", revision, "_", t));
      } else {
        EXPECT_EQ(answers[t].code(), absl::StatusCode::kAborted) << t << ": " << answers[t];
      }
    }
    ASSERT_EQ(stored_by.size(), 1u);
    winners.insert(winners.begin(), stored_by[0]);
  }

  ASSERT_OK_AND_ASSIGN(const std::vector<PolicyRevision> listed,
                       store.ListPolicyRevisions(RevisionsOf("act_1")));
  ASSERT_EQ(listed.size(), static_cast<size_t>(kRounds) + 1);
  // Newest first, down to revision 1, which did not race.
  std::vector<std::string> versions;
  for (size_t i = 0; i < winners.size(); ++i) versions.push_back(listed[i].version);
  EXPECT_EQ(versions, winners);
}

}  // namespace
}  // namespace rung
