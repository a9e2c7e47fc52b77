#ifndef RUNG_CLI_ARGS_H_
#define RUNG_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace rung::cli {

class Invocation;
class Session;

enum class FlagArity {
  kSwitch,    // --json
  kValue,     // --as-of WEEK or --as-of=WEEK; the last one given wins
  kRepeated,  // --action A --action B
};

struct FlagSpec {
  absl::string_view name;  // with its dashes: "--as-of"
  FlagArity arity = FlagArity::kSwitch;
  absl::string_view value_name;  // "WEEK"; empty for a switch
  absl::string_view help;
};

// One row of rungctl's command table: what the command line may hold and what
// runs it. Commands of a group are named with a space: "climb-test start".
struct CommandSpec {
  absl::string_view name;
  std::vector<absl::string_view> positionals;  // "AD_SET_ID", each required
  std::vector<FlagSpec> flags;
  absl::string_view summary;
  absl::Duration default_timeout;
  absl::Status (*run)(const Invocation& invocation, Session& session) = nullptr;
};

// A command line whose shape (command, flags, argument count) matched the
// table. Values are still text: each command judges its own.
class Invocation {
 public:
  // Null when no command was named (a bare `rungctl --help`).
  const CommandSpec* command() const { return command_; }
  bool help() const { return help_; }
  const std::vector<std::string>& positionals() const { return positionals_; }

  bool Has(absl::string_view flag) const { return flags_.count(flag) != 0; }
  // The last value given, or `fallback`.
  std::string Value(absl::string_view flag, absl::string_view fallback = "") const;
  // Every value given, in order.
  std::vector<std::string> Values(absl::string_view flag) const;

 private:
  friend absl::Status ParseCommandLine(const std::vector<std::string>&,
                                       absl::Span<const CommandSpec>, absl::Span<const FlagSpec>,
                                       Invocation*);
  // The flag at args[*i], and its value, which may be the next argument.
  absl::Status ReadFlag(const std::vector<std::string>& args, size_t* i,
                        absl::Span<const FlagSpec> common);
  // A word that is no flag: part of the command's name until one matches
  // (`command_name` holds the words so far), then an argument.
  absl::Status ReadWord(const std::string& word, absl::Span<const CommandSpec> commands,
                        std::string* command_name);
  // After the last argument: a whole command with all of its arguments.
  absl::Status CheckComplete(const std::string& command_name,
                             absl::Span<const CommandSpec> commands) const;

  const CommandSpec* command_ = nullptr;
  bool help_ = false;
  std::vector<std::string> positionals_;
  std::map<std::string, std::vector<std::string>, std::less<>> flags_;
};

// Reads `args` (without the program name) into `invocation`. Flags may come
// before or after the command; `common` flags apply to every command; --help
// (or -h) anywhere asks for help instead of running. Errors are usage errors;
// `invocation` then still names the command when it got that far, so that
// its usage line can be shown.
absl::Status ParseCommandLine(const std::vector<std::string>& args,
                              absl::Span<const CommandSpec> commands,
                              absl::Span<const FlagSpec> common, Invocation* invocation);

// "usage: rungctl evaluate [--as-of WEEK] [--account ID] [--dry-run] [common flags]"
std::string UsageLine(const CommandSpec& command);
// The usage line, the summary and every flag explained.
std::string CommandHelp(const CommandSpec& command, absl::Span<const FlagSpec> common);
// Every command and the common flags.
std::string ProgramHelp(absl::Span<const CommandSpec> commands, absl::Span<const FlagSpec> common);

// Bad usage (exit 2) as opposed to a failure (exit 1): INVALID_ARGUMENT
// marked with a payload, so that a server's INVALID_ARGUMENT stays a failure.
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);

// A failure (exit 1) that the command has already told on stderr, one line
// each, so that main adds none; for commands that can fail several times,
// such as a sync of several accounts.
absl::Status AlreadyReported();
bool IsAlreadyReported(const absl::Status& status);

// The whole of the file at `path`. NOT_FOUND ("cannot read PATH: why") when
// it cannot be opened or read.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Flag values. Errors are usage errors naming the flag.
absl::StatusOr<int> ParsePositiveInt(absl::string_view flag, absl::string_view text);
// "30s", "5m", "1h30m", or plain seconds ("90").
absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view flag, absl::string_view text);

}  // namespace rung::cli

#endif  // RUNG_CLI_ARGS_H_
