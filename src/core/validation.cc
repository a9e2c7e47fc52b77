#include "rung/validation.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "core/request_checks.h"
#include "core/text.h"
#include "rung/events.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

// No Meta ad data predates this; an earlier week is a typo such as 1026.
constexpr absl::CivilDay kEarliestMonday(2000, 1, 3);
// Past this many distinct warnings the rest are summarized in one line, so
// that a batch full of odd names cannot balloon the answer.
constexpr size_t kMaxWarnings = 100;

absl::Status FieldError(size_t index, absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("weeks[", index, "].", field, ": ", message));
}

// Prefixes an error from a helper that does not know the field.
absl::Status WithField(size_t index, absl::string_view field, const absl::Status& status) {
  return FieldError(index, field, status.message());
}

// Something worth telling the caller that does not make a record invalid.
enum class NoteKind { kCustomEvent, kUncountedOptimizationEvent };

struct Note {
  NoteKind kind;
  std::string event;
  absl::string_view field;  // where it was seen; always a string literal
};

// Folds the notes of many records into one warning per (kind, event), in
// first-seen order, counting the records that raised it.
class WarningCollector {
 public:
  void Add(size_t index, const std::vector<Note>& notes) {
    for (const Note& note : notes) {
      const auto [it, inserted] =
          positions_.try_emplace(std::make_pair(note.kind, note.event), entries_.size());
      if (inserted) {
        entries_.push_back({note.kind, note.event, note.field, index, 1, index});
        continue;
      }
      Entry& entry = entries_[it->second];
      // A name seen twice in one record still counts one record.
      if (entry.last_index != index) ++entry.records;
      entry.last_index = index;
    }
  }

  void AppendTo(std::vector<std::string>* warnings) const {
    const size_t shown = std::min(entries_.size(), kMaxWarnings);
    for (size_t i = 0; i < shown; ++i) warnings->push_back(Format(entries_[i]));
    if (entries_.size() > shown) {
      warnings->push_back(absl::StrCat(entries_.size() - shown, " more warnings not shown"));
    }
  }

 private:
  struct Entry {
    NoteKind kind;
    std::string event;
    absl::string_view first_field;
    size_t first_index;
    int records;
    size_t last_index;
  };

  static std::string Format(const Entry& entry) {
    const std::string seen =
        absl::StrCat("(first seen at weeks[", entry.first_index, "].", entry.first_field, ", ",
                     entry.records, entry.records == 1 ? " record)" : " records)");
    switch (entry.kind) {
      case NoteKind::kCustomEvent:
        return absl::StrCat("custom event ", Quote(entry.event), " is not a standard event ", seen,
                            "; stored as is, check the spelling");
      case NoteKind::kUncountedOptimizationEvent:
        return absl::StrCat("optimization event ", entry.event, " has no count ", seen,
                            "; it is read as 0");
    }
    return "";
  }

  absl::flat_hash_map<std::pair<NoteKind, std::string>, size_t> positions_;
  std::vector<Entry> entries_;
};

// The record's path is spelled out only for a refusal: every record has three ids.
absl::Status CheckId(absl::string_view id, size_t index, absl::string_view field) {
  const absl::Status status = CheckStoredId(AsStd(field), AsStd(id));
  if (status.ok()) return status;
  return WithMessagePrefix(absl::StrCat("weeks[", index, "]."), status);
}

absl::StatusOr<Week> CheckWeek(const std::string& text, size_t index, absl::CivilDay today) {
  constexpr absl::string_view kField = "week_start";
  absl::StatusOr<Week> week = Week::Parse(text);
  if (!week.ok()) return WithField(index, kField, week.status());
  const absl::Status started = CheckStarted(*week, today);
  if (!started.ok()) return WithField(index, kField, started);
  if (week->monday() < kEarliestMonday) {
    return FieldError(
        index, kField,
        absl::StrCat("week ", week->ToString(), " is before ",
                     absl::FormatCivilTime(kEarliestMonday), ", the earliest week accepted"));
  }
  return week;
}

absl::StatusOr<std::string> CheckOptimizationEvent(const std::string& raw, size_t index,
                                                   std::vector<Note>* notes) {
  constexpr absl::string_view kField = "optimization_event";
  if (raw.empty()) return FieldError(index, kField, "is required");
  absl::StatusOr<NormalizedEvent> event = NormalizeEventName(raw);
  if (!event.ok()) return WithField(index, kField, event.status());
  if (event->kind == EventNameKind::kCustom) {
    notes->push_back({NoteKind::kCustomEvent, event->name, kField});
  }
  return std::move(event->name);
}

