// The limits of a service bundle, in one place. `load_bundle` applies all of them, and it is the
// one reader of bundle bytes: `shubbakctl bundle lint`, `shubbakctl repo add` and the kiosk's
// catalog all go through it, so a bundle that lints is a bundle every kiosk accepts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kiosk/core/strict_json.hpp"

namespace shubbak::workflow {

// A kiosk refuses a bundle file larger than this before reading it.
inline constexpr std::size_t k_max_bundle_bytes = 1 << 20;

// The JSON layer: sizes and counts any bundle stays far below.
inline constexpr JsonLimits k_bundle_json_limits{
    .max_bytes = k_max_bundle_bytes,
    .max_depth = 16,
    .max_string_bytes = 8 * 1024,
    .max_key_bytes = 64,
    .max_array_items = 2000,
    .max_object_members = 256,
    .max_values = 200'000,
    .allow_fractions = false,
};

// The schema.
inline constexpr std::size_t k_max_identifier_bytes = 64;  // id, ministry, step and field names
inline constexpr std::size_t k_max_version_bytes = 32;
inline constexpr std::size_t k_max_fields = 200;
inline constexpr std::size_t k_max_steps = 200;
inline constexpr std::size_t k_max_text_bytes = 2000;  // each language of a Text
inline constexpr int k_min_timeout_seconds = 5;
inline constexpr int k_max_timeout_seconds = 900;
inline constexpr std::size_t k_max_choices =
    500;  // of one field: a multi-choice answer's list limit
inline constexpr std::size_t k_max_choice_value_bytes = 64;
inline constexpr std::size_t k_max_placeholders = 16;  // `{field}` in one text

// Evaluation work per citizen action, in expression steps (EXPRESSIONS.md, Limits): entering a
// screen, one keystroke or choice, one "continue". The engine stops a session that spends more
// (it cannot, for a bundle that lints), and lint refuses a bundle whose static bound for any
// action exceeds it. The ui_stall benchmark measures the worst action of bundles that lint.
inline constexpr std::int64_t k_work_steps_per_action = 200'000;

}  // namespace shubbak::workflow
