#ifndef RUNG_BENCH_RPC_H_
#define RUNG_BENCH_RPC_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace rung::bench {

// An insecure channel to a loopback rungd, which needs no token.
std::shared_ptr<grpc::Channel> LoopbackChannel(const std::string& address);

// The same code, and `doing` before the message.
absl::Status FromGrpc(const grpc::Status& status, absl::string_view doing);

// One grpc.health.v1.Health/Check for the whole server; OK only for SERVING.
absl::Status CheckServing(const std::shared_ptr<grpc::Channel>& channel, absl::Time deadline);

}  // namespace rung::bench

#endif  // RUNG_BENCH_RPC_H_
