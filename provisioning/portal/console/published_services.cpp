#include "provisioning/portal/console/published_services.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/strict_json.hpp"

namespace shubbak::portal::console {

namespace {

namespace fs = std::filesystem;

// Bigger than any metadata file or bundle a repository publishes; a file past it is skipped.
constexpr std::uintmax_t k_max_file_bytes = 4 * 1024 * 1024;
// Delegations nest; a tree deeper or wider than a real one is not walked further.
constexpr std::size_t k_max_roles = 256;

Expected<nlohmann::json> read_json(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return fail(Errc::not_found, fmt::format("{}: {}", path.string(), ec.message()));
  if (size > k_max_file_bytes)
    return fail(Errc::parse,
                fmt::format("{}: larger than {} bytes", path.string(), k_max_file_bytes));
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  // The strict reader bounds nesting, strings and counts: a hostile tree cannot exhaust the
  // portal's stack or memory by what it puts in a target's custom field.
  JsonLimits limits;
  limits.max_bytes = k_max_file_bytes;
  limits.max_array_items = 100'000;
  limits.max_object_members = 100'000;
  limits.max_values = 1'000'000;
  limits.allow_fractions = true;
  auto json = parse_strict_json(text.str(), limits);
  if (!json) return fail(Errc::parse, fmt::format("{}: {}", path.string(), json.error().message));
  return json;
}

// The member `key` of `object`, or null when `object` is not an object or has none.
const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

// A role's file name as `shubbakctl repo` writes it: the role name, '/' percent-encoded.
std::string role_file(std::string_view role) {
  std::string file;
  for (char c : role) file += c == '/' ? std::string("%2F") : std::string(1, c);
  return file + ".json";
}

}  // namespace

Expected<std::vector<PublishedBundle>> read_published_bundles(const fs::path& published_dir) {
  std::map<std::string, PublishedBundle> bundles;
  std::vector<std::string> roles{"targets"};
  std::set<std::string> seen;
  while (!roles.empty() && seen.size() < k_max_roles) {
    std::string role = roles.back();
    roles.pop_back();
    if (!seen.insert(role).second) continue;
    auto metadata = read_json(published_dir / "metadata" / role_file(role));
    if (!metadata) {
      // A delegated role that was never signed has no file: it publishes nothing.
      if (role != "targets" && metadata.error().code == Errc::not_found) continue;
      return std::unexpected(metadata.error());
    }
    const nlohmann::json* signed_part = member(*metadata, "signed");
    const nlohmann::json* targets = signed_part ? member(*signed_part, "targets") : nullptr;
    if (!targets || !targets->is_object())
      return fail(Errc::parse, fmt::format("{}: no signed targets", role_file(role)));
    for (const auto& [path, info] : targets->items()) {
      // Only a relative path inside the tree is read.
      fs::path relative(path);
      if (relative.is_absolute() || path.find("..") != std::string::npos) continue;
      auto bundle = read_json(published_dir / "targets" / relative);
      if (!bundle || !bundle->is_object()) continue;
      const nlohmann::json* id = member(*bundle, "id");
      const nlohmann::json* version = member(*bundle, "version");
      if (!id || !version || !id->is_string() || !version->is_string()) continue;
      const nlohmann::json* custom = member(info, "custom");
      bundles[path] = PublishedBundle{path, id->get<std::string>(), version->get<std::string>(),
                                      custom ? *custom : nlohmann::json()};
    }
    const nlohmann::json* delegations = member(*signed_part, "delegations");
    const nlohmann::json* delegated = delegations ? member(*delegations, "roles") : nullptr;
    if (delegated && delegated->is_array()) {
      for (const auto& entry : *delegated) {
        const nlohmann::json* name = member(entry, "name");
        if (name && name->is_string()) roles.push_back(name->get<std::string>());
      }
    }
  }
  std::vector<PublishedBundle> list;
  for (auto& [path, bundle] : bundles) list.push_back(std::move(bundle));
  return list;
}

std::map<std::string, std::string> published_services(const std::vector<PublishedBundle>& bundles) {
  std::map<std::string, std::string> services;
  for (const auto& bundle : bundles) services[bundle.id] = bundle.version;
  return services;
}

}  // namespace shubbak::portal::console
