#ifndef RUNG_CLI_BATCH_NAMING_H_
#define RUNG_CLI_BATCH_NAMING_H_

// What `ingest` and `sync` share about the batches they send: idempotency
// keys derived from the content, and the daemon's record indexes turned into
// names people know.

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rung/v1/ad_set.pb.h"

namespace rung::cli {

// 32 hex digits of a SHA-256 over `context` and every record, so that the
// same records sent again get the same request ids (and are written once),
// while another record or context gets new ones.
absl::StatusOr<std::string> BatchDigest(absl::string_view context,
                                        const std::vector<v1::AdSetWeek>& weeks);

// The daemon names records by their index in the batch ("weeks[3].ad_set_id:
// ..."); `name_of` gives the name people know ("line 7") or nullopt to keep
// the index. "weeks[3].field" becomes "<name>, field".
std::string NameRecords(absl::string_view message,
                        absl::FunctionRef<std::optional<std::string>(size_t index)> name_of);

}  // namespace rung::cli

#endif  // RUNG_CLI_BATCH_NAMING_H_
