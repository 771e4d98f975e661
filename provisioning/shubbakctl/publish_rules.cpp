#include "provisioning/shubbakctl/publish_rules.hpp"

#include <fstream>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/workflow/bundle_version.hpp"

namespace shubbak::repo {

namespace {

using Json = nlohmann::json;
constexpr std::string_view k_services = "services/";

// The delegation of `role` as its delegator wrote it; nullopt for a top-level role.
std::optional<trust::DelegatedRole> delegation_of(Repository& repository, const std::string& role) {
  for (const auto& delegator : repository.targets_roles()) {
    auto signed_json = repository.signed_part(delegator);
    if (!signed_json || !(*signed_json)->contains("delegations")) continue;
    for (const auto& entry : (**signed_json)["delegations"]["roles"]) {
      if (entry.value("name", "") != role) continue;
      trust::DelegatedRole delegated;
      delegated.name = role;
      if (entry.contains("paths")) delegated.paths = entry["paths"].get<std::vector<std::string>>();
      if (entry.contains("path_hash_prefixes"))
        delegated.path_hash_prefixes = entry["path_hash_prefixes"].get<std::vector<std::string>>();
      return delegated;
    }
  }
  return std::nullopt;
}

// A published service bundle's id and version, read from the repository's target file.
struct Published {
  std::string id;
  std::string version;
};
std::optional<Published> read_published(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  Json json = Json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("id") || !json["id"].is_string()) return std::nullopt;
  return Published{json["id"].get<std::string>(), json.value("version", "")};
}

Expected<void> check_service_bundle(Repository& repository, const std::string& name,
                                    std::string_view bytes) {
  Json bundle = Json::parse(bytes, nullptr, false);
  if (!bundle.is_object() || !bundle.contains("id") || !bundle["id"].is_string() ||
      !bundle.contains("ministry") || !bundle["ministry"].is_string()) {
    return fail(Errc::invalid_argument, fmt::format("{}: not a service bundle", name));
  }
  std::string id = bundle["id"];
  std::string ministry = bundle["ministry"];
  std::string_view rest = std::string_view(name).substr(k_services.size());
  std::string directory(rest.substr(0, rest.find('/')));
  if (rest.find('/') == std::string_view::npos || directory != ministry) {
    return fail(Errc::invalid_argument,
                fmt::format("{}: the bundle's ministry is \"{}\"; publish it as services/{}/… "
                            "under that ministry's delegation",
                            name, ministry, ministry));
  }
  auto version = workflow::parse_bundle_version(bundle.value("version", ""));
  for (const auto& role : repository.targets_roles()) {
    auto signed_json = repository.signed_part(role);
    if (!signed_json || !(*signed_json)->contains("targets")) continue;
    for (const auto& [other, info] : (**signed_json)["targets"].items()) {
      if (!other.starts_with(k_services)) continue;
      auto published = read_published(repository.targets_dir() / other);
      if (!published) continue;
      if (other != name && published->id == id) {
        return fail(Errc::invalid_argument,
                    fmt::format("{}: the service id \"{}\" is already published as {}; publish "
                                "the new version under that name",
                                name, id, other));
      }
      auto before = workflow::parse_bundle_version(published->version);
      if (other == name && version && before && !(*version > *before)) {
        return fail(Errc::invalid_argument,
                    fmt::format("{}: version {} is not above the published {}; raise the "
                                "bundle's version",
                                name, bundle.value("version", ""), published->version));
      }
    }
  }
  return {};
}

}  // namespace

Expected<void> check_publishable(Repository& repository, const std::string& name,
                                 const std::string& role, std::string_view bytes) {
  if (auto delegated = delegation_of(repository, role); delegated && !delegated->covers(name)) {
    return fail(Errc::invalid_argument,
                fmt::format("{}: outside the paths delegated to {}; a kiosk would not trust {} "
                            "for it",
                            name, role, role));
  }
  if (name.starts_with(k_services)) return check_service_bundle(repository, name, bytes);
  return {};
}

int max_expiry_days(const std::string& role) {
  return role == "root" ? 3650 : 730;
}

Expected<void> check_expiry(const std::string& role, trust::UnixSeconds expires,
                            trust::UnixSeconds now) {
  if (expires <= now) {
    return fail(Errc::invalid_argument,
                fmt::format("{} would expire at {}, which is not in the future", role,
                            trust::format_utc_time(expires)));
  }
  std::int64_t limit = now + std::int64_t{max_expiry_days(role)} * 86400;
  if (expires > limit) {
    return fail(Errc::invalid_argument,
                fmt::format("{} would expire at {}: more than {} days ahead; a stolen key "
                            "would stay trusted that long",
                            role, trust::format_utc_time(expires), max_expiry_days(role)));
  }
  return {};
}

}  // namespace shubbak::repo
