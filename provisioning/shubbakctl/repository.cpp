#include "provisioning/shubbakctl/repository.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/digest.hpp"
#include "kiosk/trust/canonical_json.hpp"
#include "kiosk/trust/trusted_clock.hpp"
#include "kiosk/trust/updater.hpp"

namespace shubbak::repo {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr std::string_view k_spec_version = "1.0.31";
constexpr std::uintmax_t k_max_metadata_bytes = 16 * 1024 * 1024;
constexpr std::uintmax_t k_max_bundle_bytes = 64 * 1024 * 1024;

bool is_top_level(const std::string& role) {
  return role == "root" || role == "timestamp" || role == "snapshot" || role == "targets";
}

trust::UnixSeconds now() {
  return trust::system_unix_time();
}

Json new_signed(const std::string& type) {
  return Json{
      {"_type", type},
      {"spec_version", k_spec_version},
      {"version", 0},
      {"expires", trust::format_utc_time(now() + std::int64_t{default_expiry_days(type)} * 86400)}};
}

Expected<void> copy_into(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return fail(Errc::io,
                fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message()));
  return {};
}

// The version a target's history records: a bundle's own "version", else a hash prefix.
std::string version_label(std::string_view bytes, const std::string& sha256) {
  Json bundle = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (bundle.is_object() && bundle.contains("version")) {
    if (bundle["version"].is_string()) return bundle["version"].get<std::string>();
    if (bundle["version"].is_number_integer()) return bundle["version"].dump();
  }
  return "sha256:" + sha256.substr(0, 12);
}

Json file_meta(std::uint64_t version, std::string_view bytes) {
  return Json{{"version", version},
              {"length", bytes.size()},
              {"hashes", {{"sha256", *digest_hex("sha256", bytes)}}}};
}

}  // namespace

int default_expiry_days(const std::string& role) {
  if (role == "root") return 365;
  if (role == "timestamp") return 1;
  if (role == "snapshot") return 7;
  return 90;
}

Expected<void> minimal_bundle_lint(const fs::path& file, std::string_view bytes) {
  Json bundle = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (bundle.is_discarded())
    return fail(Errc::parse, fmt::format("{}: not valid JSON", file.string()));
  if (!bundle.is_object())
    return fail(Errc::parse, fmt::format("{}: a bundle must be a JSON object", file.string()));
  if (!bundle.contains("id") || !bundle["id"].is_string() ||
      bundle["id"].get<std::string>().empty()) {
    return fail(Errc::parse, fmt::format("{}: $.id must be a non-empty string", file.string()));
  }
  if (!bundle.contains("version") ||
      !(bundle["version"].is_string() || bundle["version"].is_number_integer())) {
    return fail(Errc::parse,
                fmt::format("{}: $.version must be a string or an integer", file.string()));
  }
  return {};
}

Repository::Repository(fs::path repo_dir, fs::path keys_dir, std::vector<SigningKey> keys)
    : m_repo_dir(std::move(repo_dir)), m_keys_dir(std::move(keys_dir)), m_keys(std::move(keys)) {}

