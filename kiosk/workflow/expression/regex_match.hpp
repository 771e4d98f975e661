// Regular expressions for matches(), on ICU's matcher, with a bounded pattern size, a bounded
// backtracking stack and a time limit, so a catastrophic pattern cannot hang the kiosk.
#pragma once

#include <cstddef>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak::workflow {

constexpr std::size_t k_max_pattern_bytes = 256;

// Errc::invalid_argument when the pattern is too long or does not compile, with ICU's reason.
Expected<void> validate_pattern(std::string_view pattern);

// Whether `pattern` matches anywhere in `text` (use ^...$ for the whole text). Errc::cancelled
// when the match runs over `time_limit` (ICU match-engine time units, about a millisecond each)
// or over its backtracking stack.
Expected<bool> regex_search(std::string_view pattern, std::string_view text, int time_limit);

}  // namespace shubbak::workflow
