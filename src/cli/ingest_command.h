#ifndef RUNG_CLI_INGEST_COMMAND_H_
#define RUNG_CLI_INGEST_COMMAND_H_

#include "absl/status/status.h"
#include "cli/args.h"
#include "cli/session.h"

namespace rung::cli {

// `rungctl ingest FILE`: reads an export file (or stdin for "-") with the
// importers, and sends its records in batches of IngestWeeks, each with a
// request id derived from the records, so that running the same import again
// writes nothing twice. A refused batch stops the import; the error names the
// file's line or element and how many records earlier batches already stored.
absl::Status RunIngest(const Invocation& invocation, Session& session);

}  // namespace rung::cli

#endif  // RUNG_CLI_INGEST_COMMAND_H_
