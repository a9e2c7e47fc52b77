#include "cli/args.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/text.h"  // Quote
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

constexpr absl::string_view kUsagePayload = "rung.cli/usage";
constexpr absl::string_view kReportedPayload = "rung.cli/reported";

const FlagSpec* FindFlag(absl::Span<const FlagSpec> flags, absl::string_view name) {
  for (const FlagSpec& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

const CommandSpec* FindCommand(absl::Span<const CommandSpec> commands, absl::string_view name) {
  for (const CommandSpec& command : commands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// The subcommands of group `name` ("climb-test"), empty when it is no group.
std::vector<absl::string_view> Subcommands(absl::Span<const CommandSpec> commands,
                                           absl::string_view name) {
  std::vector<absl::string_view> subcommands;
  const std::string prefix = absl::StrCat(name, " ");
  for (const CommandSpec& command : commands) {
    if (absl::StartsWith(command.name, prefix)) {
      subcommands.push_back(command.name.substr(prefix.size()));
    }
  }
  return subcommands;
}

// "--as-of --dry-run" forgot the week; "-" (stdin) and "-3" are values.
bool LooksLikeFlag(absl::string_view arg) { return absl::StartsWith(arg, "--") && arg.size() > 2; }

std::string FlagUsage(const FlagSpec& flag) {
  switch (flag.arity) {
    case FlagArity::kSwitch: return absl::StrCat("[", flag.name, "]");
    case FlagArity::kValue: return absl::StrCat("[", flag.name, " ", flag.value_name, "]");
    case FlagArity::kRepeated: return absl::StrCat("[", flag.name, " ", flag.value_name, "]...");
  }
  return "";
}

// One line per flag, help aligned after the longest "--flag VALUE".
std::string FlagList(absl::Span<const FlagSpec> flags) {
  size_t width = 0;
  for (const FlagSpec& flag : flags)
    width = std::max(width, flag.name.size() + 1 + flag.value_name.size());
  std::string text;
  for (const FlagSpec& flag : flags) {
    std::string left = absl::StrCat(flag.name, " ", flag.value_name);
    left.resize(width, ' ');
    absl::StrAppend(&text, "  ", left, "  ", flag.help, "\n");
  }
  return text;
}

}  // namespace

std::string Invocation::Value(absl::string_view flag, absl::string_view fallback) const {
  auto it = flags_.find(flag);
  return it == flags_.end() ? std::string(fallback) : it->second.back();
}

std::vector<std::string> Invocation::Values(absl::string_view flag) const {
  auto it = flags_.find(flag);
  return it == flags_.end() ? std::vector<std::string>() : it->second;
}

absl::Status Invocation::ReadFlag(const std::vector<std::string>& args, size_t* i,
                                  absl::Span<const FlagSpec> common) {
  const std::string& arg = args[*i];
  const size_t equals = arg.find('=');
  const std::string name = arg.substr(0, equals);
  const FlagSpec* flag = FindFlag(common, name);
  if (flag == nullptr && command_ != nullptr) flag = FindFlag(command_->flags, name);
  if (flag == nullptr) {
    return UsageError(command_ == nullptr
                          ? absl::StrCat("unknown flag ", name)
                          : absl::StrCat("unknown flag ", name, " for ", command_->name));
  }
  std::vector<std::string>& values = flags_[name];
  if (flag->arity == FlagArity::kSwitch) {
    if (equals != std::string::npos) return UsageError(absl::StrCat(name, " takes no value"));
    values.push_back("true");
  } else if (equals != std::string::npos) {
    values.push_back(arg.substr(equals + 1));
  } else if (*i + 1 < args.size() && !LooksLikeFlag(args[*i + 1])) {
    values.push_back(args[++*i]);
  } else {
    return UsageError(absl::StrCat(name, " needs a value (", flag->value_name, ")"));
  }
  return absl::OkStatus();
}

absl::Status Invocation::ReadWord(const std::string& word, absl::Span<const CommandSpec> commands,
                                  std::string* command_name) {
  if (command_ != nullptr) {
    positionals_.push_back(word);
    return absl::OkStatus();
  }
  *command_name = command_name->empty() ? word : absl::StrCat(*command_name, " ", word);
  command_ = FindCommand(commands, *command_name);
  if (command_ == nullptr && Subcommands(commands, *command_name).empty()) {
    return UsageError(absl::StrCat("unknown command '", *command_name, "'"));
  }
  return absl::OkStatus();
}

absl::Status Invocation::CheckComplete(const std::string& command_name,
                                       absl::Span<const CommandSpec> commands) const {
  if (command_ == nullptr) {
    if (command_name.empty()) return UsageError("no command given");
    return UsageError(absl::StrCat(
        command_name, " needs one of: ", absl::StrJoin(Subcommands(commands, command_name), ", ")));
  }
  const std::vector<absl::string_view>& expected = command_->positionals;
  if (positionals_.size() < expected.size()) {
    return UsageError(absl::StrCat("missing ", expected[positionals_.size()]));
  }
  if (positionals_.size() > expected.size()) {
    return UsageError(absl::StrCat("unexpected argument '", positionals_[expected.size()], "'"));
  }
  return absl::OkStatus();
}

absl::Status ParseCommandLine(const std::vector<std::string>& args,
                              absl::Span<const CommandSpec> commands,
                              absl::Span<const FlagSpec> common, Invocation* invocation) {
  *invocation = Invocation();
  std::string command_name;
  bool flags_ended = false;  // after "--", every argument is a word
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!flags_ended && arg == "--") {
      flags_ended = true;
    } else if (!flags_ended && (arg == "--help" || arg == "-h")) {
      invocation->help_ = true;
    } else if (!flags_ended && arg.size() > 1 && arg[0] == '-') {
      RETURN_IF_ERROR(invocation->ReadFlag(args, &i, common));
    } else {
      RETURN_IF_ERROR(invocation->ReadWord(arg, commands, &command_name));
    }
  }
  return invocation->help_ ? absl::OkStatus() : invocation->CheckComplete(command_name, commands);
}

std::string UsageLine(const CommandSpec& command) {
  std::vector<std::string> parts = {"usage: rungctl", std::string(command.name)};
  for (absl::string_view positional : command.positionals) parts.emplace_back(positional);
  for (const FlagSpec& flag : command.flags) parts.push_back(FlagUsage(flag));
  parts.emplace_back("[common flags]");
  return absl::StrJoin(parts, " ");
}

std::string CommandHelp(const CommandSpec& command, absl::Span<const FlagSpec> common) {
  std::string text = absl::StrCat(UsageLine(command), "\n\n", command.summary, "\n");
  if (!command.flags.empty()) absl::StrAppend(&text, "\nflags:\n", FlagList(command.flags));
  absl::StrAppend(&text, "\ncommon flags:\n", FlagList(common));
  return text;
}

std::string ProgramHelp(absl::Span<const CommandSpec> commands, absl::Span<const FlagSpec> common) {
  std::string text =
      "usage: rungctl COMMAND [ARGUMENTS] [FLAGS]\n\n"
      "Talks to a running rungd over gRPC. `rungctl COMMAND --help` explains one command.\n\n"
      "commands:\n";
  size_t width = 0;
  std::vector<std::string> synopses;
  for (const CommandSpec& command : commands) {
    std::vector<std::string> words = {std::string(command.name)};
    for (absl::string_view positional : command.positionals) words.emplace_back(positional);
    synopses.push_back(absl::StrJoin(words, " "));
    width = std::max(width, synopses.back().size());
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    synopses[i].resize(width, ' ');
    absl::StrAppend(&text, "  ", synopses[i], "  ", commands[i].summary, "\n");
  }
  absl::StrAppend(&text, "\ncommon flags:\n", FlagList(common),
                  "\nExit status: 0 on success, 1 on a failure (explained in one line on stderr),"
                  " 2 on bad usage.\n");
  return text;
}

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord());
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  if (file) content << file.rdbuf();
  if (!file || file.bad()) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", strerror(errno)));
  }
  return content.str();
}

absl::Status AlreadyReported() {
  absl::Status status = absl::UnknownError("reported on stderr");
  status.SetPayload(kReportedPayload, absl::Cord());
  return status;
}

bool IsAlreadyReported(const absl::Status& status) {
  return status.GetPayload(kReportedPayload).has_value();
}

absl::StatusOr<int> ParsePositiveInt(absl::string_view flag, absl::string_view text) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 1) {
    return UsageError(
        absl::StrCat(flag, ": ", Quote(text, '\''), " is not a positive whole number"));
  }
  return value;
}

absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view flag, absl::string_view text) {
  absl::Duration duration = absl::ZeroDuration();
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds)) {
    if (std::isfinite(seconds)) duration = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &duration)) {
    duration = absl::ZeroDuration();
  }
  if (duration <= absl::ZeroDuration() || duration == absl::InfiniteDuration()) {
    return UsageError(absl::StrCat(flag, ": ", Quote(text, '\''),
                                   " is not a positive duration such as 30s, 5m or 90"));
  }
  return duration;
}

}  // namespace rung::cli
