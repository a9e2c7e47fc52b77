#ifndef RUNG_CLI_SESSION_H_
#define RUNG_CLI_SESSION_H_

#include <iosfwd>
#include <memory>
#include <string>
#include <tuple>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "rung/v1/advisor_service.grpc.pb.h"

namespace rung::cli {

// PEM texts; an empty ca_pem means plaintext.
struct ClientTls {
  std::string ca_pem;
  std::string cert_pem;  // with key_pem, for mTLS; else empty
  std::string key_pem;
};

struct SessionOptions {
  std::string server;  // host:port or unix:PATH
  std::string token;   // empty: send none
  ClientTls tls;
  absl::Duration timeout;
  bool json = false;
};

// What one command works with: a channel to rungd and the streams to write
// to. Every call carries a deadline and the token, and a failed call comes
// back as one line that names the problem, ready for stderr.
class Session {
 public:
  Session(const SessionOptions& options, std::istream& in, std::ostream& out, std::ostream& err,
          bool err_is_terminal);

  // Calls `method` of the stub it belongs to: AdvisorService or Health.
  template <typename Stub, typename Request, typename Response>
  absl::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    grpc::ClientContext context;
    Prepare(&context);
    Stub& stub = *std::get<std::unique_ptr<Stub>>(stubs_);
    return Failure((stub.*method)(&context, request, response));
  }

  // Calls a List method page after page from `request`'s page_token, handing
  // each answer to `visit`, which answers whether to read on; stops after
  // the last page.
  template <typename Stub, typename Request, typename Response, typename Visit>
  absl::Status ForEachPage(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                           Request request, Visit visit) {
    while (true) {
      Response page;
      const absl::Status status = Call(method, request, &page);
      if (!status.ok()) return status;
      if (!visit(page) || page.next_page_token().empty()) return absl::OkStatus();
      request.set_page_token(page.next_page_token());
    }
  }

  // --json: print machine-readable answers instead of tables.
  bool json() const { return options_.json; }
  std::istream& in() { return in_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  // Progress is drawn only for a person watching, never into a pipe or file.
  bool err_is_terminal() const { return err_is_terminal_; }

 private:
  void Prepare(grpc::ClientContext* context) const;
  // OK for OK; otherwise "NOT_FOUND: <message>", "cannot reach <server>:
  // <why>" or a deadline naming --timeout, on one line, with the call's code.
  absl::Status Failure(const grpc::Status& status) const;

  SessionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::tuple<std::unique_ptr<v1::AdvisorService::Stub>,
             std::unique_ptr<grpc::health::v1::Health::Stub>>
      stubs_;
  std::istream& in_;
  std::ostream& out_;
  std::ostream& err_;
  bool err_is_terminal_;
};

}  // namespace rung::cli

#endif  // RUNG_CLI_SESSION_H_
