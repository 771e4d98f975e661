// The service set the portal publishes: each bundle's id and version, read from the TUF tree the
// portal serves under /repository/ (`shubbakctl repo publish --out DIR`, the portal's --static).
// The console compares each kiosk's installed set with it. The tree is the admins' own and was
// checked when it was published; nothing here is trusted for more than this comparison.
//
// Threading: pure functions, any thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/error.hpp"

namespace shubbak::portal::console {

// A service bundle the tree publishes.
struct PublishedBundle {
  std::string target;  // its path, "services/jordan-health/appointment.json"
  std::string id;      // the bundle's own "id" and "version"
  std::string version;
  nlohmann::json custom;  // the target's "custom" in its role (null when none): a rollout's policy
};

// Every target of the top-level targets role and its delegated roles whose file is a JSON object
// with a string "id" and "version" (a service bundle), by target path; other targets are
// skipped. Errc::not_found when `published_dir` holds no metadata/targets.json; Errc::parse when
// a metadata file is not JSON of the expected shape.
Expected<std::vector<PublishedBundle>> read_published_bundles(
    const std::filesystem::path& published_dir);

// Bundle id -> version, of `bundles`.
std::map<std::string, std::string> published_services(const std::vector<PublishedBundle>& bundles);

}  // namespace shubbak::portal::console
