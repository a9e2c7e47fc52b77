#include "cli/session.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace rung::cli {
namespace {

// Server messages may span lines; stderr gets one.
std::string OneLine(absl::string_view text) {
  return absl::StrJoin(absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " ");
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const ClientTls& tls) {
  if (tls.ca_pem.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.ca_pem;
  options.pem_cert_chain = tls.cert_pem;
  options.pem_private_key = tls.key_pem;
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::Channel> OpenChannel(const SessionOptions& options) {
  grpc::ChannelArguments arguments;
  // A dry-run evaluation answers every recommendation at once.
  arguments.SetMaxReceiveMessageSize(-1);
  return grpc::CreateCustomChannel(options.server, Credentials(options.tls), arguments);
}

}  // namespace

Session::Session(const SessionOptions& options, std::istream& in, std::ostream& out,
                 std::ostream& err, bool err_is_terminal)
    : options_(options),
      channel_(OpenChannel(options)),
      stubs_(v1::AdvisorService::NewStub(channel_), grpc::health::v1::Health::NewStub(channel_)),
      in_(in),
      out_(out),
      err_(err),
      err_is_terminal_(err_is_terminal) {}

void Session::Prepare(grpc::ClientContext* context) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  if (!options_.token.empty()) context->AddMetadata("authorization", "Bearer " + options_.token);
}

absl::Status Session::Failure(const grpc::Status& status) const {
  if (status.ok()) return absl::OkStatus();
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  const std::string message = OneLine(status.error_message());
  // A daemon that answered UNAVAILABLE (a locked database) left the channel
  // READY; a connection that never came up did not.
  if (code == absl::StatusCode::kUnavailable &&
      channel_->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY) {
    return absl::Status(code, absl::StrCat("cannot reach ", options_.server, ": ", message));
  }
  if (code == absl::StatusCode::kDeadlineExceeded) {
    return absl::Status(
        code, absl::StrCat("DEADLINE_EXCEEDED: no answer from ", options_.server, " within ",
                           absl::FormatDuration(options_.timeout), " (--timeout)"));
  }
  return absl::Status(code, absl::StrCat(absl::StatusCodeToString(code), ": ", message));
}

}  // namespace rung::cli
