# SHUBBAK_SANITIZE=address,undefined builds everything with those sanitizers.
if(SHUBBAK_SANITIZE)
  string(REPLACE "," ";" _sanitizers "${SHUBBAK_SANITIZE}")
  foreach(_s IN LISTS _sanitizers)
    if(NOT _s MATCHES "^(address|undefined|leak|thread)$")
      message(FATAL_ERROR "Unknown sanitizer '${_s}' in SHUBBAK_SANITIZE")
    endif()
  endforeach()
  string(REPLACE ";" "," _list "${_sanitizers}")
  add_compile_options(-fsanitize=${_list} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_list})
  # GCC 12's flow analysis is confused by the sanitizers' instrumentation and reports
  # std::variant and std::vector members as maybe-uninitialized (date_functions.cpp); the
  # ordinary build keeps the warning, and there it is an error.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
