#include "kiosk/trust/updater.hpp"
#include "kiosk/crypto/digest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <set>
#include <utility>

#include <fmt/format.h>

namespace shubbak::trust {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_time_floor_file = ".trusted-time-floor";

std::string strip_trailing_slash(std::string url) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

std::unexpected<Error> with_role(std::string_view role, const Error& error) {
  // Fetch and parse errors get the role in front; verification errors already name it.
  if (error.message.starts_with(role)) return std::unexpected(error);
  return fail(error.code, fmt::format("{}: {}", role, error.message));
}

bool same_keys(const RoleKeys& a, const RoleKeys& b) {
  return a.threshold == b.threshold &&
         std::set(a.keyids.begin(), a.keyids.end()) == std::set(b.keyids.begin(), b.keyids.end());
}

// The hash a consistent snapshot puts in front of a target's file name.
std::string consistent_hash(const TargetFile& file) {
  auto sha256 = file.hashes.find("sha256");
  return sha256 != file.hashes.end() ? sha256->second : file.hashes.begin()->second;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  std::string out;
  for (char ch : text) {
    bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_' || ch == '.' || ch == '~';
    if (plain) {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(ch));
    }
  }
  // "." and ".." are plain characters but not usable as file names.
  if (out == "." || out == "..") out = fmt::format("%2E{}", out.substr(1));
  return out;
}

Expected<void> initialize_metadata_dir(const fs::path& metadata_dir, std::string_view root_bytes) {
  auto trusted = TrustedSet::from_trusted_root(root_bytes, 0);
  if (!trusted) return std::unexpected(trusted.error());
  std::error_code ec;
  fs::create_directories(metadata_dir, ec);
  if (ec)
    return fail(Errc::io, fmt::format("cannot create {}: {}", metadata_dir.string(), ec.message()));
  return write_file_atomically(metadata_dir / "root.json", root_bytes);
}

Updater::Updater(UpdaterOptions options, Fetcher& metadata_fetcher, Fetcher& target_fetcher)
    : m_options(std::move(options)),
      m_metadata_fetcher(metadata_fetcher),
      m_target_fetcher(target_fetcher),
      m_clock(m_options.metadata_dir / k_time_floor_file, m_options.system_clock,
              m_options.not_before) {}

Expected<std::unique_ptr<Updater>> Updater::open(UpdaterOptions options, Fetcher& metadata_fetcher,
                                                 Fetcher& target_fetcher) {
  if (!fs::is_regular_file(options.metadata_dir / "root.json")) {
    return fail(Errc::not_found,
                fmt::format("no trusted root in {}: initialize it with a trusted root.json first",
                            options.metadata_dir.string()));
  }
  // Temporary files a crash left behind were never renamed into place: they hold nothing trusted.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options.metadata_dir, ec)) {
    if (entry.path().filename().string().find(".tmp-") != std::string::npos)
      fs::remove(entry.path(), ec);
  }
  options.metadata_url = strip_trailing_slash(std::move(options.metadata_url));
  options.target_base_url = strip_trailing_slash(std::move(options.target_base_url));
  return std::unique_ptr<Updater>(
      new Updater(std::move(options), metadata_fetcher, target_fetcher));
}

fs::path Updater::role_file(const std::string& role) const {
  return m_options.metadata_dir / (percent_encode(role) + ".json");
}

std::string Updater::metadata_url(const std::string& file) const {
  return m_options.metadata_url + "/" + file;
}

Expected<void> Updater::persist(const std::string& role, std::string_view bytes) {
  auto written = write_file_atomically(role_file(role), bytes, m_options.persist_observer);
  if (!written) return with_role(role, written.error());
  return {};
}

Expected<void> Updater::refresh() {
  m_trusted.reset();
  auto root_bytes = read_whole_file(role_file("root"), m_options.max_root_bytes);
  if (!root_bytes) return with_role("root", root_bytes.error());
  // 5.1: one reference time for the whole cycle.
  auto trusted = TrustedSet::from_trusted_root(*root_bytes, m_clock.now());
  if (!trusted) return std::unexpected(trusted.error());
  m_trusted = std::move(*trusted);

  if (auto done = update_root_chain(); !done) return done;
  if (auto done = update_timestamp(); !done) return done;
  if (auto done = update_snapshot(); !done) return done;
  auto targets = load_targets("targets", "root");
  if (!targets) return std::unexpected(targets.error());
  auto advanced = m_clock.advance_to(m_trusted->reference_time(), m_options.persist_observer);
  if (!advanced) return with_role("clock", advanced.error());
  return {};
}

