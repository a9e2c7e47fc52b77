#ifndef RUNG_API_HTTP_SERVICE_H_
#define RUNG_API_HTTP_SERVICE_H_

#include "rung/store.h"

namespace httplib {
class Server;
}

namespace rung {

// The HTTP/JSON routes for dashboards, registered on a server the daemon
// owns. `store` must outlive the server.
void RegisterHttpRoutes(Store* store, httplib::Server* server);

}  // namespace rung

#endif  // RUNG_API_HTTP_SERVICE_H_
