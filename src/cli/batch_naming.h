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
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "rung/v1/ad_set.pb.h"

namespace rung::cli {

namespace internal {
// 32 hex digits of a SHA-256 of `bytes`.
absl::StatusOr<std::string> DigestKey(const std::string& bytes);
}  // namespace internal

// 32 hex digits of a SHA-256 over `context` and every record of `weeks` (a
// vector or a request's repeated field), so that the same records sent again
// get the same request ids (and are written once), while another record or
// context gets new ones.
template <typename Weeks>
absl::StatusOr<std::string> BatchDigest(absl::string_view context, const Weeks& weeks) {
  std::string bytes = absl::StrCat(context, ";");
  {
    // One stream for all: a stream per record resized the string each time.
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);  // maps in a fixed order
    for (const v1::AdSetWeek& week : weeks) {
      coded.WriteVarint64(week.ByteSizeLong());
      week.SerializeWithCachedSizes(&coded);
    }
  }
  return internal::DigestKey(bytes);
}

// The daemon names records by their index in the batch ("weeks[3].ad_set_id:
// ..."); `name_of` gives the name people know ("line 7") or nullopt to keep
// the index. "weeks[3].field" becomes "<name>, field".
std::string NameRecords(absl::string_view message,
                        absl::FunctionRef<std::optional<std::string>(size_t index)> name_of);

}  // namespace rung::cli

#endif  // RUNG_CLI_BATCH_NAMING_H_
