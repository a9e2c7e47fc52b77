#ifndef RUNG_API_HTTP_SERVICE_H_
#define RUNG_API_HTTP_SERVICE_H_

#include "api/answer_cache.h"
#include "api/metrics.h"
#include "core/access.h"
#include "rung/advisor.h"
#include "rung/ladder.h"
#include "rung/store.h"

namespace httplib {
class Server;
}

namespace rung {

// What the HTTP routes answer from; everything must outlive the server.
struct HttpBackends {
  Advisor* advisor = nullptr;
  // Shared with the gRPC service; null when answers are not kept.
  AnswerCache* answers = nullptr;
  // For /healthz, which probes the database itself.
  Store* store = nullptr;
  Metrics* metrics = nullptr;
  // Decides who may read; the dashboard page and /healthz are open.
  const AccessControl* access = nullptr;
};

// The read-only HTTP/JSON adapter for dashboards, registered on a server the
// daemon owns: the dashboard page at /, the /v1/ JSON routes (protobuf's JSON
// mapping of the gRPC answers, with ETags), /metrics and /healthz. Errors are
// JSON in Google's style: {"error":{"code":404,"status":"NOT_FOUND",...}}.
// The JSON routes and /metrics take the gRPC tokens in the Authorization
// header ("Bearer <token>"): a 401 carries WWW-Authenticate: Bearer.
void RegisterHttpRoutes(const HttpBackends& backends, httplib::Server* server);

}  // namespace rung

#endif  // RUNG_API_HTTP_SERVICE_H_
