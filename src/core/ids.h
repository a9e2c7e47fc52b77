#ifndef RUNG_CORE_IDS_H_
#define RUNG_CORE_IDS_H_

#include <string>
#include <string_view>

namespace rung {

// A fresh identifier, `prefix` then 16 random hex digits ("ev_3f09..."). 64
// random bits keep ids unique without coordination between daemons that
// share a database file.
std::string NewId(std::string_view prefix);

}  // namespace rung

#endif  // RUNG_CORE_IDS_H_
