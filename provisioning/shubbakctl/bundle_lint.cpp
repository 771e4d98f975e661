#include "provisioning/shubbakctl/bundle_lint.hpp"

#include <fmt/format.h>

#include "kiosk/workflow/bundle.hpp"

namespace shubbak {

Expected<void> lint_service_bundle(const std::filesystem::path& file, std::string_view bytes) {
  auto loaded = workflow::load_bundle(bytes);
  const auto* errors = std::get_if<std::vector<workflow::BundleError>>(&loaded);
  if (!errors) return {};
  std::string report;
  for (const auto& e : *errors)
    report +=
        fmt::format("{}{}: {}: {}", report.empty() ? "" : "\n", file.string(), e.path, e.message);
  return fail(Errc::parse, report);
}

}  // namespace shubbak
