# Instrumented builds, each in its own build directory.
#
# RUNG_SANITIZE: ASan + UBSan for everything, tests included (GCC or Clang);
#   scripts/test-sanitizers runs the whole suite this way.
# RUNG_FUZZ: the libFuzzer targets in tests/fuzz (Clang only, e.g.
#   CMAKE_CXX_COMPILER=clang++-14); scripts/fuzz builds and runs them. The
#   libraries get coverage hooks without libFuzzer's main(), which only the
#   fuzzers link.
option(RUNG_SANITIZE "Build everything with AddressSanitizer and UBSan" OFF)
option(RUNG_FUZZ "Build the libFuzzer targets in tests/fuzz (Clang only)" OFF)

if(RUNG_SANITIZE OR RUNG_FUZZ)
  # A UB report fails the run instead of scrolling past.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(RUNG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "RUNG_FUZZ needs Clang: -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
