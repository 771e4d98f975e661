// FORMAT.md's `{field}` placeholders in texts: `{name}` is replaced by the answer's display form,
// `{{` and `}}` are literal braces. One pass: an answer containing braces is shown as typed,
// never expanded again.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak::workflow {

// The field names `text` refers to, in order; Errc::invalid_argument at a malformed placeholder
// ("a '{' at byte 4 opens no placeholder: write {{ for a brace").
Expected<std::vector<std::string>> placeholder_names(std::string_view text);

// `text` with each `{name}` replaced by lookup(name) (nothing when it gives nullopt), and the
// result cut at `max_bytes` (on a UTF-8 boundary).
std::string fill_placeholders(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view)>& lookup,
    std::size_t max_bytes = 16 * 1024);

}  // namespace shubbak::workflow
