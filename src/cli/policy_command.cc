#include "cli/policy_command.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "api/proto_json.h"
#include "cli/output.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/time_util.h"
#include "rung/status_macros.h"

namespace rung::cli {
namespace {

using AdvisorStub = v1::AdvisorService::Stub;

std::string Whose(const std::string& account_id) {
  return account_id.empty() ? "the deployment" : account_id;
}

// The values an overrides message holds, "name=value, ...", by reflection so
// that a new policy field shows up by itself; "none" when it holds none.
std::string OverridesText(const v1::PolicyOverrides& overrides) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  overrides.GetReflection()->ListFields(overrides, &fields);
  std::vector<std::string> values;
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->is_repeated()) continue;
    std::string value;
    google::protobuf::TextFormat::PrintFieldValueToString(overrides, field, -1, &value);
    values.push_back(absl::StrCat(field->name(), "=", value));
  }
  for (const v1::Ladder& ladder : overrides.ladders()) {
    values.push_back(
        absl::StrCat("ladder ", ladder.name(), "=", absl::StrJoin(ladder.events(), "→")));
  }
  return values.empty() ? "none" : absl::StrJoin(values, ", ");
}

// Every scalar of the effective policy by reflection, then its ladders.
void PrintPolicy(const v1::Policy& policy, std::ostream& out) {
  const google::protobuf::Descriptor* type = policy.GetDescriptor();
  Table values({});
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = type->field(i);
    if (field->is_repeated() || field->message_type() != nullptr) continue;
    std::string value;
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      value = policy.GetReflection()->GetString(policy, field);
      if (value.empty()) value = "-";
    } else {
      google::protobuf::TextFormat::PrintFieldValueToString(policy, field, -1, &value);
    }
    values.AddRow({field->name(), value});
  }
  values.Print(out);
  out << "\nladders:\n";
  Table ladders({});
  for (const v1::Ladder& ladder : policy.ladders()) {
    ladders.AddRow(
        {ladder.name() == policy.default_ladder() ? ladder.name() + " (default)" : ladder.name(),
         absl::StrJoin(ladder.events(), " → ")});
  }
  ladders.Print(out, "  ");
  out << "\nstored overrides: " << OverridesText(policy.stored()) << "\n";
}

}  // namespace

absl::StatusOr<v1::PolicyOverrides> ReadPolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  const bool json = absl::EndsWith(path, ".json") ||
                    absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), "{");
  v1::PolicyOverrides overrides;
  RETURN_IF_ERROR(ParseProtoText(text, json, path, &overrides));
  return overrides;
}

absl::Status RunPolicyGet(const Invocation& invocation, Session& session) {
  v1::GetPolicyRequest request;
  request.set_account_id(invocation.Value("--account"));
  v1::GetPolicyResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::GetPolicy, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  PrintPolicy(response.policy(), session.out());
  return absl::OkStatus();
}

absl::Status RunPolicySet(const Invocation& invocation, Session& session) {
  if (invocation.Value("--reason").empty()) {
    return UsageError("--reason is required: say why the policy changes, for its history");
  }
  v1::UpdatePolicyRequest request;
  ASSIGN_OR_RETURN(*request.mutable_policy(), ReadPolicyFile(invocation.positionals()[0]));
  request.set_account_id(invocation.Value("--account"));
  request.set_reason(invocation.Value("--reason"));
  request.set_etag(invocation.Value("--etag"));
  request.set_validate_only(invocation.Has("--validate-only"));
  v1::UpdatePolicyResponse response;
  RETURN_IF_ERROR(session.Call(&AdvisorStub::UpdatePolicy, request, &response));
  if (session.json()) return PrintJson(response, session.out());
  const v1::Policy& policy = response.policy();
  if (request.validate_only()) {
    session.out() << "valid: the policy of " << Whose(request.account_id()) << " would be version "
                  << policy.version() << "; nothing was changed\n";
  } else {
    session.out() << "the policy of " << Whose(request.account_id()) << " is now version "
                  << policy.version() << " (revision " << policy.revision() << ", etag "
                  << policy.etag() << ")\n";
  }
  session.out() << "stored overrides: " << OverridesText(policy.stored()) << "\n";
  return absl::OkStatus();
}

absl::Status RunPolicyHistory(const Invocation& invocation, Session& session) {
  v1::ListPolicyVersionsRequest request;
  request.set_account_id(invocation.Value("--account"));
  v1::ListPolicyVersionsResponse all;
  RETURN_IF_ERROR(session.ForEachPage(&AdvisorStub::ListPolicyVersions, request,
                                      [&](const v1::ListPolicyVersionsResponse& page) {
                                        all.MergeFrom(page);
                                        return true;
                                      }));
  all.clear_next_page_token();
  if (session.json()) return PrintJson(all, session.out());
  if (all.versions().empty()) {
    session.out() << "no policy versions stored\n";
    return absl::OkStatus();
  }
  Table table({"VERSION", "OF", "REVISION", "CHANGED", "BY", "REASON", "OVERRIDES"});
  for (const v1::PolicyVersion& version : all.versions()) {
    table.AddRow({version.version(),
                  version.account_id().empty() ? "deployment" : version.account_id(),
                  std::to_string(version.revision()),
                  google::protobuf::util::TimeUtil::ToString(version.change_time()),
                  version.changed_by().empty() ? "-" : version.changed_by(), version.reason(),
                  OverridesText(version.overrides())});
  }
  table.Print(session.out());
  return absl::OkStatus();
}

}  // namespace rung::cli