Expected<void> Updater::update_root_chain() {
  // 5.3.2-5.3.9: walk N+1, N+2, ... until the repository has no next version.
  for (std::uint32_t step = 0; step < m_options.max_root_rotations; ++step) {
    std::uint64_t next = m_trusted->root().meta.version + 1;
    auto bytes = m_metadata_fetcher.fetch_bytes(metadata_url(fmt::format("{}.root.json", next)),
                                                m_options.max_root_bytes);
    if (!bytes && bytes.error().code == Errc::not_found) break;
    if (!bytes) return with_role("root", bytes.error());
    RoleKeys timestamp_keys = m_trusted->root().roles.at("timestamp");
    RoleKeys snapshot_keys = m_trusted->root().roles.at("snapshot");
    auto updated = m_trusted->update_root(*bytes);
    if (!updated) return updated;
    // 5.3.11: fast-forward attack recovery. When the new root changes the timestamp or
    // snapshot keys, versions signed by the old keys must not block the new ones. The files go
    // before the new root is stored, so a crash in between cannot keep them.
    const Root& root = m_trusted->root();
    if (!same_keys(timestamp_keys, root.roles.at("timestamp")) ||
        !same_keys(snapshot_keys, root.roles.at("snapshot"))) {
      for (const char* role : {"timestamp", "snapshot"}) {
        auto removed = remove_file_durably(role_file(role), m_options.persist_observer);
        if (!removed) return with_role(role, removed.error());
      }
    }
    if (auto stored = persist("root", *bytes); !stored) return stored;
  }
  return m_trusted->check_final_root();
}

Expected<void> Updater::update_timestamp() {
  // A trusted copy that no longer verifies (rotated keys) is simply not used for rollback checks.
  if (auto local = read_whole_file(role_file("timestamp"), m_options.max_timestamp_bytes)) {
    (void)m_trusted->load_local_timestamp(*local);
  }
  auto bytes =
      m_metadata_fetcher.fetch_bytes(metadata_url("timestamp.json"), m_options.max_timestamp_bytes);
  if (!bytes) return with_role("timestamp", bytes.error());
  auto replaced = m_trusted->update_timestamp(*bytes);
  if (!replaced) return with_role("timestamp", replaced.error());
  if (*replaced) return persist("timestamp", *bytes);
  return {};
}

Expected<void> Updater::update_snapshot() {
  if (auto local = read_whole_file(role_file("snapshot"), m_options.max_snapshot_bytes)) {
    // Kept for the rollback check even when it is not the final snapshot.
    if (m_trusted->update_snapshot(*local, true)) return {};
  }
  const MetaFile& listed = m_trusted->timestamp()->snapshot;
  std::string name = m_trusted->root().consistent_snapshot
                         ? fmt::format("{}.snapshot.json", listed.version)
                         : "snapshot.json";
  auto bytes = m_metadata_fetcher.fetch_bytes(
      metadata_url(name), listed.info.length.value_or(m_options.max_snapshot_bytes));
  if (!bytes) return with_role("snapshot", bytes.error());
  auto updated = m_trusted->update_snapshot(*bytes, false);
  if (!updated) return with_role("snapshot", updated.error());
  return persist("snapshot", *bytes);
}

Expected<const Targets*> Updater::load_targets(const std::string& role,
                                               const std::string& delegator) {
  // Loaded earlier in this cycle, perhaps through another delegator: verified again against
  // this one's keys before it is used (TrustedSet::targets_via).
  auto loaded = m_trusted->targets_via(role, delegator);
  if (!loaded) return with_role(role, loaded.error());
  if (*loaded != nullptr) return *loaded;
  if (auto local = read_whole_file(role_file(role), m_options.max_targets_bytes)) {
    if (m_trusted->update_targets(*local, role, delegator)) return m_trusted->targets(role);
  }
  const auto& files = m_trusted->snapshot()->meta_files;
  auto listed = files.find(role + ".json");
  if (listed == files.end())
    return fail(Errc::integrity, fmt::format("{}: the snapshot does not list it", role));
  std::string encoded = percent_encode(role);
  std::string name = m_trusted->root().consistent_snapshot
                         ? fmt::format("{}.{}.json", listed->second.version, encoded)
                         : encoded + ".json";
  auto bytes = m_metadata_fetcher.fetch_bytes(
      metadata_url(name), listed->second.info.length.value_or(m_options.max_targets_bytes));
  if (!bytes) return with_role(role, bytes.error());
  auto updated = m_trusted->update_targets(*bytes, role, delegator);
  if (!updated) return with_role(role, updated.error());
  if (auto stored = persist(role, *bytes); !stored) return std::unexpected(stored.error());
  return m_trusted->targets(role);
}

