// The services a kiosk offers: every bundle in a directory, each validated on its own. An
// invalid bundle is refused (and its errors reported) without taking the valid ones with it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/workflow/bundle.hpp"

namespace shubbak::workflow {

struct RefusedBundle {
  std::filesystem::path file;
  std::vector<BundleError> errors;
};

struct Catalog {
  std::vector<std::shared_ptr<const Bundle>> services;  // sorted by id
  std::vector<RefusedBundle> refused;

  const Bundle* find(std::string_view id) const;
};

// Reads every *.json below `directory`. A bundle file over 1 MiB is refused. A TUF set keeps its
// bundles at their target path below services/, that is <ministry>/<file>.json, and a
// ministry's delegation signs only its own directory (FORMAT.md): a bundle in a directory is
// refused unless the directory is its `ministry`. The set's own manifest.json at the top is not
// a bundle. Two bundles with one id: the higher version is offered and the other refused.
Catalog load_catalog(const std::filesystem::path& directory);

}  // namespace shubbak::workflow
