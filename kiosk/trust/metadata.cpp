#include "kiosk/trust/metadata.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/digest.hpp"
#include "kiosk/trust/canonical_json.hpp"

namespace shubbak::trust {

namespace {

using Json = nlohmann::json;

// Every parse error reads "<role>: <json path>: <problem>".
std::unexpected<Error> bad(std::string_view role, std::string_view where,
                           std::string_view problem) {
  return fail(Errc::parse, fmt::format("{} metadata: {}: {}", role, where, problem));
}

Expected<const Json*> field(const Json& object, std::string_view role, std::string_view where,
                            const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return bad(role, where, fmt::format("missing \"{}\"", key));
  return &*it;
}

Expected<std::string> string_field(const Json& object, std::string_view role,
                                   std::string_view where, const char* key) {
  auto value = field(object, role, where, key);
  if (!value) return std::unexpected(value.error());
  if (!(*value)->is_string())
    return bad(role, fmt::format("{}.{}", where, key), "expected a string");
  return (*value)->get<std::string>();
}

Expected<std::uint64_t> count_field(const Json& object, std::string_view role,
                                    std::string_view where, const char* key,
                                    std::uint64_t minimum) {
  auto value = field(object, role, where, key);
  if (!value) return std::unexpected(value.error());
  if (!(*value)->is_number_integer() || (*value)->is_number_float()) {
    return bad(role, fmt::format("{}.{}", where, key), "expected an integer");
  }
  if ((*value)->is_number_unsigned() || (*value)->get<std::int64_t>() >= 0) {
    auto number = (*value)->get<std::uint64_t>();
    if (number >= minimum) return number;
  }
  return bad(role, fmt::format("{}.{}", where, key), fmt::format("must be at least {}", minimum));
}

// The deepest nesting of arrays and objects in `bytes`, counted outside strings, stopping as
// soon as it passes `limit`. Checked before parsing: signatures are checked only after
// parsing, so unsigned bytes from any mirror or USB stick reach the parser.
int nesting_depth(std::string_view bytes, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < bytes.size() && deepest <= limit; ++i) {
    char ch = bytes[i];
    if (in_string) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
  return deepest;
}

// Finds the first object key given twice, with its JSON path, while nlohmann parses. A plain
// parse keeps the last value: a reviewer, or another TUF client, would read one value where the
// kiosk uses another, and when both copies are equal the signature still verifies. (To be
// replaced by kiosk/core/strict_json once it is on main.)
class DuplicateKeyFinder {
 public:
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    using Event = Json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        count_element();
        m_frames.push_back(Frame{event == Event::object_start, {}, {}, 0});
        break;
      case Event::object_end:
      case Event::array_end:
        if (!m_frames.empty()) m_frames.pop_back();
        break;
      case Event::key:
        if (!m_frames.empty() && parsed.is_string()) {
          Frame& frame = m_frames.back();
          frame.key = parsed.get<std::string>();
          if (!frame.keys.insert(frame.key).second && !m_duplicate) {
            m_duplicate = std::pair{path(m_frames.size() - 1), frame.key};
          }
        }
        break;
      case Event::value:
        count_element();
        break;
    }
    return true;
  }

  // The path of the object holding the duplicate, and the key.
  const std::optional<std::pair<std::string, std::string>>& duplicate() const {
    return m_duplicate;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;        // the key being read, in an object
    std::size_t index = 0;  // elements seen so far, in an array
  };

  void count_element() {
    if (!m_frames.empty() && !m_frames.back().object) ++m_frames.back().index;
  }

  // "$.signed.roles[0]": the frames below `depth`, each by the key or index that holds the next.
  std::string path(std::size_t depth) const {
    std::string out = "$";
    for (std::size_t i = 0; i < depth; ++i) {
      const Frame& frame = m_frames[i];
      out += frame.object ? "." + frame.key : fmt::format("[{}]", frame.index - 1);
    }
    return out;
  }

