#include "kiosk/workflow/catalog.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "kiosk/workflow/bundle_limits.hpp"
#include "kiosk/workflow/bundle_version.hpp"

namespace shubbak::workflow {

namespace {

// The TUF set's own list of what it holds (ServiceUpdater), beside the bundles.
constexpr std::string_view k_set_manifest = "manifest.json";

// The ministry a bundle's place names: the first directory of its path below `directory`
// (<ministry>/<file>.json in a TUF set); nullopt for a file directly in `directory`.
std::optional<std::string> directory_ministry(const std::filesystem::path& directory,
                                              const std::filesystem::path& file) {
  auto relative = file.lexically_relative(directory);
  auto first = relative.begin();
  if (first == relative.end() || std::next(first) == relative.end()) return std::nullopt;
  return first->string();
}

}  // namespace

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
    if (it->is_regular_file(type_ec) && it->path().extension() == ".json" &&
        it->path() != directory / k_set_manifest)
      files.push_back(it->path());
  }
  if (ec) {
    catalog.refused.push_back(
        {directory, {{"$", fmt::format("cannot read the directory: {}", ec.message())}}});
    if (files.empty()) return catalog;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::filesystem::path> kept_files;  // beside catalog.services
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
    if (auto owner = directory_ministry(directory, file); owner && *owner != bundle->ministry) {
      catalog.refused.push_back(
          {file,
           {{"$.ministry", fmt::format("\"{}\" is not the ministry whose directory holds it "
                                       "(\"{}\", signed by that ministry's delegation)",
                                       bundle->ministry, *owner)}}});
      continue;
    }
    auto same_id = std::find_if(catalog.services.begin(), catalog.services.end(),
                                [&](const auto& s) { return s->id == bundle->id; });
    if (same_id == catalog.services.end()) {
      catalog.services.push_back(std::move(bundle));
      kept_files.push_back(file);
      continue;
    }
    // The reader checked both versions' form, so both parse.
    auto index = static_cast<std::size_t>(same_id - catalog.services.begin());
    bool newer = parse_bundle_version(bundle->version) > parse_bundle_version((*same_id)->version);
    const Bundle& kept = newer ? *bundle : **same_id;
    const Bundle& dropped = newer ? **same_id : *bundle;
    catalog.refused.push_back(
        {newer ? kept_files[index] : file,
         {{"$.id", fmt::format("another bundle has id \"{}\" with version {}, above {}", kept.id,
                               kept.version, dropped.version)}}});
    if (newer) {
      *same_id = std::move(bundle);
      kept_files[index] = file;
    }
  }
  std::sort(catalog.services.begin(), catalog.services.end(),
            [](const auto& a, const auto& b) { return a->id < b->id; });
  return catalog;
}

}  // namespace shubbak::workflow