absl::Status CheckCount(int64_t count, size_t index, absl::string_view field) {
  if (count < 0) {
    return FieldError(index, field,
                      absl::StrCat("count ", count, " is negative; counts are 0 or more"));
  }
  if (count > kMaxEventCount) {
    return FieldError(index, field,
                      absl::StrCat("count ", count, " exceeds the maximum of ", kMaxEventCount));
  }
  return absl::OkStatus();
}

// Normalizes names and merges aliases. Entries are taken in (name, count)
// order, so the error reported, and the pair a conflict names, do not depend
// on the order the caller sent them in.
absl::StatusOr<std::map<std::string, int64_t>> CheckEventCounts(
    const std::vector<std::pair<std::string, int64_t>>& raw, size_t index,
    std::vector<Note>* notes) {
  constexpr absl::string_view kField = "event_counts";
  std::vector<const std::pair<std::string, int64_t>*> sorted;
  sorted.reserve(raw.size());
  for (const auto& entry : raw) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a < *b; });

  std::map<std::string, int64_t> counts;
  // The raw name each stored count came from, to name it in a conflict.
  std::map<absl::string_view, const std::string*> source;
  for (const auto* entry : sorted) {
    const auto& [name, count] = *entry;
    const std::string field = absl::StrCat(kField, "[", Quote(name), "]");
    absl::StatusOr<NormalizedEvent> event = NormalizeEventName(name);
    if (!event.ok()) return WithField(index, field, event.status());
    RETURN_IF_ERROR(CheckCount(count, index, field));
    if (event->kind == EventNameKind::kCustom) {
      notes->push_back({NoteKind::kCustomEvent, event->name, kField});
    }
    const auto [it, inserted] = counts.try_emplace(event->name, count);
    if (inserted) {
      source.emplace(it->first, &name);
    } else if (it->second != count) {
      // Insights repeats one event under several aliases: equal values are
      // the same conversions, unequal ones cannot both be right.
      const std::string& first = *source.at(it->first);
      return FieldError(index, kField,
                        absl::StrCat(Quote(first), " (", it->second, ") and ", Quote(name), " (",
                                     count, ") both mean ", it->first, " but disagree"));
    }
  }
  return counts;
}

absl::StatusOr<ReportedLearning> CheckReportedLearning(absl::string_view text, size_t index) {
  static constexpr std::pair<absl::string_view, ReportedLearning> kStatuses[] = {
      {"LEARNING", ReportedLearning::kLearning},
      {"SUCCESS", ReportedLearning::kSuccess},
      {"FAIL", ReportedLearning::kFail},
  };
  absl::string_view name = text;
  // The proto enum's full names are accepted too; only there is UNSPECIFIED
  // a legal spelling of "not reported".
  const bool prefixed = absl::ConsumePrefix(&name, "REPORTED_LEARNING_STATUS_");
  if (prefixed ? name == "UNSPECIFIED" : name.empty()) return ReportedLearning::kUnspecified;
  for (const auto& [status_name, status] : kStatuses) {
    if (name == status_name) return status;
  }
  return FieldError(index, "reported_learning_status",
                    absl::StrCat(Quote(text),
                                 " is not LEARNING, SUCCESS or FAIL (optionally prefixed with "
                                 "REPORTED_LEARNING_STATUS_), nor empty"));
}

