#ifndef RUNG_API_DASHBOARD_PAGE_H_
#define RUNG_API_DASHBOARD_PAGE_H_

#include <string_view>

namespace rung {

// The dashboard served at GET /: one self-contained HTML page (inline CSS and
// script, nothing fetched from elsewhere) that reads the /v1/ JSON routes of
// the server that served it. Embedded at build time from
// src/api/dashboard/index.html; the text lives as long as the program.
std::string_view DashboardPage();

}  // namespace rung

#endif  // RUNG_API_DASHBOARD_PAGE_H_
