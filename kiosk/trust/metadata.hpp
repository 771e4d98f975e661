// The four TUF metadata types and their strict parsing (specification 1.0.x, section 4).
// A parse failure names the role and the JSON field. Parsing checks form only; who signed what,
// versions and expiry are the TrustedMetadataSet's business.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/error.hpp"
#include "kiosk/crypto/signature.hpp"

namespace shubbak::trust {

using UnixSeconds = std::int64_t;

struct Signature {
  std::string keyid;
  std::string bytes;  // raw signature, decoded from hex
};

// What every role's "signed" part has, plus the bytes the signatures cover.
struct Signed {
  std::string type;
  std::string spec_version;
  std::uint64_t version = 0;
  UnixSeconds expires = 0;
  std::string canonical;  // canonical JSON of "signed": the signed message
  std::vector<Signature> signatures;
};

struct RoleKeys {
  std::vector<std::string> keyids;
  std::uint32_t threshold = 1;
};

// "hashes" and "length" of a metadata or target file.
struct FileInfo {
  std::optional<std::uint64_t> length;
  std::map<std::string, std::string> hashes;  // algorithm -> hex
};

struct MetaFile {
  std::uint64_t version = 0;
  FileInfo info;
};

struct TargetFile {
  std::uint64_t length = 0;
  std::map<std::string, std::string> hashes;
  nlohmann::json custom;
};

struct DelegatedRole {
  std::string name;
  RoleKeys keys;
  bool terminating = false;
  std::optional<std::vector<std::string>> paths;
  std::optional<std::vector<std::string>> path_hash_prefixes;

  // Whether this role is trusted for `target_path` (fnmatch per "/" segment, or hash prefix).
  bool covers(std::string_view target_path) const;
};

struct Delegations {
  std::map<std::string, PublicKey> keys;
  std::vector<DelegatedRole> roles;  // in priority order
};

struct Root {
  Signed meta;
  bool consistent_snapshot = false;
  std::map<std::string, PublicKey> keys;
  std::map<std::string, RoleKeys> roles;  // root, timestamp, snapshot, targets
};

struct Timestamp {
  Signed meta;
  MetaFile snapshot;  // meta["snapshot.json"]
};

struct Snapshot {
  Signed meta;
  std::map<std::string, MetaFile> meta_files;  // "targets.json", "<delegated>.json"
};

struct Targets {
  Signed meta;
  std::map<std::string, TargetFile> targets;
  std::optional<Delegations> delegations;
};

// Metadata nested deeper than this (arrays and objects, "custom" included) is refused before
// it is parsed: real metadata is about 8 levels deep.
inline constexpr int k_max_metadata_depth = 64;

Expected<Root> parse_root(std::string_view bytes);
Expected<Timestamp> parse_timestamp(std::string_view bytes);
Expected<Snapshot> parse_snapshot(std::string_view bytes);
Expected<Targets> parse_targets(std::string_view bytes, std::string_view role_name);

// Checks that at least `role.threshold` distinct keys of `role` signed `metadata`. A key id
// that signs twice is refused outright (key ids must be unique in "signatures"); one key under
// two ids counts once. `role_name` names the role in errors.
Expected<void> verify_threshold(const std::map<std::string, PublicKey>& keys, const RoleKeys& role,
                                const Signed& metadata, std::string_view role_name);

// Checks `data` against a FileInfo's length and every hash it lists.
Expected<void> verify_file_info(const FileInfo& info, std::string_view data, std::string_view what);

// "2030-01-01T00:00:00Z" <-> seconds since the epoch (UTC).
Expected<UnixSeconds> parse_utc_time(std::string_view text);
std::string format_utc_time(UnixSeconds seconds);

}  // namespace shubbak::trust