  std::vector<Frame> m_frames;
  std::optional<std::pair<std::string, std::string>> m_duplicate;
};

Expected<Json> parse_json(std::string_view bytes, std::string_view role) {
  if (nesting_depth(bytes, k_max_metadata_depth) > k_max_metadata_depth) {
    return bad(role, "$", fmt::format("nested more than {} levels deep", k_max_metadata_depth));
  }
  DuplicateKeyFinder duplicates;
  Json doc = Json::parse(bytes.begin(), bytes.end(), std::ref(duplicates), false);
  if (doc.is_discarded()) return bad(role, "$", "not valid JSON");
  if (const auto& found = duplicates.duplicate()) {
    return bad(role, found->first, fmt::format("duplicate key \"{}\"", found->second));
  }
  if (!doc.is_object()) return bad(role, "$", "expected an object");
  return doc;
}

Expected<Signed> parse_envelope(const Json& doc, std::string_view role,
                                std::string_view expected_type) {
  auto signed_part = field(doc, role, "$", "signed");
  if (!signed_part) return std::unexpected(signed_part.error());
  const Json& body = **signed_part;
  if (!body.is_object()) return bad(role, "$.signed", "expected an object");
  Signed meta;
  auto type = string_field(body, role, "$.signed", "_type");
  if (!type) return std::unexpected(type.error());
  if (*type != expected_type) {
    return bad(role, "$.signed._type",
               fmt::format("expected \"{}\", got \"{}\"", expected_type, *type));
  }
  meta.type = *type;
  auto spec = string_field(body, role, "$.signed", "spec_version");
  if (!spec) return std::unexpected(spec.error());
  // Only the major version must match (specification 1.0.x, section 4.3).
  if (spec->substr(0, spec->find('.')) != "1") {
    return bad(role, "$.signed.spec_version",
               fmt::format("unsupported specification version \"{}\"", *spec));
  }
  meta.spec_version = *spec;
  auto version = count_field(body, role, "$.signed", "version", 1);
  if (!version) return std::unexpected(version.error());
  meta.version = *version;
  auto expires = string_field(body, role, "$.signed", "expires");
  if (!expires) return std::unexpected(expires.error());
  auto when = parse_utc_time(*expires);
  if (!when) return bad(role, "$.signed.expires", when.error().message);
  meta.expires = *when;
  auto canonical = canonical_json(body);
  if (!canonical) return bad(role, "$.signed", canonical.error().message);
  meta.canonical = std::move(*canonical);

  auto signatures = field(doc, role, "$", "signatures");
  if (!signatures) return std::unexpected(signatures.error());
  if (!(*signatures)->is_array()) return bad(role, "$.signatures", "expected an array");
  std::size_t index = 0;
  std::set<std::string> keyids;
  for (const Json& item : **signatures) {
    std::string where = fmt::format("$.signatures[{}]", index++);
    if (!item.is_object()) return bad(role, where, "expected an object");
    auto keyid = string_field(item, role, where, "keyid");
    if (!keyid) return std::unexpected(keyid.error());
    // Specification 1.0.x, section 4.2.1: "the keyid MUST be unique in the signatures array".
    // Counting a repeated key once would also hold the threshold, but metadata that breaks a
    // MUST of the format is refused whole, as the conformance suite expects.
    if (!keyids.insert(*keyid).second) {
      return bad(role, where + ".keyid",
                 fmt::format("key id {} signs more than once (key ids must be unique)", *keyid));
    }
    auto sig = string_field(item, role, where, "sig");
    if (!sig) return std::unexpected(sig.error());
    // An undecodable signature simply never verifies; it must not break the parse, because
    // other valid signatures may still reach the threshold.
    auto bytes = from_hex_text(*sig);
    meta.signatures.push_back(Signature{*keyid, bytes ? *bytes : std::string()});
  }
  return meta;
}

