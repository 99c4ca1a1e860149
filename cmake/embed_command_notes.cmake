# Writes OUT, a C++ source defining certmint::cli::kCommandNotes: the text of
# every .txt file under DIR (docs/commands), keyed by its command: renew.txt
# is `certmint renew`, ca/init.txt is `certmint ca init`. Run at build time,
# so that editing a notes file rebuilds the help (CMakeLists.txt lists the
# files as dependencies).
file(GLOB_RECURSE notes RELATIVE "${DIR}" "${DIR}/*.txt")
list(SORT notes)
set(body "")
foreach(relative IN LISTS notes)
  string(REGEX REPLACE "\\.txt$" "" command "${relative}")
  string(REPLACE "/" " " command "${command}")
  set(file "${DIR}/${relative}")
  file(READ "${file}" text)
  string(REGEX REPLACE "\n$" "" text "${text}")
  string(FIND "${text}" ")certmint\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file}: holds the raw-string delimiter )certmint\"")
  endif()
  string(APPEND body "    {\"${command}\", R\"certmint(${text})certmint\"},\n")
endforeach()
file(WRITE "${OUT}" "// Generated from docs/commands/*.txt by cmake/embed_command_notes.cmake.
#include \"cli/command_notes.h\"

namespace certmint::cli {

const std::map<std::string_view, std::string_view> kCommandNotes = {
${body}};

}  // namespace certmint::cli
")
