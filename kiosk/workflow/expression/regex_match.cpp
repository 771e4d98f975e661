#include "kiosk/workflow/expression/regex_match.hpp"

namespace shubbak::workflow {

namespace {
// Matching this many (byte x program instruction) units costs about one evaluation step (about
// 100 ns). The ui_stall benchmark measured RE2 at about 40 ns a unit on text its DFA has not seen
// with a pattern whose DFA would need 2^40 states (each byte builds a new DFA state), and about
// 5 ns a unit in its NFA; ordinary patterns are far faster.
constexpr std::int64_t k_match_units_per_step = 2;
}  // namespace

Expected<Pattern> compile_pattern(std::string_view pattern) {
  return Pattern::compile(pattern, PatternLimits{.max_source_bytes = k_max_pattern_bytes,
                                                 .max_program_size = k_max_pattern_program});
}

std::int64_t match_steps(int program_size, std::size_t text_bytes) {
  return 1 + static_cast<std::int64_t>(text_bytes) * program_size / k_match_units_per_step;
}

}  // namespace shubbak::workflow
