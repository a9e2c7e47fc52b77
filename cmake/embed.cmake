# Helpers for the build-time scripts that embed text files in C++ sources, so
# that rungd carries them and needs no files beside it at run time.

# Sets VAR to the contents of FILE as a C++ raw string literal.
function(rung_raw_string_literal var file)
  file(READ "${file}" text)
  string(FIND "${text}" ")rung_embed\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter )rung_embed\"")
  endif()
  set(${var} "R\"rung_embed(${text})rung_embed\"" PARENT_SCOPE)
endfunction()

# Writes CONTENT to OUTPUT only when it changed, so that re-running the script
# recompiles nothing that did not change.
function(rung_write_generated output content)
  file(WRITE "${output}.tmp" "${content}")
  file(COPY_FILE "${output}.tmp" "${output}" ONLY_IF_DIFFERENT)
  file(REMOVE "${output}.tmp")
endfunction()
