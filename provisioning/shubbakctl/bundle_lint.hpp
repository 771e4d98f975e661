// `shubbakctl bundle lint`: the kiosk's own bundle validation (kiosk/workflow, FORMAT.md), run
// where the admin works, so a bundle that a kiosk would refuse is never signed.
#pragma once

#include <filesystem>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

// Errc::parse with every error ("FILE: $.path: message", one a line) when the bundle is invalid.
Expected<void> lint_service_bundle(const std::filesystem::path& file, std::string_view bytes);

}  // namespace shubbak