Expected<std::map<std::string, PublicKey>> parse_keys(const Json& keys, std::string_view role,
                                                      std::string_view where) {
  if (!keys.is_object()) return bad(role, where, "expected an object");
  std::map<std::string, PublicKey> result;
  for (const auto& [keyid, key] : keys.items()) {
    std::string at = fmt::format("{}[\"{}\"]", where, keyid);
    if (!key.is_object()) return bad(role, at, "expected an object");
    auto keytype = string_field(key, role, at, "keytype");
    if (!keytype) return std::unexpected(keytype.error());
    auto scheme_text = string_field(key, role, at, "scheme");
    if (!scheme_text) return std::unexpected(scheme_text.error());
    auto keyval = field(key, role, at, "keyval");
    if (!keyval) return std::unexpected(keyval.error());
    if (!(*keyval)->is_object()) return bad(role, at + ".keyval", "expected an object");
    auto value = string_field(**keyval, role, at + ".keyval", "public");
    if (!value) return std::unexpected(value.error());
    auto scheme = scheme_from_metadata(*keytype, *scheme_text);
    // Keys of unknown types are allowed in metadata (a future scheme); they never verify.
    if (!scheme) continue;
    result.emplace(keyid, PublicKey{*scheme, *value});
  }
  return result;
}

Expected<RoleKeys> parse_role_keys(const Json& role_json, std::string_view role,
                                   std::string_view where) {
  if (!role_json.is_object()) return bad(role, where, "expected an object");
  RoleKeys keys;
  auto keyids = field(role_json, role, where, "keyids");
  if (!keyids) return std::unexpected(keyids.error());
  if (!(*keyids)->is_array())
    return bad(role, fmt::format("{}.keyids", where), "expected an array");
  std::set<std::string> seen;
  for (const Json& id : **keyids) {
    if (!id.is_string()) return bad(role, fmt::format("{}.keyids", where), "expected strings");
    if (!seen.insert(id.get<std::string>()).second) {
      return bad(role, fmt::format("{}.keyids", where), "a key id is listed twice");
    }
    keys.keyids.push_back(id.get<std::string>());
  }
  auto threshold = count_field(role_json, role, where, "threshold", 1);
  if (!threshold) return std::unexpected(threshold.error());
  if (*threshold > 1000) return bad(role, fmt::format("{}.threshold", where), "unreasonably large");
  keys.threshold = static_cast<std::uint32_t>(*threshold);
  return keys;
}

Expected<FileInfo> parse_file_info(const Json& object, std::string_view role,
                                   std::string_view where, bool length_required) {
  FileInfo info;
  if (object.contains("length") || length_required) {
    auto length = count_field(object, role, where, "length", 0);
    if (!length) return std::unexpected(length.error());
    info.length = *length;
  }
  if (object.contains("hashes") || length_required) {
    auto hashes = field(object, role, where, "hashes");
    if (!hashes) return std::unexpected(hashes.error());
    if (!(*hashes)->is_object() || (*hashes)->empty()) {
      return bad(role, fmt::format("{}.hashes", where), "expected a non-empty object");
    }
    for (const auto& [algorithm, digest] : (*hashes)->items()) {
      if (!digest.is_string())
        return bad(role, fmt::format("{}.hashes", where), "expected hex strings");
      info.hashes.emplace(algorithm, digest.get<std::string>());
    }
  }
  return info;
}

Expected<MetaFile> parse_meta_file(const Json& object, std::string_view role,
                                   std::string_view where) {
  if (!object.is_object()) return bad(role, where, "expected an object");
  auto version = count_field(object, role, where, "version", 1);
  if (!version) return std::unexpected(version.error());
  auto info = parse_file_info(object, role, where, false);
  if (!info) return std::unexpected(info.error());
  return MetaFile{*version, std::move(*info)};
}

