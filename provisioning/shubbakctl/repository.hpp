// A TUF repository on an admin's machine: the working metadata (repo/metadata), the target
// files (repo/targets), and signing with the admin's keys (a separate key directory that is
// never published). Edits change the "signed" parts in memory; commit() bumps versions, signs
// every changed role, then snapshot and timestamp, and writes the files. publish() lays the
// result out for static hosting with consistent snapshots.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/error.hpp"
#include "kiosk/trust/metadata.hpp"
#include "provisioning/shubbakctl/signing_key.hpp"

namespace shubbak::repo {

struct RoleSetup {
  int key_count = 1;
  int threshold = 1;
};

struct InitOptions {
  KeyScheme scheme = KeyScheme::ed25519;
  RoleSetup root, targets, snapshot, timestamp;
  bool consistent_snapshot = true;
};

struct DelegationRequest {
  std::string name;  // e.g. "health"
  std::string delegator = "targets";
  std::vector<std::string> paths;  // e.g. {"services/health/*"}
  RoleSetup keys;
  bool terminating = false;
  KeyScheme scheme = KeyScheme::ed25519;
};

// Checks a service bundle before it is signed. shubbakctl passes the full validator
// (bundle_lint.hpp); the library's default, minimal_bundle_lint, only checks for a JSON object
// with "id" and "version" (the TUF tests sign such stand-ins).
using BundleLint =
    std::function<Expected<void>(const std::filesystem::path& file, std::string_view bytes)>;
Expected<void> minimal_bundle_lint(const std::filesystem::path& file, std::string_view bytes);

// One version of a target the repository has signed: kept (bytes under repo/history, by hash)
// so a rollout can name the version to fall back to and a rollback can sign it again.
struct TargetVersion {
  std::string version;  // the bundle's "version", or "sha256:<first 12 hex>" for other files
  std::uint64_t length = 0;
  std::string sha256;
};

// Days until a role's metadata expires when it is signed without an explicit expiry.
int default_expiry_days(const std::string& role);

class Repository {
 public:
  static Expected<Repository> init(const std::filesystem::path& repo_dir,
                                   const std::filesystem::path& keys_dir,
                                   const InitOptions& options);
  // `co_signer_dirs`: other key holders' directories (each person's own USB stick) whose keys
  // sign too, so that a root with a threshold of 2 is signed by two people without either
  // copying a key into the other's directory. New keys are only ever written to `keys_dir`.
  static Expected<Repository> open(const std::filesystem::path& repo_dir,
                                   const std::filesystem::path& keys_dir,
                                   const std::vector<std::filesystem::path>& co_signer_dirs = {});

  // Adds or replaces a target; files under "services/" pass the bundle lint first. Every
  // version added is kept in the target's history.
  Expected<void> add_target(const std::string& name, const std::filesystem::path& file,
                            const std::string& role, const BundleLint& lint = minimal_bundle_lint);
  Expected<void> remove_target(const std::string& name, const std::string& role);
  Expected<void> delegate(const DelegationRequest& request);
  // Replaces a role's keys with `setup.key_count` new keys (written to the key directory).
  // For root, the next root is signed by the old and the new keys, as clients require.
  Expected<void> rotate(const std::string& role, const RoleSetup& setup, KeyScheme scheme);
  Expected<void> set_expiry(const std::string& role, trust::UnixSeconds expires);
  // Marks snapshot and timestamp for re-signing (the online roles' routine).
  void resign_snapshot_and_timestamp();

  // Signs and writes every changed role; snapshot and timestamp follow any change.
  Expected<void> commit();
  // Copies the signed metadata and targets to `out` (out/metadata, out/targets).
  Expected<void> publish(const std::filesystem::path& out) const;

  // For tests and expert use: a role's signed part (loaded on demand), and signing by hand.
  Expected<nlohmann::json*> signed_part(const std::string& role);
  void mark_changed(const std::string& role) { m_changed.insert(role); }
  // The roles the next commit() signs (snapshot and timestamp follow any of them).
  const std::set<std::string>& changed() const { return m_changed; }
  Expected<nlohmann::json> sign(const nlohmann::json& signed_part,
                                const std::vector<std::string>& keyids) const;
  const std::vector<SigningKey>& keys() const { return m_keys; }
  std::filesystem::path metadata_dir() const { return m_repo_dir / "metadata"; }
  std::filesystem::path targets_dir() const { return m_repo_dir / "targets"; }
  // Every version `name` had, oldest first (repo/history.json); bytes in history_dir() by hash.
  std::vector<TargetVersion> target_history(const std::string& name) const;
  std::filesystem::path history_dir() const { return m_repo_dir / "history"; }
  // Appends `bytes` as the target's latest signed version (unless it already is), so the
  // history follows what was signed, rollbacks included.
  Expected<void> record_version(const std::string& name, std::string_view bytes);
  // The role whose metadata lists `name`, if any.
  std::optional<std::string> role_of_target(const std::string& name);
  // "targets" and every role delegated below it.
  std::vector<std::string> targets_roles();

 private:
  Repository(std::filesystem::path repo_dir, std::filesystem::path keys_dir,
             std::vector<SigningKey> keys);
  Expected<void> load_root();
  // The key ids and threshold that sign `role` (from root, or from its delegator).
  Expected<std::pair<std::vector<std::string>, std::uint32_t>> signers_of(const std::string& role);
  std::optional<std::string> delegator_of(const std::string& role);
  Expected<std::vector<SigningKey>> new_keys(const std::string& role, const RoleSetup& setup,
                                             KeyScheme scheme);
  Expected<void> write_role(const std::string& role, const nlohmann::json& envelope);

  std::filesystem::path m_repo_dir;
  std::filesystem::path m_keys_dir;
  std::vector<SigningKey> m_keys;
  std::map<std::string, nlohmann::json> m_signed;
  nlohmann::json m_root_at_open;  // signs the next root together with the new root keys
  std::set<std::string> m_changed;
  std::set<std::string> m_explicit_expiry;
};

}  // namespace shubbak::repo
