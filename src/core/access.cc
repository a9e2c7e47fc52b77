#include "core/access.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/digest.h"

namespace rung {
namespace {

struct CallRole {
  absl::string_view call;
  Role role;
};

// The policy. Reads for readers; what changes stored data for writers; what
// rewrites the advice or copies the whole database for admins.
constexpr CallRole kCallRoles[] = {
    {"GetAdSet", Role::kReader},
    {"ListAdSets", Role::kReader},
    {"GetAdSetHistory", Role::kReader},
    {"GetRecommendation", Role::kReader},
    {"ListRecommendations", Role::kReader},
    {"ListClimbTests", Role::kReader},
    {"GetPolicy", Role::kReader},
    {"GetAccount", Role::kReader},
    {"PlanActions", Role::kReader},
    {"ListActions", Role::kReader},
    {"ListPolicyVersions", Role::kReader},
    {"ListAccounts", Role::kReader},
    {"GetAccountSummary", Role::kReader},
    {"RunBacktest", Role::kReader},
    {"Metrics", Role::kReader},
    {"IngestWeeks", Role::kWriter},
    {"StartClimbTest", Role::kWriter},
    {"CancelClimbTest", Role::kWriter},
    {"RecordAccountSync", Role::kWriter},
    {"RecordAction", Role::kWriter},
    // An account's policy is its team's; the deployment's is every account's.
    {"UpdatePolicy", Role::kWriter},
    {kUpdateDeploymentPolicy, Role::kAdmin},
    {"EvaluateAdSets", Role::kAdmin},
    {"BackupDatabase", Role::kAdmin},
};

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat(why, "; send \"authorization: Bearer <token>\" with a configured token"));
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader: return "reader";
    case Role::kWriter: return "writer";
    case Role::kAdmin: return "admin";
  }
  return "unknown";
}

std::optional<Role> RequiredRole(absl::string_view call) {
  for (const CallRole& entry : kCallRoles) {
    if (entry.call == call) return entry.role;
  }
  return std::nullopt;
}

absl::StatusOr<std::string> NormalizeSha256Hex(absl::string_view hex) {
  constexpr size_t kDigits = 64;
  if (hex.size() != kDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be 64 hex digits, got ", hex.size(), " characters"));
  }
  for (const char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("must be 64 hex digits, got '", std::string(1, c), "'"));
    }
  }
  return absl::AsciiStrToLower(hex);
}

const AccessToken* AccessControl::TokenOf(absl::string_view token) const {
  const absl::StatusOr<std::string> digest =
      Sha256Hex(std::string_view(token.data(), token.size()));
  if (!digest.ok()) return nullptr;
  const AccessToken* found = nullptr;
  for (const AccessToken& candidate : tokens_) {
    if (candidate.sha256_hex.size() == digest->size() &&
        CRYPTO_memcmp(candidate.sha256_hex.data(), digest->data(), digest->size()) == 0) {
      found = &candidate;
    }
  }
  return found;
}

absl::Status AccessControl::Check(absl::string_view authorization, absl::string_view call) const {
  return Authorize(authorization, call).status();
}

absl::StatusOr<std::string> AccessControl::Authorize(absl::string_view authorization,
                                                     absl::string_view call) const {
  const std::optional<Role> needed = RequiredRole(call);
  if (!needed.has_value()) {
    return absl::InternalError(absl::StrCat(call, " has no role in the access table"));
  }
  if (!enabled()) return std::string();
  if (authorization.empty()) return Unauthenticated("no bearer token");
  absl::string_view token = absl::StripAsciiWhitespace(authorization);
  // RFC 6750: the scheme is case-insensitive.
  if (token.size() < 7 || !absl::EqualsIgnoreCase(token.substr(0, 7), "Bearer ")) {
    return Unauthenticated("the authorization is not a bearer token");
  }
  token = absl::StripLeadingAsciiWhitespace(token.substr(7));
  const AccessToken* holder = TokenOf(token);
  if (holder == nullptr) return Unauthenticated("the bearer token is not one rungd knows");
  if (holder->role < *needed) {
    return absl::PermissionDeniedError(absl::StrCat(
        call, " needs role ", RoleName(*needed), "; the token has role ", RoleName(holder->role)));
  }
  return holder->name;
}

}  // namespace rung
