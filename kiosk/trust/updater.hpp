// The TUF client workflow (specification 1.0.x, section 5) over a Fetcher and a metadata
// directory: refresh the top-level metadata, find a target through the delegation tree, and
// download a target only after its length and hashes match.
//
// The metadata directory holds the trusted metadata under unversioned names (root.json,
// timestamp.json, snapshot.json, targets.json, then delegated roles by percent-encoded name),
// each replaced atomically, plus the trusted-time floor.
//
// Deliberate differences from the specification's reference clients (README, "Signed
// services"): expiry is checked against a clock that never goes below the build time nor the
// last successful update (TrustedClock), so a kiosk whose clock battery died cannot be fed
// metadata that expired long ago; a delegated role is verified against every delegator that
// leads to it, not once by name (TrustedSet::targets_via); a key id that signs twice refuses
// the metadata.
//
// Not thread-safe: one thread drives an Updater at a time.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/trust/fetcher.hpp"
#include "kiosk/trust/trusted_clock.hpp"
#include "kiosk/trust/trusted_set.hpp"

namespace shubbak::trust {

struct UpdaterOptions {
  std::filesystem::path metadata_dir;
  std::string metadata_url;     // e.g. "https://portal/tuf/metadata" or "/media/usb/repo/metadata"
  std::string target_base_url;  // e.g. "https://portal/tuf/targets"

  // Caps against endless data when the signed metadata does not give a length.
  std::uint64_t max_root_bytes = 512 * 1024;
  std::uint64_t max_timestamp_bytes = 16 * 1024;
  std::uint64_t max_snapshot_bytes = 2 * 1024 * 1024;
  std::uint64_t max_targets_bytes = 5 * 1024 * 1024;
  std::uint32_t max_root_rotations = 256;
  std::uint32_t max_delegations = 32;

  // The system clock (replaceable to test a clock set back) and the lowest time to trust.
  std::function<UnixSeconds()> system_clock = system_unix_time;
  UnixSeconds not_before = build_time();

  // Told about every durable step (crash tests stop the process at a chosen one).
  PersistObserver persist_observer;
};

struct TargetInfo {
  std::string path;
  TargetFile file;
  std::string role;  // the role that signed it
};

// Installs a first trusted root into an empty (or reset) metadata directory, with no network:
// it must parse and be signed by its own threshold.
Expected<void> initialize_metadata_dir(const std::filesystem::path& metadata_dir,
                                       std::string_view root_bytes);

// Whether `file` holds exactly `target`: its length and every supported hash (at least one).
// Streams the file once; stops reading past the signed length.
bool target_file_matches(const TargetFile& target, const std::filesystem::path& file);

// "health/clinic" -> "health%2Fclinic": role names and target paths as single file names.
std::string percent_encode(std::string_view text);

class Updater {
 public:
  static Expected<std::unique_ptr<Updater>> open(UpdaterOptions options, Fetcher& metadata_fetcher,
                                                 Fetcher& target_fetcher);

  // 5.3 to 5.6: root chain, timestamp, snapshot, top-level targets. Every refusal names the role.
  Expected<void> refresh();

  // 5.7: pre-order depth-first search through delegations. nullopt when no trusted role has it.
  // Refreshes first if refresh() has not run.
  Expected<std::optional<TargetInfo>> find_target(const std::string& path);

  // Every target path under `prefix` that the delegation tree resolves to a role, in order.
  Expected<std::vector<TargetInfo>> list_targets(std::string_view prefix);

  // Whether `file` already holds exactly this target (length and every hash).
  bool is_cached(const TargetInfo& target, const std::filesystem::path& file) const;

  // Downloads into `file` (replaced atomically) after checking length and hashes.
  Expected<void> download_target(const TargetInfo& target, const std::filesystem::path& file);

  const TrustedSet* trusted() const { return m_trusted ? &*m_trusted : nullptr; }

 private:
  Updater(UpdaterOptions options, Fetcher& metadata_fetcher, Fetcher& target_fetcher);

  std::filesystem::path role_file(const std::string& role) const;
  Expected<void> persist(const std::string& role, std::string_view bytes);
  Expected<void> update_root_chain();
  Expected<void> update_timestamp();
  Expected<void> update_snapshot();
  Expected<const Targets*> load_targets(const std::string& role, const std::string& delegator);
  std::string metadata_url(const std::string& file) const;

  UpdaterOptions m_options;
  Fetcher& m_metadata_fetcher;
  Fetcher& m_target_fetcher;
  TrustedClock m_clock;
  std::optional<TrustedSet> m_trusted;
};

}  // namespace shubbak::trust
