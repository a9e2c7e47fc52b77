#ifndef RUNG_DAEMON_SERVER_H_
#define RUNG_DAEMON_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/config.h"
#include "rung/advisor.h"

namespace rung {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";      // host:port or unix:PATH
  std::string http_listen = "127.0.0.1:8080";  // empty: no HTTP
  std::string db_path = "rung.db";
  DaemonConfig config;
  // Without tokens, an address other than loopback is refused unless this is
  // set (--insecure_allow_unauthenticated_non_loopback).
  bool allow_unauthenticated_non_loopback = false;
  // The Advisor's clock; unset: absl::Now. A test seam for what depends on
  // the day and the hour, such as the default as-of week.
  Clock clock;
};

// True for addresses only this machine can reach: 127.0.0.0/8, ::1,
// localhost and unix: sockets. `address` is a --listen value.
bool IsLoopbackAddress(const std::string& address);

// The running daemon: database, gRPC server (AdvisorService, health,
// reflection), HTTP server and the health monitor, started and stopped as one.
// Both servers speak TLS when the config names a certificate, and check the
// config's tokens; health, /healthz and reflection (the public schema) stay
// open.
class Server {
 public:
  // Opens the database and binds every listener; nothing is left running when
  // it fails. FAILED_PRECONDITION, before anything is opened, for a
  // non-loopback address without tokens (unless allowed).
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  virtual ~Server() = default;

  // The bound gRPC address, with the real port when port 0 was asked.
  virtual std::string grpc_address() const = 0;
  // The bound HTTP address, or empty when HTTP is off.
  virtual std::string http_address() const = 0;

  // Stops taking calls, lets in-flight ones finish within `grace`, then
  // closes the database. Safe to call once.
  virtual void Shutdown(absl::Duration grace) = 0;
};

}  // namespace rung

#endif  // RUNG_DAEMON_SERVER_H_
