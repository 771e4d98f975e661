#include "provisioning/shubbakctl/repo_rollout.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/kiosk_group.hpp"

namespace shubbak::repo {

using Json = nlohmann::json;

namespace {

Expected<std::int64_t> parse_delay(std::string_view text, std::string_view wave) {
  std::int64_t unit = 0;
  if (text.ends_with('m')) unit = 60;
  if (text.ends_with('h')) unit = 3600;
  if (text.ends_with('d')) unit = 86400;
  std::int64_t value = -1;
  if (unit != 0 && text.size() > 1) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size() - 1, value);
    if (error != std::errc() || end != text.data() + text.size() - 1) value = -1;
  }
  if (value < 0 || value > 3650 * 24) {
    return fail(Errc::invalid_argument,
                fmt::format("wave \"{}\": the delay must be a whole number of minutes, hours or "
                            "days (e.g. 30m, 24h, 2d)",
                            wave));
  }
  return value * unit;
}

// The target's entry in the metadata of the role that signs it, with that role.
Expected<std::pair<Json*, std::string>> target_entry(Repository& repo, const std::string& name) {
  auto role = repo.role_of_target(name);
  if (!role) return fail(Errc::not_found, fmt::format("no role signs a target named {}", name));
  auto signed_json = repo.signed_part(*role);
  if (!signed_json) return std::unexpected(signed_json.error());
  return std::pair{&(**signed_json)["targets"][name], *role};
}

// The target's rollout, parsed by the kiosk's own parser, so nothing the kiosk would refuse is
// ever signed.
Expected<trust::RolloutPolicy> current_policy(const Json& entry, const std::string& name) {
  auto policy = trust::parse_rollout(entry.value("custom", Json::object()));
  if (!policy)
    return fail(policy.error().code, fmt::format("{}: {}", name, policy.error().message));
  if (!*policy) return fail(Errc::not_found, fmt::format("{} has no rollout", name));
  return std::move(**policy);
}

void store_policy(Repository& repo, Json& entry, const std::string& role,
                  const trust::RolloutPolicy& policy) {
  if (!entry.contains("custom") || !entry["custom"].is_object()) entry["custom"] = Json::object();
  entry["custom"]["rollout"] = trust::rollout_json(policy);
  repo.mark_changed(role);
}

// The target entry's SHA-256, or empty when it has none (an entry another tool wrote).
std::string sha256_of(const Json& entry) {
  auto hashes = entry.find("hashes");
  if (hashes == entry.end() || !hashes->is_object()) return {};
  auto sha256 = hashes->find("sha256");
  return sha256 != hashes->end() && sha256->is_string() ? sha256->get<std::string>()
                                                        : std::string();
}

std::string version_of(const Repository& repo, const std::string& name, const Json& entry) {
  std::string sha256 = sha256_of(entry);
  if (sha256.empty()) return "(no sha256)";
  for (const auto& version : repo.target_history(name)) {
    if (version.sha256 == sha256) return version.version;
  }
  return "sha256:" + sha256.substr(0, 12);
}

std::string delay_text(trust::UnixSeconds seconds) {
  if (seconds < 3600) return fmt::format("{}m", (seconds + 59) / 60);
  return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600 + 59) / 60);
}

}  // namespace

Expected<std::vector<WaveRequest>> parse_wave_list(std::string_view text) {
  std::vector<WaveRequest> waves;
  if (text.empty()) return fail(Errc::invalid_argument, "the wave list is empty");
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string_view wave =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    std::size_t percent_sign = wave.find("%:");
    if (percent_sign == std::string_view::npos) {
      return fail(Errc::invalid_argument,
                  fmt::format("wave \"{}\" is not PERCENT%:DELAY (e.g. 10%:24h)", wave));
    }
    WaveRequest request;
    auto [end, error] = std::from_chars(wave.data(), wave.data() + percent_sign, request.percent);
    if (error != std::errc() || end != wave.data() + percent_sign || request.percent < 1 ||
        request.percent > 100) {
      return fail(
          Errc::invalid_argument,
          fmt::format("wave \"{}\": the share must be a whole percentage from 1 to 100", wave));
    }
    auto delay = parse_delay(wave.substr(percent_sign + 2), wave);
    if (!delay) return std::unexpected(delay.error());
    request.after_seconds = *delay;
    if (!waves.empty() && request.percent <= waves.back().percent) {
      return fail(Errc::invalid_argument,
                  fmt::format("wave \"{}\": shares must increase ({}% follows {}%)", wave,
                              request.percent, waves.back().percent));
    }
    if (!waves.empty() && request.after_seconds < waves.back().after_seconds) {
      return fail(Errc::invalid_argument,
                  fmt::format("wave \"{}\" opens before the wave ahead of it", wave));
    }
    waves.push_back(request);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return waves;
}

