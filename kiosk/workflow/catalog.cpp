#include "kiosk/workflow/catalog.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "kiosk/workflow/bundle_limits.hpp"

namespace shubbak::workflow {

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
  // Nothing here throws: one unreadable entry or bundle is refused on its own, and the kiosk
  // still starts with the others.
  std::filesystem::recursive_directory_iterator it(directory, ec), end;
  for (std::size_t entries = 0; !ec && it != end && entries < 100'000;
       it.increment(ec), ++entries) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && it->path().extension() == ".json")
      files.push_back(it->path());
  }
  if (ec) {
    catalog.refused.push_back(
        {directory, {{"$", fmt::format("cannot read the directory: {}", ec.message())}}});
    if (files.empty()) return catalog;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    // Read at most one byte past the limit, whatever the file claims its size is.
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      catalog.refused.push_back({file, {{"$", "cannot read the file"}}});
      continue;
    }
    std::string text(k_max_bundle_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_bundle_bytes) {
      catalog.refused.push_back(
          {file, {{"$", fmt::format("the file is larger than {} bytes", k_max_bundle_bytes)}}});
      continue;
    }
    auto loaded = load_bundle(text);
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