Expected<std::optional<TargetInfo>> Updater::find_target(const std::string& path) {
  if (!m_trusted || !m_trusted->snapshot()) {
    if (auto refreshed = refresh(); !refreshed) return std::unexpected(refreshed.error());
  }
  // 5.7: pre-order depth-first; a role visited once is not visited again; a terminating
  // delegation that covers the path ends the search below the roles already queued.
  std::vector<std::pair<std::string, std::string>> to_visit = {{"targets", "root"}};
  std::set<std::string> visited;
  std::uint32_t visits = 0;
  while (!to_visit.empty() && visits < m_options.max_delegations) {
    auto [role, delegator] = to_visit.back();
    to_visit.pop_back();
    if (visited.contains(role)) continue;
    auto targets = load_targets(role, delegator);
    if (!targets) return std::unexpected(targets.error());
    visited.insert(role);
    ++visits;
    auto found = (*targets)->targets.find(path);
    if (found != (*targets)->targets.end()) return TargetInfo{path, found->second, role};
    if (!(*targets)->delegations) continue;
    std::vector<std::pair<std::string, std::string>> children;
    for (const auto& child : (*targets)->delegations->roles) {
      if (!child.covers(path)) continue;
      children.emplace_back(child.name, role);
      if (child.terminating) {
        to_visit.clear();
        break;
      }
    }
    to_visit.insert(to_visit.end(), children.rbegin(), children.rend());
  }
  return std::optional<TargetInfo>();
}

Expected<std::vector<TargetInfo>> Updater::list_targets(std::string_view prefix) {
  if (!m_trusted || !m_trusted->snapshot()) {
    if (auto refreshed = refresh(); !refreshed) return std::unexpected(refreshed.error());
  }
  // Gather candidate paths from every reachable role, then resolve each through find_target so
  // that delegation order, terminating roles and path patterns decide which role wins.
  std::set<std::string> candidates;
  std::vector<std::pair<std::string, std::string>> to_visit = {{"targets", "root"}};
  std::set<std::string> visited;
  while (!to_visit.empty() && visited.size() < m_options.max_delegations) {
    auto [role, delegator] = to_visit.back();
    to_visit.pop_back();
    if (!visited.insert(role).second) continue;
    auto targets = load_targets(role, delegator);
    if (!targets) return std::unexpected(targets.error());
    for (const auto& [path, _] : (*targets)->targets) {
      if (path.starts_with(prefix)) candidates.insert(path);
    }
    if (!(*targets)->delegations) continue;
    const auto& roles = (*targets)->delegations->roles;
    for (auto child = roles.rbegin(); child != roles.rend(); ++child)
      to_visit.emplace_back(child->name, role);
  }
  std::vector<TargetInfo> result;
  for (const auto& path : candidates) {
    auto found = find_target(path);
    if (!found) return std::unexpected(found.error());
    if (*found) result.push_back(std::move(**found));
  }
  return result;
}

bool target_file_matches(const TargetFile& target, const fs::path& file) {
  std::vector<std::string> algorithms;
  for (const auto& [algorithm, _] : target.hashes) {
    if (hash_algorithm_supported(algorithm)) algorithms.push_back(algorithm);
  }
  if (algorithms.empty()) return false;
  auto digests = digest_file(file, algorithms, target.length);
  if (!digests || digests->length != target.length) return false;
  for (const auto& algorithm : algorithms) {
    if (digests->hex.at(algorithm) != target.hashes.at(algorithm)) return false;
  }
  return true;
}

bool Updater::is_cached(const TargetInfo& target, const fs::path& file) const {
  return target_file_matches(target.file, file);
}

Expected<void> Updater::download_target(const TargetInfo& target, const fs::path& file) {
  if (!m_trusted) return fail(Errc::internal, "download_target before refresh");
  std::string url_path = target.path;
  if (m_trusted->root().consistent_snapshot) {
    auto slash = url_path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : url_path.substr(0, slash + 1);
    std::string base = slash == std::string::npos ? url_path : url_path.substr(slash + 1);
    url_path = dir + consistent_hash(target.file) + "." + base;
  }
  std::string url = m_options.target_base_url + "/" + url_path;
  fs::path partial = file;
  partial += ".part";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail_errno(Errc::io, fmt::format("cannot create {}", partial.string()), errno);
  bool write_failed = false;
  // The length signed in metadata is the cap: one byte more is endless data.
  auto fetched = m_target_fetcher.fetch(url, target.file.length, [&](std::string_view chunk) {
    while (!chunk.empty()) {
      ssize_t wrote = ::write(fd, chunk.data(), chunk.size());
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) {
        write_failed = true;
        return false;
      }
      chunk.remove_prefix(static_cast<std::size_t>(wrote));
    }
    return true;
  });
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  auto discard = [&](Error error) {
    ::unlink(partial.c_str());
    return std::unexpected(
        Error{error.code, fmt::format("target {}: {}", target.path, error.message)});
  };
  if (write_failed || !synced)
    return discard(Error{Errc::io, fmt::format("cannot write {}", partial.string())});
  if (!fetched) return discard(fetched.error());
  if (!is_cached(target, partial)) {
    return discard(Error{Errc::integrity,
                         fmt::format("length or hash does not match the {} metadata (tampered "
                                     "target)",
                                     target.role)});
  }
  auto installed = install_file_atomically(partial, file, m_options.persist_observer);
  if (!installed) return discard(installed.error());
  return {};
}

}  // namespace shubbak::trust
