// Internal to kiosk/workflow: reads bundle JSON into the model, checking the schema (types,
// required and unknown keys, name patterns, texts in both languages, expression syntax) and
// recording every problem with its JSON path.
#pragma once

#include <string_view>
#include <vector>

#include "kiosk/workflow/bundle.hpp"

namespace shubbak::workflow {

// Nullopt when the JSON itself does not parse (the error says where); otherwise the bundle as
// far as it could be read, with schema problems appended to `errors`.
std::optional<Bundle> read_bundle(std::string_view json, std::vector<BundleError>& errors);

// The semantic rules of FORMAT.md's "Validation" on a schema-valid bundle.
void check_bundle(const Bundle& bundle, std::vector<BundleError>& errors);

}  // namespace shubbak::workflow
