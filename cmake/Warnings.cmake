# Warnings every first-party target gets through `shubbak_warnings`.
add_library(shubbak_warnings INTERFACE)
target_compile_options(shubbak_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${SHUBBAK_WERROR}>:-Werror>)
# -Wconversion where it is practical: first-party code is clean; tests get it too.
target_compile_options(shubbak_warnings INTERFACE -Wconversion -Wsign-conversion)
# g++ 12 reports std::string::replace/insert as overlapping memcpy at -O2 (GCC bug 105329): a
# false positive in libstdc++ itself, not in our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(shubbak_warnings INTERFACE -Wno-restrict)
endif()