Expected<std::optional<std::vector<std::string>>> string_list(const Json& object,
                                                              std::string_view role,
                                                              std::string_view where,
                                                              const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<std::vector<std::string>>();
  if (!it->is_array()) return bad(role, fmt::format("{}.{}", where, key), "expected an array");
  std::vector<std::string> list;
  for (const Json& item : *it) {
    if (!item.is_string()) return bad(role, fmt::format("{}.{}", where, key), "expected strings");
    list.push_back(item.get<std::string>());
  }
  return std::optional(std::move(list));
}

Expected<Delegations> parse_delegations(const Json& object, std::string_view role) {
  if (!object.is_object()) return bad(role, "$.signed.delegations", "expected an object");
  Delegations delegations;
  auto keys_json = field(object, role, "$.signed.delegations", "keys");
  if (!keys_json) return std::unexpected(keys_json.error());
  auto keys = parse_keys(**keys_json, role, "$.signed.delegations.keys");
  if (!keys) return std::unexpected(keys.error());
  delegations.keys = std::move(*keys);
  auto roles = field(object, role, "$.signed.delegations", "roles");
  if (!roles) return std::unexpected(roles.error());
  if (!(*roles)->is_array()) return bad(role, "$.signed.delegations.roles", "expected an array");
  std::set<std::string> names;
  std::size_t index = 0;
  for (const Json& item : **roles) {
    std::string where = fmt::format("$.signed.delegations.roles[{}]", index++);
    auto keys_of_role = parse_role_keys(item, role, where);
    if (!keys_of_role) return std::unexpected(keys_of_role.error());
    DelegatedRole delegated;
    delegated.keys = std::move(*keys_of_role);
    auto name = string_field(item, role, where, "name");
    if (!name) return std::unexpected(name.error());
    if (name->empty() || *name == "root" || *name == "timestamp" || *name == "snapshot" ||
        *name == "targets") {
      return bad(role, where + ".name",
                 fmt::format("\"{}\" cannot be a delegated role name", *name));
    }
    if (!names.insert(*name).second) return bad(role, where + ".name", "role names must be unique");
    delegated.name = *name;
    if (item.contains("terminating")) {
      if (!item["terminating"].is_boolean())
        return bad(role, where + ".terminating", "expected a boolean");
      delegated.terminating = item["terminating"].get<bool>();
    }
    auto paths = string_list(item, role, where, "paths");
    if (!paths) return std::unexpected(paths.error());
    auto prefixes = string_list(item, role, where, "path_hash_prefixes");
    if (!prefixes) return std::unexpected(prefixes.error());
    if (paths->has_value() == prefixes->has_value()) {
      return bad(role, where, "exactly one of \"paths\" and \"path_hash_prefixes\" is required");
    }
    delegated.paths = std::move(*paths);
    delegated.path_hash_prefixes = std::move(*prefixes);
    delegations.roles.push_back(std::move(delegated));
  }
  return delegations;
}

}  // namespace

bool DelegatedRole::covers(std::string_view target_path) const {
  if (path_hash_prefixes) {
    auto digest = digest_hex("sha256", target_path);
    if (!digest) return false;
    for (const auto& prefix : *path_hash_prefixes) {
      if (digest->starts_with(prefix)) return true;
    }
    return false;
  }
  if (!paths) return false;
  // As the specification's reference client does: the pattern and the path must have the same
  // number of "/"-separated segments, and each segment matches by fnmatch, so "*" never spans
  // a directory.
  auto split = [](std::string_view text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
      std::size_t slash = text.find('/', start);
      parts.emplace_back(
          text.substr(start, slash == std::string_view::npos ? slash : slash - start));
      if (slash == std::string_view::npos) return parts;
      start = slash + 1;
    }
  };
  auto target_parts = split(target_path);
  for (const auto& pattern : *paths) {
    auto pattern_parts = split(pattern);
    if (pattern_parts.size() != target_parts.size()) continue;
    bool all = true;
    for (std::size_t i = 0; i < pattern_parts.size() && all; ++i) {
      all = ::fnmatch(pattern_parts[i].c_str(), target_parts[i].c_str(), 0) == 0;
    }
    if (all) return true;
  }
  return false;
}

