#ifndef RUNG_CORE_ACCESS_H_
#define RUNG_CORE_ACCESS_H_

// Who may call what: the roles, the one table of the role each call needs
// (gRPC methods and HTTP routes alike), and the bearer tokens that grant them.
// Plain C++, so that every adapter asks the same question the same way.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rung {

// Each role can do everything the ones before it can.
enum class Role { kReader = 1, kWriter = 2, kAdmin = 3 };

// "reader", "writer", "admin".
absl::string_view RoleName(Role role);

// UpdatePolicy of the deployment's policy, which needs more than an
// account's: the call name the access table lists it under.
inline constexpr absl::string_view kUpdateDeploymentPolicy = "UpdatePolicy(deployment)";

// The role `call` needs: an AdvisorService method name ("GetAdSet") or
// "Metrics" (the HTTP scrape). nullopt for a call the table does not list,
// which callers must refuse: a method added to the API without a line here is
// closed, never open.
std::optional<Role> RequiredRole(absl::string_view call);

// One configured token: only the SHA-256 of the secret is kept.
struct AccessToken {
  std::string sha256_hex;  // 64 lowercase hex digits
  Role role = Role::kReader;
  std::string name;  // who holds it, for logs and messages
};

// `hex` in lowercase when it is 64 hex digits (either case); INVALID_ARGUMENT
// otherwise.
absl::StatusOr<std::string> NormalizeSha256Hex(absl::string_view hex);

// Decides whether a call with a given Authorization value may proceed. With no
// tokens, every call may (rungd then refuses non-loopback addresses unless
// told otherwise). Thread-safe: immutable after construction.
class AccessControl {
 public:
  AccessControl() = default;
  explicit AccessControl(std::vector<AccessToken> tokens) : tokens_(std::move(tokens)) {}

  bool enabled() const { return !tokens_.empty(); }

  // `authorization` is the header or metadata value as sent, empty when
  // absent. UNAUTHENTICATED when it is missing, not "Bearer <token>" or not a
  // configured token; PERMISSION_DENIED naming the role `call` needs when the
  // token's role is weaker; INTERNAL for a call the table does not list.
  absl::Status Check(absl::string_view authorization, absl::string_view call) const;

  // As Check, answering the name of the token that may call ("" when
  // tokens are off): who recorded what, for RecordAction.
  absl::StatusOr<std::string> Authorize(absl::string_view authorization,
                                        absl::string_view call) const;

 private:
  // The token whose hash matches, compared in constant time with every
  // configured hash (no early exit), or null.
  const AccessToken* TokenOf(absl::string_view token) const;

  std::vector<AccessToken> tokens_;
};

}  // namespace rung

#endif  // RUNG_CORE_ACCESS_H_
