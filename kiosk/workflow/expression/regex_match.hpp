// Patterns in the expression language and in bundles: the one wrapper (kiosk/core/pattern.hpp,
// RE2: linear time, no backtracking) with the bundle's limits, and what a match costs in
// evaluation steps, so pattern work counts against the same budgets as everything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/core/pattern.hpp"

namespace shubbak::workflow {

constexpr std::size_t k_max_pattern_bytes = 256;
// RE2's program size: about what matching one byte of text can cost at most.
constexpr int k_max_pattern_program = 1000;

// Errc::invalid_argument when the pattern is too long, is not RE2 syntax, or is too complex.
Expected<Pattern> compile_pattern(std::string_view pattern);

// Steps a match of `text_bytes` bytes is charged: linear in the text and in the size of the
// pattern's program (RE2's worst case when its DFA gives way to its NFA).
std::int64_t match_steps(int program_size, std::size_t text_bytes);

}  // namespace shubbak::workflow
