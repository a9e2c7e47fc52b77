#ifndef RUNG_TESTS_FUZZ_FUZZ_CHECK_H_
#define RUNG_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>

// An invariant of the code under fuzzing. A violation traps, so that
// libFuzzer keeps the input as a crash; the line says which one broke.
#define FUZZ_CHECK(condition)                                                                 \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__, __LINE__, #condition); \
      __builtin_trap();                                                                       \
    }                                                                                         \
  } while (false)

#endif  // RUNG_TESTS_FUZZ_FUZZ_CHECK_H_
