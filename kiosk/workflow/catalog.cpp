#include "kiosk/workflow/catalog.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace shubbak::workflow {

namespace {
constexpr std::uintmax_t k_max_bundle_bytes = 1 << 20;
}

const Bundle* Catalog::find(std::string_view id) const {
  for (const auto& s : services) {
    if (s->id == id) return s.get();
  }
  return nullptr;
}

Catalog load_catalog(const std::filesystem::path& directory) {
  Catalog catalog;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
  if (ec) {
    catalog.refused.push_back(
        {directory, {{"$", fmt::format("cannot read the directory: {}", ec.message())}}});
    return catalog;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (std::filesystem::file_size(file, ec) > k_max_bundle_bytes) {
      catalog.refused.push_back({file, {{"$", "larger than 1 MiB"}}});
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto loaded = load_bundle(text.str());
    if (auto* errors = std::get_if<std::vector<BundleError>>(&loaded)) {
      catalog.refused.push_back({file, std::move(*errors)});
      continue;
    }
    auto bundle = std::get<std::shared_ptr<const Bundle>>(loaded);
    if (catalog.find(bundle->id)) {
      catalog.refused.push_back(
          {file, {{"$.id", fmt::format("another bundle already has id \"{}\"", bundle->id)}}});
      continue;
    }
    catalog.services.push_back(std::move(bundle));
  }
  std::sort(catalog.services.begin(), catalog.services.end(),
            [](const auto& a, const auto& b) { return a->id < b->id; });
  return catalog;
}

}  // namespace shubbak::workflow
