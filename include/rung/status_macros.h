#ifndef RUNG_STATUS_MACROS_H_
#define RUNG_STATUS_MACROS_H_

// Abseil 20220623 ships no status macros; these are the project's only pair.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RUNG_CONCAT_INNER_(a, b) a##b
#define RUNG_CONCAT_(a, b) RUNG_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status rung_status_ = (expr);        \
    if (!rung_status_.ok()) return rung_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  RUNG_ASSIGN_OR_RETURN_IMPL_(RUNG_CONCAT_(rung_statusor_, __LINE__), lhs, expr)

#define RUNG_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                \
  if (!statusor.ok()) return statusor.status();          \
  lhs = std::move(statusor).value()

#endif  // RUNG_STATUS_MACROS_H_