Expected<Root> parse_root(std::string_view bytes) {
  auto doc = parse_json(bytes, "root");
  if (!doc) return std::unexpected(doc.error());
  auto meta = parse_envelope(*doc, "root", "root");
  if (!meta) return std::unexpected(meta.error());
  Root root;
  root.meta = std::move(*meta);
  const Json& body = (*doc)["signed"];
  auto consistent = field(body, "root", "$.signed", "consistent_snapshot");
  if (!consistent) return std::unexpected(consistent.error());
  if (!(*consistent)->is_boolean())
    return bad("root", "$.signed.consistent_snapshot", "expected a boolean");
  root.consistent_snapshot = (*consistent)->get<bool>();
  auto keys_json = field(body, "root", "$.signed", "keys");
  if (!keys_json) return std::unexpected(keys_json.error());
  auto keys = parse_keys(**keys_json, "root", "$.signed.keys");
  if (!keys) return std::unexpected(keys.error());
  root.keys = std::move(*keys);
  auto roles = field(body, "root", "$.signed", "roles");
  if (!roles) return std::unexpected(roles.error());
  for (const char* name : {"root", "timestamp", "snapshot", "targets"}) {
    auto role_json = field(**roles, "root", "$.signed.roles", name);
    if (!role_json) return std::unexpected(role_json.error());
    auto role = parse_role_keys(**role_json, "root", fmt::format("$.signed.roles.{}", name));
    if (!role) return std::unexpected(role.error());
    root.roles.emplace(name, std::move(*role));
  }
  return root;
}

Expected<Timestamp> parse_timestamp(std::string_view bytes) {
  auto doc = parse_json(bytes, "timestamp");
  if (!doc) return std::unexpected(doc.error());
  auto meta = parse_envelope(*doc, "timestamp", "timestamp");
  if (!meta) return std::unexpected(meta.error());
  Timestamp timestamp;
  timestamp.meta = std::move(*meta);
  auto files = field((*doc)["signed"], "timestamp", "$.signed", "meta");
  if (!files) return std::unexpected(files.error());
  if (!(*files)->is_object()) return bad("timestamp", "$.signed.meta", "expected an object");
  auto snapshot = field(**files, "timestamp", "$.signed.meta", "snapshot.json");
  if (!snapshot) return std::unexpected(snapshot.error());
  auto info = parse_meta_file(**snapshot, "timestamp", "$.signed.meta[\"snapshot.json\"]");
  if (!info) return std::unexpected(info.error());
  timestamp.snapshot = std::move(*info);
  return timestamp;
}

Expected<Snapshot> parse_snapshot(std::string_view bytes) {
  auto doc = parse_json(bytes, "snapshot");
  if (!doc) return std::unexpected(doc.error());
  auto meta = parse_envelope(*doc, "snapshot", "snapshot");
  if (!meta) return std::unexpected(meta.error());
  Snapshot snapshot;
  snapshot.meta = std::move(*meta);
  auto files = field((*doc)["signed"], "snapshot", "$.signed", "meta");
  if (!files) return std::unexpected(files.error());
  if (!(*files)->is_object()) return bad("snapshot", "$.signed.meta", "expected an object");
  for (const auto& [name, item] : (*files)->items()) {
    auto info = parse_meta_file(item, "snapshot", fmt::format("$.signed.meta[\"{}\"]", name));
    if (!info) return std::unexpected(info.error());
    snapshot.meta_files.emplace(name, std::move(*info));
  }
  if (!snapshot.meta_files.contains("targets.json")) {
    return bad("snapshot", "$.signed.meta", "missing \"targets.json\"");
  }
  return snapshot;
}

