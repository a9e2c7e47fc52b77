#include "api/http_service.h"

#include <string>

#include "httplib.h"

namespace rung {

void RegisterHttpRoutes(Store* store, httplib::Server* server) {
  // Answers from a live probe, not a cached flag: a load balancer must stop
  // sending dashboards here the moment the database stops answering.
  server->Get("/healthz", [store](const httplib::Request&, httplib::Response& response) {
    const absl::Status status = store->Ping();
    response.status = status.ok() ? 200 : 503;
    response.set_content(
        status.ok() ? "{\"status\":\"SERVING\"}\n" : "{\"status\":\"NOT_SERVING\"}\n",
        "application/json");
  });
}

}  // namespace rung