Expected<void> start_rollout(Repository& repo, const RolloutStart& request,
                             trust::UnixSeconds now) {
  if (request.waves.empty()) return fail(Errc::invalid_argument, "a rollout needs waves");
  if (auto ok = check_group_names(request.groups); !ok) return ok;
  auto root = repo.signed_part("root");
  if (!root) return std::unexpected(root.error());
  if (!(**root).value("consistent_snapshot", false)) {
    return fail(Errc::unsupported,
                "rollouts need consistent snapshots: the version kiosks fall back to is served "
                "under its hash");
  }
  auto entry = target_entry(repo, request.name);
  if (!entry) return std::unexpected(entry.error());
  auto& [target, role] = *entry;
  trust::RolloutPolicy policy;
  policy.groups = request.groups;
  for (const auto& wave : request.waves)
    policy.waves.push_back({wave.percent, now + wave.after_seconds});
  std::string sha256 = sha256_of(*target);
  if (sha256.empty())
    return fail(Errc::unsupported,
                fmt::format("{} has no SHA-256 in its role: add it again with shubbakctl repo add",
                            request.name));
  auto history = repo.target_history(request.name);
  for (auto version = history.rbegin(); version != history.rend(); ++version) {
    if (version->sha256 == sha256) continue;
    trust::PreviousVersion previous{version->version, {}};
    previous.file.length = version->length;
    previous.file.hashes["sha256"] = version->sha256;
    policy.previous = std::move(previous);
    break;
  }
  store_policy(repo, *target, role, policy);
  return {};
}

Expected<void> advance_rollout(Repository& repo, const std::string& name, trust::UnixSeconds now,
                               bool emergency) {
  auto entry = target_entry(repo, name);
  if (!entry) return std::unexpected(entry.error());
  auto& [target, role] = *entry;
  auto policy = current_policy(*target, name);
  if (!policy) return std::unexpected(policy.error());
  bool opened = false;
  for (auto& wave : policy->waves) {
    if (wave.opens <= now) continue;
    wave.opens = now;
    opened = true;
    if (!emergency) break;
  }
  if (emergency && policy->halted) {
    policy->halted = false;
    opened = true;
  }
  if (!opened) return fail(Errc::invalid_argument, fmt::format("{}: every wave is open", name));
  store_policy(repo, *target, role, *policy);
  return {};
}

Expected<void> set_rollout_halted(Repository& repo, const std::string& name, bool halted) {
  auto entry = target_entry(repo, name);
  if (!entry) return std::unexpected(entry.error());
  auto& [target, role] = *entry;
  auto policy = current_policy(*target, name);
  if (!policy) return std::unexpected(policy.error());
  if (policy->halted == halted) {
    return fail(Errc::invalid_argument,
                fmt::format("{}: the rollout is {} halted", name, halted ? "already" : "not"));
  }
  policy->halted = halted;
  store_policy(repo, *target, role, *policy);
  return {};
}

Expected<void> rollback_rollout(Repository& repo, const std::string& name,
                                const std::string& version) {
  auto entry = target_entry(repo, name);
  if (!entry) return std::unexpected(entry.error());
  auto& [target, role] = *entry;
  auto history = repo.target_history(name);
  auto wanted = std::find_if(history.rbegin(), history.rend(),
                             [&](const TargetVersion& v) { return v.version == version; });
  if (wanted == history.rend()) {
    std::string known;
    for (const auto& v : history) known += (known.empty() ? "" : ", ") + v.version;
    return fail(Errc::not_found,
                fmt::format("{} never had version {} in this repository (it had: {})", name,
                            version, known.empty() ? "no recorded versions" : known));
  }
  if (sha256_of(*target) == wanted->sha256)
    return fail(Errc::invalid_argument, fmt::format("{} is already at version {}", name, version));
  auto bytes = read_whole_file(repo.history_dir() / wanted->sha256, wanted->length);
  if (!bytes) return std::unexpected(bytes.error());
  if (auto restored = write_file_atomically(repo.targets_dir() / name, *bytes); !restored)
    return restored;
  if (auto recorded = repo.record_version(name, *bytes); !recorded) return recorded;
  *target = {{"length", wanted->length}, {"hashes", {{"sha256", wanted->sha256}}}};
  repo.mark_changed(role);
  return {};
}

Expected<void> print_rollout_status(Repository& repo, const std::string& name,
                                    trust::UnixSeconds now, std::FILE* out) {
  bool any = false;
  for (const auto& role : repo.targets_roles()) {
    auto signed_json = repo.signed_part(role);
    if (!signed_json) return std::unexpected(signed_json.error());
    for (const auto& [path, entry] : (**signed_json)["targets"].items()) {
      if (!name.empty() && path != name) continue;
      auto policy = trust::parse_rollout(entry.value("custom", Json::object()));
      if (!policy)
        return fail(policy.error().code, fmt::format("{}: {}", path, policy.error().message));
      if (!*policy) {
        if (!name.empty())
          fmt::print(out, "{}: version {}, no rollout (every kiosk)\n", path,
                     version_of(repo, path, entry));
        any = any || !name.empty();
        continue;
      }
      any = true;
      const auto& rollout = **policy;
      fmt::print(out, "{}: version {}{}{}\n", path, version_of(repo, path, entry),
                 rollout.previous ? ", waiting kiosks keep or take " + rollout.previous->version
                                  : std::string(),
                 rollout.halted ? ", HALTED" : "");
      fmt::print(out, "  groups: {}\n",
                 rollout.groups.empty() ? std::string("every kiosk")
                                        : fmt::format("{}", fmt::join(rollout.groups, ", ")));
      for (std::size_t i = 0; i < rollout.waves.size(); ++i) {
        const auto& wave = rollout.waves[i];
        fmt::print(out, "  wave {}: {}% of kiosks, opens {} ({})\n", i + 1, wave.percent,
                   trust::format_utc_time(wave.opens),
                   wave.opens <= now ? std::string("open") : "in " + delay_text(wave.opens - now));
      }
    }
  }
  if (!name.empty() && !any)
    return fail(Errc::not_found, fmt::format("no role signs a target named {}", name));
  if (!any) fmt::print(out, "no rollouts: every target reaches every kiosk at its next check\n");
  return {};
}

}  // namespace shubbak::repo