Expected<Targets> parse_targets(std::string_view bytes, std::string_view role_name) {
  auto doc = parse_json(bytes, role_name);
  if (!doc) return std::unexpected(doc.error());
  auto meta = parse_envelope(*doc, role_name, "targets");
  if (!meta) return std::unexpected(meta.error());
  Targets targets;
  targets.meta = std::move(*meta);
  const Json& body = (*doc)["signed"];
  auto files = field(body, role_name, "$.signed", "targets");
  if (!files) return std::unexpected(files.error());
  if (!(*files)->is_object()) return bad(role_name, "$.signed.targets", "expected an object");
  for (const auto& [path, item] : (*files)->items()) {
    std::string where = fmt::format("$.signed.targets[\"{}\"]", path);
    if (!item.is_object()) return bad(role_name, where, "expected an object");
    auto info = parse_file_info(item, role_name, where, true);
    if (!info) return std::unexpected(info.error());
    TargetFile target{*info->length, std::move(info->hashes), nlohmann::json()};
    if (item.contains("custom")) target.custom = item["custom"];
    targets.targets.emplace(path, std::move(target));
  }
  if (body.contains("delegations")) {
    auto delegations = parse_delegations(body["delegations"], role_name);
    if (!delegations) return std::unexpected(delegations.error());
    targets.delegations = std::move(*delegations);
  }
  return targets;
}

Expected<void> verify_threshold(const std::map<std::string, PublicKey>& keys, const RoleKeys& role,
                                const Signed& metadata, std::string_view role_name) {
  std::set<std::string> counted_ids;
  std::set<std::string> counted_keys;  // the public key text: one key under two ids counts once
  std::set<std::string> seen_ids;
  for (const auto& signature : metadata.signatures) {
    // The parser refuses these already; metadata put together in memory is held to it too.
    if (!seen_ids.insert(signature.keyid).second) {
      return fail(Errc::integrity,
                  fmt::format("{}: key id {} signs more than once (key ids must be unique)",
                              role_name, signature.keyid));
    }
    if (std::find(role.keyids.begin(), role.keyids.end(), signature.keyid) == role.keyids.end())
      continue;
    auto key = keys.find(signature.keyid);
    if (key == keys.end()) continue;
    if (counted_keys.contains(key->second.value)) continue;
    if (!verify_signature(key->second, metadata.canonical, signature.bytes)) continue;
    counted_ids.insert(signature.keyid);
    counted_keys.insert(key->second.value);
  }
  if (counted_keys.size() < role.threshold) {
    return fail(Errc::integrity,
                fmt::format("{}: {} of {} required signatures verify (threshold not reached)",
                            role_name, counted_keys.size(), role.threshold));
  }
  return {};
}

Expected<void> verify_file_info(const FileInfo& info, std::string_view data,
                                std::string_view what) {
  if (info.length && data.size() != *info.length) {
    return fail(Errc::integrity, fmt::format("{}: length {} does not match the expected {}", what,
                                             data.size(), *info.length));
  }
  for (const auto& [algorithm, expected] : info.hashes) {
    if (!hash_algorithm_supported(algorithm)) continue;
    auto actual = digest_hex(algorithm, data);
    if (!actual) return std::unexpected(actual.error());
    if (*actual != expected)
      return fail(Errc::integrity, fmt::format("{}: {} hash does not match", what, algorithm));
  }
  return {};
}

Expected<UnixSeconds> parse_utc_time(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      static_cast<std::size_t>(consumed) != copy.size() || copy.size() != 20) {
    return fail(Errc::parse,
                fmt::format("\"{}\" is not a UTC time like 2030-01-01T00:00:00Z", text));
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  auto seconds = static_cast<UnixSeconds>(::timegm(&tm));
  // timegm() normalizes "2030-02-31" to March 3rd: only a time that reads back the same is one.
  if (format_utc_time(seconds) != copy) {
    return fail(Errc::parse, fmt::format("\"{}\" is not a valid UTC time", text));
  }
  return seconds;
}

std::string format_utc_time(UnixSeconds seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace shubbak::trust
