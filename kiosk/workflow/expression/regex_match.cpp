#include "kiosk/workflow/expression/regex_match.hpp"

namespace shubbak::workflow {

namespace {
// Matching this many (byte x program instruction) units costs about one evaluation step: the
// ui_stall benchmark measured RE2's NFA, its slowest engine, at well under this.
constexpr std::int64_t k_match_units_per_step = 1024;
}  // namespace

Expected<Pattern> compile_pattern(std::string_view pattern) {
  return Pattern::compile(pattern, PatternLimits{.max_source_bytes = k_max_pattern_bytes,
                                                 .max_program_size = k_max_pattern_program});
}

std::int64_t match_steps(int program_size, std::size_t text_bytes) {
  return 1 + static_cast<std::int64_t>(text_bytes) * program_size / k_match_units_per_step;
}

}  // namespace shubbak::workflow