Expected<Repository> Repository::init(const fs::path& repo_dir, const fs::path& keys_dir,
                                      const InitOptions& options) {
  if (fs::exists(repo_dir / "metadata" / "root.json")) {
    return fail(Errc::invalid_argument,
                fmt::format("{} already holds a repository", repo_dir.string()));
  }
  std::error_code ec;
  for (const auto& dir : {repo_dir / "metadata", repo_dir / "targets", keys_dir}) {
    fs::create_directories(dir, ec);
    if (ec) return fail(Errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  fs::permissions(keys_dir, fs::perms::owner_all, ec);
  Repository repo(repo_dir, keys_dir, {});
  Json root = new_signed("root");
  root["consistent_snapshot"] = options.consistent_snapshot;
  root["keys"] = Json::object();
  root["roles"] = Json::object();
  for (auto [role, setup] : {std::pair<std::string, RoleSetup>{"root", options.root},
                             {"targets", options.targets},
                             {"snapshot", options.snapshot},
                             {"timestamp", options.timestamp}}) {
    if (setup.threshold < 1 || setup.threshold > setup.key_count) {
      return fail(Errc::invalid_argument, fmt::format("{}: a threshold of {} needs 1 to {} keys",
                                                      role, setup.threshold, setup.key_count));
    }
    auto keys = repo.new_keys(role, setup, options.scheme);
    if (!keys) return std::unexpected(keys.error());
    Json keyids = Json::array();
    for (const auto& key : *keys) {
      root["keys"][key.keyid] = public_key_json(key.public_key);
      keyids.push_back(key.keyid);
    }
    root["roles"][role] = {{"keyids", keyids}, {"threshold", setup.threshold}};
  }
  repo.m_signed["root"] = root;
  repo.m_root_at_open = root;
  Json targets = new_signed("targets");
  targets["targets"] = Json::object();
  repo.m_signed["targets"] = targets;
  Json snapshot = new_signed("snapshot");
  snapshot["meta"] = Json::object();
  repo.m_signed["snapshot"] = snapshot;
  Json timestamp = new_signed("timestamp");
  timestamp["meta"] = Json::object();
  repo.m_signed["timestamp"] = timestamp;
  repo.m_changed = {"root", "targets", "snapshot", "timestamp"};
  if (auto done = repo.commit(); !done) return std::unexpected(done.error());
  return repo;
}

Expected<Repository> Repository::open(const fs::path& repo_dir, const fs::path& keys_dir,
                                      const std::vector<fs::path>& co_signer_dirs) {
  auto keys = load_key_dir(keys_dir);
  if (!keys) return std::unexpected(keys.error());
  for (const auto& dir : co_signer_dirs) {
    auto more = load_key_dir(dir);
    if (!more) return std::unexpected(more.error());
    for (auto& key : *more) {
      bool known = std::any_of(keys->begin(), keys->end(),
                               [&](const SigningKey& k) { return k.keyid == key.keyid; });
      if (!known) keys->push_back(std::move(key));
    }
  }
  Repository repo(repo_dir, keys_dir, std::move(*keys));
  if (auto loaded = repo.load_root(); !loaded) return std::unexpected(loaded.error());
  return repo;
}

Expected<void> Repository::load_root() {
  auto root = signed_part("root");
  if (!root) return std::unexpected(root.error());
  m_root_at_open = **root;
  return {};
}

Expected<Json*> Repository::signed_part(const std::string& role) {
  auto it = m_signed.find(role);
  if (it != m_signed.end()) return &it->second;
  fs::path file = metadata_dir() / (trust::percent_encode(role) + ".json");
  auto bytes = read_whole_file(file, k_max_metadata_bytes);
  if (!bytes) return fail(bytes.error().code, fmt::format("{}: {}", role, bytes.error().message));
  Json envelope = Json::parse(*bytes, nullptr, false);
  if (envelope.is_discarded() || !envelope.contains("signed")) {
    return fail(Errc::parse, fmt::format("{}: {} is not TUF metadata", role, file.string()));
  }
  return &(m_signed[role] = envelope["signed"]);
}

std::optional<std::string> Repository::delegator_of(const std::string& role) {
  for (const auto& candidate : targets_roles()) {
    auto signed_json = signed_part(candidate);
    if (!signed_json || !(*signed_json)->contains("delegations")) continue;
    for (const auto& delegated : (**signed_json)["delegations"]["roles"]) {
      if (delegated["name"] == role) return candidate;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Repository::targets_roles() {
  std::vector<std::string> roles;
  std::vector<std::string> to_visit = {"targets"};
  while (!to_visit.empty() && roles.size() < 1000) {
    std::string role = to_visit.back();
    to_visit.pop_back();
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) continue;
    roles.push_back(role);
    auto signed_json = signed_part(role);
    if (!signed_json || !(*signed_json)->contains("delegations")) continue;
    for (const auto& delegated : (**signed_json)["delegations"]["roles"]) {
      to_visit.push_back(delegated["name"].get<std::string>());
    }
  }
  return roles;
}

Expected<std::pair<std::vector<std::string>, std::uint32_t>> Repository::signers_of(
    const std::string& role) {
  const Json* role_json = nullptr;
  if (is_top_level(role)) {
    role_json = &m_signed.at("root")["roles"][role];
  } else {
    auto delegator = delegator_of(role);
    if (!delegator) return fail(Errc::not_found, fmt::format("{}: no role delegates to it", role));
    for (const auto& delegated : m_signed.at(*delegator)["delegations"]["roles"]) {
      if (delegated["name"] == role) role_json = &delegated;
    }
  }
  return std::pair{(*role_json)["keyids"].get<std::vector<std::string>>(),
                   (*role_json)["threshold"].get<std::uint32_t>()};
}

Expected<std::vector<SigningKey>> Repository::new_keys(const std::string& role,
                                                       const RoleSetup& setup, KeyScheme scheme) {
  std::vector<SigningKey> made;
  for (int i = 0; i < setup.key_count; ++i) {
    // Never overwrite: find the next free "<role>-<n>.pem".
    fs::path file;
    for (int n = 1; n < 10000; ++n) {
      file = m_keys_dir / fmt::format("{}-{}.pem", trust::percent_encode(role), n);
      if (!fs::exists(file)) break;
    }
    auto key = create_key_file(file, scheme);
    if (!key) return std::unexpected(key.error());
    m_keys.push_back(*key);
    made.push_back(std::move(*key));
  }
  return made;
}

Expected<Json> Repository::sign(const Json& signed_json,
                                const std::vector<std::string>& keyids) const {
  auto canonical = trust::canonical_json(signed_json);
  if (!canonical) return std::unexpected(canonical.error());
  Json signatures = Json::array();
  for (const auto& keyid : keyids) {
    auto key = std::find_if(m_keys.begin(), m_keys.end(),
                            [&](const SigningKey& k) { return k.keyid == keyid; });
    if (key == m_keys.end()) continue;
    auto signature = sign_message(key->scheme, key->private_pem, *canonical);
    if (!signature) return std::unexpected(signature.error());
    signatures.push_back({{"keyid", keyid}, {"sig", to_hex(*signature)}});
  }
  return Json{{"signatures", signatures}, {"signed", signed_json}};
}

Expected<void> Repository::write_role(const std::string& role, const Json& envelope) {
  std::string bytes = envelope.dump(1) + "\n";
  auto written =
      write_file_atomically(metadata_dir() / (trust::percent_encode(role) + ".json"), bytes);
  if (!written) return written;
  if (role == "root") {
    auto version = envelope["signed"]["version"].get<std::uint64_t>();
    return write_file_atomically(metadata_dir() / fmt::format("{}.root.json", version), bytes);
  }
  return {};
}

Expected<void> Repository::add_target(const std::string& name, const fs::path& file,
                                      const std::string& role, const BundleLint& lint) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
    return fail(Errc::invalid_argument, fmt::format("\"{}\" is not a usable target path", name));
  }
  auto bytes = read_whole_file(file, k_max_bundle_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  if (name.starts_with("services/") && lint) {
    if (auto linted = lint(file, *bytes); !linted) return linted;
  }
  auto signed_json = signed_part(role);
  if (!signed_json) return std::unexpected(signed_json.error());
  (**signed_json)["targets"][name] = {{"length", bytes->size()},
                                      {"hashes", {{"sha256", *digest_hex("sha256", *bytes)}}}};
  if (auto recorded = record_version(name, *bytes); !recorded) return recorded;
  std::error_code ec;
  fs::create_directories((targets_dir() / name).parent_path(), ec);
  if (auto copied = write_file_atomically(targets_dir() / name, *bytes); !copied) return copied;
  m_changed.insert(role);
  return {};
}

Expected<void> Repository::record_version(const std::string& name, std::string_view bytes) {
  std::string sha256 = *digest_hex("sha256", bytes);
  fs::path kept = history_dir() / sha256;
  if (!fs::exists(kept)) {
    std::error_code ec;
    fs::create_directories(history_dir(), ec);
    if (auto written = write_file_atomically(kept, bytes); !written) return written;
  }
  fs::path index = m_repo_dir / "history.json";
  Json history = Json::object();
  if (auto text = read_whole_file(index, k_max_metadata_bytes)) {
    history = Json::parse(*text, nullptr, false);
    if (history.is_discarded() || !history.is_object())
      return fail(Errc::parse, fmt::format("{} is not a target history", index.string()));
  }
  Json& versions = history[name];
  if (!versions.is_array()) versions = Json::array();
  // Adding the same bytes again is not a new version.
  if (!versions.empty() && versions.back()["sha256"] == sha256) return {};
  versions.push_back(
      {{"version", version_label(bytes, sha256)}, {"length", bytes.size()}, {"sha256", sha256}});
  return write_file_atomically(index, history.dump(1) + "\n");
}

std::vector<TargetVersion> Repository::target_history(const std::string& name) const {
  std::vector<TargetVersion> versions;
  auto text = read_whole_file(m_repo_dir / "history.json", k_max_metadata_bytes);
  if (!text) return versions;
  Json history = Json::parse(*text, nullptr, false);
  if (history.is_discarded() || !history.is_object() || !history.contains(name)) return versions;
  for (const auto& entry : history[name]) {
    versions.push_back({entry["version"].get<std::string>(), entry["length"].get<std::uint64_t>(),
                        entry["sha256"].get<std::string>()});
  }
  return versions;
}

std::optional<std::string> Repository::role_of_target(const std::string& name) {
  for (const auto& role : targets_roles()) {
    auto signed_json = signed_part(role);
    if (signed_json && (**signed_json)["targets"].contains(name)) return role;
  }
  return std::nullopt;
}

Expected<void> Repository::remove_target(const std::string& name, const std::string& role) {
  auto signed_json = signed_part(role);
  if (!signed_json) return std::unexpected(signed_json.error());
  if ((**signed_json)["targets"].erase(name) == 0) {
    return fail(Errc::not_found, fmt::format("{} has no target {}", role, name));
  }
  m_changed.insert(role);
  return {};
}

Expected<void> Repository::delegate(const DelegationRequest& request) {
  if (is_top_level(request.name) || request.name.empty()) {
    return fail(Errc::invalid_argument,
                fmt::format("\"{}\" cannot be a delegated role", request.name));
  }
  if (request.keys.threshold < 1 || request.keys.threshold > request.keys.key_count) {
    return fail(Errc::invalid_argument, "the threshold must be between 1 and the number of keys");
  }
  auto existing_roles = targets_roles();
  if (std::find(existing_roles.begin(), existing_roles.end(), request.name) !=
      existing_roles.end()) {
    return fail(Errc::invalid_argument,
                fmt::format("a role named {} already exists", request.name));
  }
  auto delegator = signed_part(request.delegator);
  if (!delegator) return std::unexpected(delegator.error());
  Json& parent = **delegator;
  if (!parent.contains("delegations"))
    parent["delegations"] = {{"keys", Json::object()}, {"roles", Json::array()}};
  for (const auto& existing : parent["delegations"]["roles"]) {
    if (existing["name"] == request.name) {
      return fail(Errc::invalid_argument,
                  fmt::format("{} already delegates to {}", request.delegator, request.name));
    }
  }
  auto keys = new_keys(request.name, request.keys, request.scheme);
  if (!keys) return std::unexpected(keys.error());
  Json keyids = Json::array();
  for (const auto& key : *keys) {
    parent["delegations"]["keys"][key.keyid] = public_key_json(key.public_key);
    keyids.push_back(key.keyid);
  }
  parent["delegations"]["roles"].push_back({{"name", request.name},
                                            {"keyids", keyids},
                                            {"threshold", request.keys.threshold},
                                            {"terminating", request.terminating},
                                            {"paths", request.paths}});
  Json delegated = new_signed("targets");
  delegated["targets"] = Json::object();
  m_signed[request.name] = delegated;
  m_changed.insert(request.delegator);
  m_changed.insert(request.name);
  return {};
}

Expected<void> Repository::rotate(const std::string& role, const RoleSetup& setup,
                                  KeyScheme scheme) {
  if (setup.threshold < 1 || setup.threshold > setup.key_count) {
    return fail(Errc::invalid_argument, "the threshold must be between 1 and the number of keys");
  }
  std::string owner = is_top_level(role) ? "root" : delegator_of(role).value_or("");
  if (owner.empty()) return fail(Errc::not_found, fmt::format("{}: no role delegates to it", role));
  auto keys = new_keys(role, setup, scheme);
  if (!keys) return std::unexpected(keys.error());
  Json& parent = m_signed.at(owner);
  Json& key_table = owner == "root" ? parent["keys"] : parent["delegations"]["keys"];
  Json* role_json = nullptr;
  if (owner == "root") {
    role_json = &parent["roles"][role];
  } else {
    for (auto& delegated : parent["delegations"]["roles"]) {
      if (delegated["name"] == role) role_json = &delegated;
    }
  }
  Json keyids = Json::array();
  for (const auto& key : *keys) {
    key_table[key.keyid] = public_key_json(key.public_key);
    keyids.push_back(key.keyid);
  }
  (*role_json)["keyids"] = keyids;
  (*role_json)["threshold"] = setup.threshold;
  // Drop public keys no role uses any more, so a revoked key leaves the metadata.
  std::set<std::string> used;
  if (owner == "root") {
    for (const auto& [_, r] : parent["roles"].items()) {
      for (const auto& id : r["keyids"]) used.insert(id.get<std::string>());
    }
  } else {
    for (const auto& r : parent["delegations"]["roles"]) {
      for (const auto& id : r["keyids"]) used.insert(id.get<std::string>());
    }
  }
  for (auto it = key_table.begin(); it != key_table.end();) {
    it = used.contains(it.key()) ? std::next(it) : key_table.erase(it);
  }
  m_changed.insert(owner);
  // The role itself is re-signed with its new keys.
  if (role != "root") m_changed.insert(role);
  return {};
}

Expected<void> Repository::set_expiry(const std::string& role, trust::UnixSeconds expires) {
  auto signed_json = signed_part(role);
  if (!signed_json) return std::unexpected(signed_json.error());
  (**signed_json)["expires"] = trust::format_utc_time(expires);
  m_explicit_expiry.insert(role);
  m_changed.insert(role);
  return {};
}

void Repository::resign_snapshot_and_timestamp() {
  m_changed.insert("snapshot");
  m_changed.insert("timestamp");
}

Expected<void> Repository::commit() {
  if (m_changed.empty()) return {};
  auto sign_role = [&](const std::string& role) -> Expected<void> {
    auto signed_json = signed_part(role);
    if (!signed_json) return std::unexpected(signed_json.error());
    Json& body = **signed_json;
    body["version"] = body["version"].get<std::uint64_t>() + 1;
    if (!m_explicit_expiry.contains(role)) {
      std::string type = body["_type"].get<std::string>();
      int days = default_expiry_days(type == "targets" ? "targets" : role);
      body["expires"] = trust::format_utc_time(now() + std::int64_t{days} * 86400);
    }
    auto signers = signers_of(role);
    if (!signers) return std::unexpected(signers.error());
    std::vector<std::string> keyids = signers->first;
    std::vector<std::pair<std::vector<std::string>, std::uint32_t>> must_reach = {*signers};
    if (role == "root" && body["version"].get<std::uint64_t>() > 1) {
      // Root N+1 needs the threshold of root N as well (specification 5.3.4).
      auto old_ids = m_root_at_open["roles"]["root"]["keyids"].get<std::vector<std::string>>();
      keyids.insert(keyids.end(), old_ids.begin(), old_ids.end());
      std::sort(keyids.begin(), keyids.end());
      keyids.erase(std::unique(keyids.begin(), keyids.end()), keyids.end());
      must_reach.emplace_back(old_ids,
                              m_root_at_open["roles"]["root"]["threshold"].get<std::uint32_t>());
    }
    for (const auto& [ids, threshold] : must_reach) {
      std::uint32_t available = 0;
      for (const auto& id : ids) {
        available += std::any_of(m_keys.begin(), m_keys.end(),
                                 [&](const SigningKey& k) { return k.keyid == id; });
      }
      if (available < threshold) {
        return fail(Errc::invalid_argument,
                    fmt::format("{}: {} signatures are needed but only {} of its keys are in {} "
                                "(another key holder adds theirs with --co-signer-keys DIR)",
                                role, threshold, available, m_keys_dir.string()));
      }
    }
    auto envelope = sign(body, keyids);
    if (!envelope) return std::unexpected(envelope.error());
    return write_role(role, *envelope);
  };

  bool targets_changed = std::any_of(m_changed.begin(), m_changed.end(), [](const std::string& r) {
    return r != "root" && r != "snapshot" && r != "timestamp";
  });
  if (targets_changed || m_changed.contains("root")) m_changed.insert("snapshot");
  if (m_changed.contains("snapshot")) m_changed.insert("timestamp");

  if (m_changed.contains("root")) {
    if (auto done = sign_role("root"); !done) return done;
    m_root_at_open = m_signed.at("root");
  }
  for (const auto& role : targets_roles()) {
    if (m_changed.contains(role)) {
      if (auto done = sign_role(role); !done) return done;
    }
  }
  auto snapshot = signed_part("snapshot");
  if (!snapshot) return std::unexpected(snapshot.error());
  Json meta = Json::object();
  for (const auto& role : targets_roles()) {
    auto bytes = read_whole_file(metadata_dir() / (trust::percent_encode(role) + ".json"),
                                 k_max_metadata_bytes);
    if (!bytes) return std::unexpected(bytes.error());
    meta[role + ".json"] = file_meta(m_signed.at(role)["version"].get<std::uint64_t>(), *bytes);
  }
  (**snapshot)["meta"] = meta;
  if (auto done = sign_role("snapshot"); !done) return done;
  auto snapshot_bytes = read_whole_file(metadata_dir() / "snapshot.json", k_max_metadata_bytes);
  if (!snapshot_bytes) return std::unexpected(snapshot_bytes.error());
  auto timestamp = signed_part("timestamp");
  if (!timestamp) return std::unexpected(timestamp.error());
  (**timestamp)["meta"] = {
      {"snapshot.json",
       file_meta(m_signed.at("snapshot")["version"].get<std::uint64_t>(), *snapshot_bytes)}};
  if (auto done = sign_role("timestamp"); !done) return done;
  m_changed.clear();
  m_explicit_expiry.clear();
  return {};
}

Expected<void> Repository::publish(const fs::path& out) const {
  // publish() is const for callers; reading roles on demand needs a mutable copy.
  Repository self = *this;
  bool consistent = self.m_signed.at("root")["consistent_snapshot"].get<bool>();
  fs::path out_metadata = out / "metadata";
  fs::path out_targets = out / "targets";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(metadata_dir(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) continue;
    if (auto done = copy_into(entry.path(), out_metadata / name); !done) return done;
  }
  if (ec)
    return fail(Errc::io, fmt::format("cannot list {}: {}", metadata_dir().string(), ec.message()));
  std::vector<std::string> versioned = self.targets_roles();
  versioned.push_back("snapshot");
  for (const auto& role : versioned) {
    std::string file = trust::percent_encode(role) + ".json";
    auto signed_json = self.signed_part(role);
    if (!signed_json) return std::unexpected(signed_json.error());
    auto version = (**signed_json)["version"].get<std::uint64_t>();
    if (consistent) {
      if (auto done =
              copy_into(metadata_dir() / file, out_metadata / fmt::format("{}.{}", version, file));
          !done) {
        return done;
      }
    }
  }
  for (const auto& role : self.targets_roles()) {
    for (const auto& [path, info] : self.m_signed.at(role)["targets"].items()) {
      fs::path source = targets_dir() / path;
      if (auto done = copy_into(source, out_targets / path); !done) return done;
      if (!consistent) continue;
      fs::path relative(path);
      fs::path hashed = relative.parent_path() / (info["hashes"]["sha256"].get<std::string>() +
                                                  "." + relative.filename().string());
      if (auto done = copy_into(source, out_targets / hashed); !done) return done;
      // The version a rollout's waiting kiosks fall back to is served under its hash too.
      if (!info.contains("custom") || !info["custom"].contains("rollout") ||
          !info["custom"]["rollout"].contains("previous")) {
        continue;
      }
      std::string previous =
          info["custom"]["rollout"]["previous"]["hashes"]["sha256"].get<std::string>();
      if (auto done = copy_into(history_dir() / previous,
                                out_targets / relative.parent_path() /
                                    (previous + "." + relative.filename().string()));
          !done) {
        return done;
      }
    }
  }
  return {};
}

}  // namespace shubbak::repo
