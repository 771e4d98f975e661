#include "kiosk/trust/rollout.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "kiosk/core/kiosk_group.hpp"
#include "kiosk/crypto/digest.hpp"

namespace shubbak::trust {

using Json = nlohmann::json;

namespace {

constexpr int k_positions = 10000;

Expected<void> only_fields(const Json& object, std::initializer_list<std::string_view> known,
                           std::string_view where) {
  for (const auto& [key, _] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      return fail(Errc::parse, fmt::format("{}: unknown field \"{}\"", where, key));
  }
  return {};
}

Expected<std::string> string_field(const Json& object, std::string_view key,
                                   std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string())
    return fail(Errc::parse, fmt::format("{}.{}: must be a string", where, key));
  return it->get<std::string>();
}

Expected<PreviousVersion> parse_previous(const Json& previous) {
  constexpr std::string_view where = "rollout.previous";
  if (!previous.is_object()) return fail(Errc::parse, fmt::format("{}: must be an object", where));
  if (auto known = only_fields(previous, {"version", "length", "hashes"}, where); !known)
    return std::unexpected(known.error());
  PreviousVersion result;
  auto version = string_field(previous, "version", where);
  if (!version) return std::unexpected(version.error());
  result.version = *version;
  if (!previous.contains("length") || !previous["length"].is_number_integer() ||
      previous["length"].get<std::int64_t>() < 0)
    return fail(Errc::parse, fmt::format("{}.length: must be a non-negative integer", where));
  result.file.length = previous["length"].get<std::uint64_t>();
  if (!previous.contains("hashes") || !previous["hashes"].is_object() ||
      previous["hashes"].empty()) {
    return fail(Errc::parse, fmt::format("{}.hashes: must be a non-empty object", where));
  }
  for (const auto& [algorithm, hex] : previous["hashes"].items()) {
    if (!hex.is_string())
      return fail(Errc::parse, fmt::format("{}.hashes.{}: must be a string", where, algorithm));
    result.file.hashes[algorithm] = hex.get<std::string>();
  }
  // The kiosk installs and keeps bundles by their SHA-256: a fallback without one could be
  // fetched and verified by another hash, then not be installable.
  auto sha256 = result.file.hashes.find("sha256");
  if (sha256 == result.file.hashes.end() || sha256->second.size() != 64 ||
      !std::all_of(sha256->second.begin(), sha256->second.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return fail(Errc::parse,
                fmt::format("{}.hashes.sha256: must be 64 lower-case hex digits", where));
  return result;
}

}  // namespace

Expected<std::optional<RolloutPolicy>> parse_rollout(const Json& custom) {
  if (!custom.is_object() || !custom.contains("rollout")) return std::optional<RolloutPolicy>();
  const Json& rollout = custom["rollout"];
  constexpr std::string_view where = "rollout";
  if (!rollout.is_object()) return fail(Errc::parse, "rollout: must be an object");
  if (auto known = only_fields(rollout, {"waves", "groups", "halted", "previous"}, where); !known)
    return std::unexpected(known.error());
  RolloutPolicy policy;
  if (!rollout.contains("waves") || !rollout["waves"].is_array() || rollout["waves"].empty())
    return fail(Errc::parse, "rollout.waves: must be a non-empty array");
  for (const auto& wave : rollout["waves"]) {
    if (!wave.is_object()) return fail(Errc::parse, "rollout.waves: each wave must be an object");
    if (auto known = only_fields(wave, {"percent", "opens"}, "rollout.waves[]"); !known)
      return std::unexpected(known.error());
    if (!wave.contains("percent") || !wave["percent"].is_number_integer())
      return fail(Errc::parse, "rollout.waves[].percent: must be an integer");
    RolloutWave parsed;
    // Range-checked before narrowing: 4294967297 is not 1.
    std::int64_t percent =
        wave["percent"].is_number_unsigned() &&
                wave["percent"].get<std::uint64_t>() >
                    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
            ? std::numeric_limits<std::int64_t>::max()
            : wave["percent"].get<std::int64_t>();
    int before = policy.waves.empty() ? 0 : policy.waves.back().percent;
    if (percent <= before || percent > 100) {
      return fail(Errc::parse,
                  fmt::format("rollout.waves[].percent: {} must be above {} and at most 100",
                              percent, before));
    }
    parsed.percent = static_cast<int>(percent);
    auto opens = string_field(wave, "opens", "rollout.waves[]");
    if (!opens) return std::unexpected(opens.error());
    auto when = parse_utc_time(*opens);
    if (!when) return std::unexpected(when.error());
    parsed.opens = *when;
    // Waves open in order: the kiosk and the console place a kiosk in the first wave that
    // covers it, so a later wave opening first would mean two answers.
    if (!policy.waves.empty() && parsed.opens < policy.waves.back().opens)
      return fail(Errc::parse, "rollout.waves[].opens: a wave opens before the wave before it");
    policy.waves.push_back(parsed);
  }
  if (rollout.contains("groups")) {
    if (!rollout["groups"].is_array()) return fail(Errc::parse, "rollout.groups: must be an array");
    for (const auto& group : rollout["groups"]) {
      if (!group.is_string())
        return fail(Errc::parse, "rollout.groups: each group must be a string");
      policy.groups.push_back(group.get<std::string>());
    }
    if (auto ok = check_group_names(policy.groups); !ok)
      return fail(Errc::parse, "rollout.groups: not a group name list: " + ok.error().message);
  }
  if (rollout.contains("halted")) {
    if (!rollout["halted"].is_boolean())
      return fail(Errc::parse, "rollout.halted: must be true or false");
    policy.halted = rollout["halted"].get<bool>();
  }
  if (rollout.contains("previous")) {
    auto previous = parse_previous(rollout["previous"]);
    if (!previous) return std::unexpected(previous.error());
    policy.previous = std::move(*previous);
  }
  return std::optional(std::move(policy));
}

Json rollout_json(const RolloutPolicy& policy) {
  Json waves = Json::array();
  for (const auto& wave : policy.waves)
    waves.push_back({{"percent", wave.percent}, {"opens", format_utc_time(wave.opens)}});
  Json rollout = {{"waves", waves}, {"groups", policy.groups}, {"halted", policy.halted}};
  if (policy.previous) {
    rollout["previous"] = {{"version", policy.previous->version},
                           {"length", policy.previous->file.length},
                           {"hashes", policy.previous->file.hashes}};
  }
  return rollout;
}

int rollout_position(std::string_view kiosk_id, std::string_view target_path) {
  std::string message = "shubbak-rollout";
  message.push_back('\0');
  message += target_path;
  message.push_back('\0');
  message += kiosk_id;
  // SHA-256 is always available; the hex form is what kiosk/crypto offers.
  std::string hex = *digest_hex("sha256", message);
  std::uint64_t value = std::stoull(hex.substr(0, 16), nullptr, 16);
  return static_cast<int>(value % k_positions);
}

RolloutDecision decide_rollout(const RolloutPolicy& policy, const RolloutIdentity& identity,
                               std::string_view target_path, UnixSeconds trusted_now) {
  if (!policy.groups.empty()) {
    bool member = std::any_of(policy.groups.begin(), policy.groups.end(), [&](const auto& group) {
      return std::find(identity.groups.begin(), identity.groups.end(), group) !=
             identity.groups.end();
    });
    if (!member) return {RolloutVerdict::not_in_groups, std::nullopt};
  }
  if (policy.halted) return {RolloutVerdict::halted, std::nullopt};
  int position = rollout_position(identity.kiosk_id, target_path);
  for (const auto& wave : policy.waves) {
    if (position >= wave.percent * (k_positions / 100)) continue;
    // Waves are cumulative: a kiosk in the 1% wave is also inside the 10% one, so `advance`
    // opening a later wave early never leaves an earlier one's kiosks behind.
    if (wave.opens <= trusted_now) return {RolloutVerdict::install, std::nullopt};
  }
  // Every wave that covers the kiosk opens later: it waits for the earliest of them (none when
  // the kiosk is beyond the last wave's share).
  RolloutDecision waiting{RolloutVerdict::wait_for_wave, std::nullopt};
  for (const auto& wave : policy.waves) {
    if (position < wave.percent * (k_positions / 100) &&
        (!waiting.opens || wave.opens < *waiting.opens)) {
      waiting.opens = wave.opens;
    }
  }
  return waiting;
}

std::string_view to_string(RolloutVerdict verdict) {
  switch (verdict) {
    case RolloutVerdict::install:
      return "install";
    case RolloutVerdict::wait_for_wave:
      return "waiting";
    case RolloutVerdict::halted:
      return "halted";
    case RolloutVerdict::not_in_groups:
      return "not_in_groups";
  }
  return "unknown";
}

}  // namespace shubbak::trust