absl::Status CheckNonNegativeSpend(const std::optional<int64_t>& spend_micros, size_t index) {
  if (spend_micros.has_value() && *spend_micros < 0) {
    return FieldError(index, "spend_micros",
                      absl::StrCat("is ", *spend_micros, "; spend is 0 or more"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<int32_t>> CheckThreshold(const std::optional<int64_t>& threshold,
                                                      size_t index) {
  if (!threshold.has_value()) return std::optional<int32_t>();
  if (*threshold < 1 || *threshold > kMaxLearningThreshold) {
    return FieldError(
        index, "learning_threshold_override",
        absl::StrCat("is ", *threshold, "; it must be between 1 and ", kMaxLearningThreshold));
  }
  return std::optional<int32_t>(static_cast<int32_t>(*threshold));
}

absl::Status CheckLadder(const std::string& ladder, size_t index, const LadderRegistry& ladders) {
  if (ladder.empty() || ladders.Find(ladder) != nullptr) return absl::OkStatus();
  return FieldError(index, "ladder",
                    absl::StrCat("unknown ladder ", Quote(ladder),
                                 "; known ladders: ", absl::StrJoin(ladders.Names(), ", ")));
}

// ValidateRecord, with its warnings still as notes so that a batch can fold
// them across records.
absl::StatusOr<AdSetWeek> CheckRecord(const RawAdSetWeek& raw, size_t index,
                                      const LadderRegistry& ladders, absl::CivilDay today,
                                      std::vector<Note>* notes) {
  RETURN_IF_ERROR(CheckId(raw.account_id, index, "account_id"));
  RETURN_IF_ERROR(CheckId(raw.campaign_id, index, "campaign_id"));
  RETURN_IF_ERROR(CheckId(raw.ad_set_id, index, "ad_set_id"));
  AdSetWeek record;
  ASSIGN_OR_RETURN(record.week, CheckWeek(raw.week_start, index, today));
  ASSIGN_OR_RETURN(record.optimization_event,
                   CheckOptimizationEvent(raw.optimization_event, index, notes));
  RETURN_IF_ERROR(CheckNonNegativeSpend(raw.spend_micros, index));
  ASSIGN_OR_RETURN(record.event_counts, CheckEventCounts(raw.event_counts, index, notes));
  ASSIGN_OR_RETURN(record.reported_learning,
                   CheckReportedLearning(raw.reported_learning_status, index));
  ASSIGN_OR_RETURN(record.learning_threshold_override,
                   CheckThreshold(raw.learning_threshold_override, index));
  RETURN_IF_ERROR(CheckLadder(raw.ladder, index, ladders));

  if (record.event_counts.count(record.optimization_event) == 0) {
    notes->push_back(
        {NoteKind::kUncountedOptimizationEvent, record.optimization_event, "event_counts"});
  }
  record.account_id = raw.account_id;
  record.campaign_id = raw.campaign_id;
  record.ad_set_id = raw.ad_set_id;
  record.spend_micros = raw.spend_micros;
  record.ladder = raw.ladder;
  record.significant_edit = raw.significant_edit;
  return record;
}

// An ad set belongs to one account and campaign; a request that says
// otherwise contradicts itself.
absl::Status CheckSameOwner(const AdSetWeek& record, size_t index, const AdSetWeek& first,
                            size_t first_index) {
  const auto conflict = [&](absl::string_view field, const std::string& mine,
                            const std::string& theirs) {
    return FieldError(index, field,
                      absl::StrCat("ad set ", Quote(record.ad_set_id), " is under ", Quote(theirs),
                                   " at weeks[", first_index, "] but ", Quote(mine), " here"));
  };
  if (record.account_id != first.account_id) {
    return conflict("account_id", record.account_id, first.account_id);
  }
  if (record.campaign_id != first.campaign_id) {
    return conflict("campaign_id", record.campaign_id, first.campaign_id);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AdSetWeek> ValidateRecord(const RawAdSetWeek& raw, size_t index,
                                         const LadderRegistry& ladders, absl::CivilDay today,
                                         std::vector<std::string>* warnings) {
  std::vector<Note> notes;
  ASSIGN_OR_RETURN(AdSetWeek record, CheckRecord(raw, index, ladders, today, &notes));
  WarningCollector collector;
  collector.Add(index, notes);
  collector.AppendTo(warnings);
  return record;
}

absl::StatusOr<ValidatedBatch> ValidateBatch(const std::vector<RawAdSetWeek>& raw,
                                             const LadderRegistry& ladders,
                                             const ValidationOptions& options) {
  if (raw.size() > static_cast<size_t>(std::max(options.max_batch_size, 0))) {
    return absl::ResourceExhaustedError(
        absl::StrCat("weeks: ", raw.size(), " records exceed the maximum batch size of ",
                     options.max_batch_size, "; split the request"));
  }
  ValidatedBatch batch;
  batch.records.reserve(raw.size());
  WarningCollector collector;
  absl::flat_hash_map<absl::string_view, size_t> first_of_ad_set;
  absl::flat_hash_map<std::pair<absl::string_view, absl::CivilDay>, size_t> index_of_week;
  std::vector<Note> notes;
  for (size_t i = 0; i < raw.size(); ++i) {
    notes.clear();
    ASSIGN_OR_RETURN(AdSetWeek record, CheckRecord(raw[i], i, ladders, options.today, &notes));
    collector.Add(i, notes);
    // Keys view raw[i], which outlives the maps.
    const absl::string_view ad_set_id = raw[i].ad_set_id;
    const auto [first, new_ad_set] = first_of_ad_set.try_emplace(ad_set_id, i);
    if (!new_ad_set) {
      RETURN_IF_ERROR(CheckSameOwner(record, i, batch.records[first->second], first->second));
    }
    const auto [earlier, new_week] =
        index_of_week.try_emplace({ad_set_id, record.week.monday()}, i);
    if (!new_week) {
      return FieldError(i, "week_start",
                        absl::StrCat("ad set ", Quote(ad_set_id), " week ", record.week.ToString(),
                                     " already appears at weeks[", earlier->second, "]"));
    }
    batch.records.push_back(std::move(record));
  }
  collector.AppendTo(&batch.warnings);
  return batch;
}

}  // namespace rung
