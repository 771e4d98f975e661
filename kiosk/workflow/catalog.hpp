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

// Reads every *.json below `directory` (a TUF set keeps them under services/<ministry>/). A
// bundle file over 1 MiB is refused.
Catalog load_catalog(const std::filesystem::path& directory);

}  // namespace shubbak::workflow
