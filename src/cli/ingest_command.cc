#include "cli/ingest_command.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/proto_convert.h"
#include "cli/batch_naming.h"
#include "cli/output.h"
#include "core/text.h"
#include "nlohmann/json.hpp"
#include "rung/import.h"
#include "rung/status_macros.h"
#include "rung/validation.h"

namespace rung::cli {
namespace {

constexpr int kDefaultBatchSize = 500;
constexpr absl::string_view kDefaultRequestIdPrefix = "rungctl";
// Leaves room in kMaxRequestIdLength for "-<key>-<batch index>".
constexpr size_t kMaxRequestIdPrefixLength = 80;

struct IngestFlags {
  std::string path;
  ImportOptions import;
  int batch_size = kDefaultBatchSize;
  std::string request_id_prefix;
};

absl::StatusOr<IngestFlags> ReadFlags(const Invocation& invocation) {
  IngestFlags flags;
  flags.path = invocation.positionals()[0];
  absl::StatusOr<ImportFormat> format = ImportFormatFromName(invocation.Value("--format", "auto"));
  if (!format.ok()) return UsageError(absl::StrCat("--format: ", format.status().message()));
  flags.import.format = *format;
  flags.import.default_optimization_event = invocation.Value("--optimization-event");
  flags.import.default_account_id = invocation.Value("--account");
  if (invocation.Has("--batch-size")) {
    ASSIGN_OR_RETURN(flags.batch_size,
                     ParsePositiveInt("--batch-size", invocation.Value("--batch-size")));
  }
  flags.request_id_prefix = invocation.Value("--request-id-prefix", kDefaultRequestIdPrefix);
  if (flags.request_id_prefix.size() > kMaxRequestIdPrefixLength) {
    return UsageError(
        absl::StrCat("--request-id-prefix: at most ", kMaxRequestIdPrefixLength, " characters"));
  }
  return flags;
}

absl::StatusOr<std::string> ReadInput(const std::string& path, std::istream& in) {
  if (path != "-") return ReadWholeFile(path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// The records as the API's messages; an error names the record's place.
absl::StatusOr<std::vector<v1::AdSetWeek>> ToMessages(const std::vector<ImportedRecord>& records) {
  std::vector<v1::AdSetWeek> weeks(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const absl::Status status = ToProto(records[i].week, &weeks[i]);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(records[i].source, ", ", status.message()));
    }
  }
  return weeks;
}

// The daemon's "weeks[i]" of a batch that starts at record `offset`, as the
// record's place in the file ("line 7").
std::string NameRecords(absl::string_view message, const std::vector<ImportedRecord>& records,
                        size_t offset) {
  return cli::NameRecords(message, [&](size_t index) -> std::optional<std::string> {
    if (offset + index >= records.size()) return std::nullopt;
    return records[offset + index].source;
  });
}

// What the accepted batches added up to.
class Totals {
 public:
  // Batch `batch` of the records from `begin` on, `count` of them, was stored.
  void Add(const v1::IngestWeeksResponse& response, int batch, size_t begin, size_t count,
           const std::vector<ImportedRecord>& records) {
    batches = batch + 1;
    stored += static_cast<int>(count);
    inserted += response.inserted();
    updated += response.updated();
    unchanged += response.unchanged();
    for (const std::string& warning : response.warnings()) {
      std::string named = NameRecords(warning, records, begin);
      if (seen_warnings_.insert(named).second) warnings.push_back(std::move(named));
    }
  }

  int batches = 0;
  int stored = 0;
  int inserted = 0;
  int updated = 0;
  int unchanged = 0;
  std::vector<std::string> warnings;  // each once, in the order first seen

 private:
  absl::flat_hash_set<std::string> seen_warnings_;
};

// Why batch `batch` failed, with the file's places and what stayed stored.
absl::Status BatchFailure(const absl::Status& status, const std::vector<ImportedRecord>& records,
                          size_t begin, size_t end, int batch, int batches, const Totals& totals) {
  const std::string stored =
      totals.stored == 0
          ? "nothing was stored"
          : absl::StrCat("the ", totals.stored, " records of earlier batches stay stored");
  return absl::Status(status.code(),
                      absl::StrCat(NameRecords(status.message(), records, begin), " (batch ",
                                   batch + 1, " of ", batches, ", ", records[begin].source, " to ",
                                   records[end - 1].source, ", failed; ", stored, ")"));
}

void PrintSummary(const IngestFlags& flags, const ImportedFile& file, const Totals& totals,
                  Session& session) {
  if (session.json()) {
    nlohmann::ordered_json summary = {{"file", flags.path},
                                      {"format", std::string(ImportFormatName(file.format))},
                                      {"records", file.records.size()},
                                      {"batches", totals.batches},
                                      {"inserted", totals.inserted},
                                      {"updated", totals.updated},
                                      {"unchanged", totals.unchanged},
                                      {"warnings", totals.warnings},
                                      {"notes", file.notes}};
    session.out() << summary.dump(2) << "\n";
    return;
  }
  std::ostream& out = session.out();
  out << "ingested " << file.records.size() << " records from " << flags.path << " ("
      << ImportFormatName(file.format) << ") in " << totals.batches
      << (totals.batches == 1 ? " batch: " : " batches: ") << totals.inserted << " inserted, "
      << totals.updated << " updated, " << totals.unchanged << " unchanged\n";
  for (const std::string& warning : totals.warnings) out << "warning: " << warning << "\n";
  for (const std::string& note : file.notes) out << "note: " << note << "\n";
}

}  // namespace

absl::Status RunIngest(const Invocation& invocation, Session& session) {
  ASSIGN_OR_RETURN(const IngestFlags flags, ReadFlags(invocation));
  ASSIGN_OR_RETURN(const std::string content, ReadInput(flags.path, session.in()));
  absl::StatusOr<ImportedFile> file = ParseImportFile(content, flags.path, flags.import);
  if (!file.ok()) {
    return WithMessagePrefix(absl::StrCat(flags.path, ": "), file.status());
  }
  ASSIGN_OR_RETURN(const std::vector<v1::AdSetWeek> weeks, ToMessages(file->records));
  ASSIGN_OR_RETURN(const std::string key, BatchDigest(absl::StrCat(flags.batch_size), weeks));

  const size_t size = static_cast<size_t>(flags.batch_size);
  const int batches = static_cast<int>((weeks.size() + size - 1) / size);
  ProgressBar progress(session.err(), session.err_is_terminal() && batches > 1,
                       static_cast<int>(weeks.size()));
  Totals totals;
  for (int batch = 0; batch < batches; ++batch) {
    const size_t begin = batch * size;
    const size_t end = std::min(begin + size, weeks.size());
    v1::IngestWeeksRequest request;
    request.mutable_weeks()->Add(weeks.begin() + begin, weeks.begin() + end);
    request.set_request_id(absl::StrCat(flags.request_id_prefix, "-", key, "-", batch));
    v1::IngestWeeksResponse response;
    const absl::Status status =
        session.Call(&v1::AdvisorService::Stub::IngestWeeks, request, &response);
    if (!status.ok()) {
      progress.Clear();
      return BatchFailure(status, file->records, begin, end, batch, batches, totals);
    }
    totals.Add(response, batch, begin, end - begin, file->records);
    progress.Update(totals.stored);
  }
  progress.Clear();
  PrintSummary(flags, *file, totals, session);
  return absl::OkStatus();
}

}  // namespace rung::cli
