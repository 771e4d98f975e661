#include "kiosk/trust/service_updater.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/atomic_file.hpp"

namespace shubbak::trust {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr std::uintmax_t k_max_manifest_bytes = 4 * 1024 * 1024;

fs::path services_dir(const fs::path& data_dir) {
  return data_dir / "services";
}
fs::path metadata_dir(const fs::path& data_dir) {
  return data_dir / "trust" / "metadata";
}
fs::path cache_dir(const fs::path& data_dir) {
  return data_dir / "trust" / "cache";
}

// A target path that is safe as a relative file path: no "..", no empty or absolute parts.
bool safe_relative(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string_view part =
        path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

Json manifest_json(const ServiceSet& set) {
  Json bundles = Json::array();
  for (const auto& bundle : set.bundles) {
    bundles.push_back(
        {{"target", bundle.target}, {"sha256", bundle.sha256}, {"length", bundle.length}});
  }
  return {{"generation", set.generation}, {"bundles", bundles}};
}

bool same_bundles(const std::vector<InstalledBundle>& a, const std::vector<TargetInfo>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto hash = b[i].file.hashes.find("sha256");
    if (a[i].target != b[i].path || hash == b[i].file.hashes.end() || a[i].sha256 != hash->second ||
        a[i].length != b[i].file.length) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view to_string(BundleState state) {
  switch (state) {
    case BundleState::installed:
      return "installed";
    case BundleState::waiting:
      return "waiting";
    case BundleState::halted:
      return "halted";
    case BundleState::not_in_groups:
      return "not_in_groups";
    case BundleState::refused:
      return "refused";
  }
  return "unknown";
}

std::optional<ServiceSet> load_current_service_set(const fs::path& data_dir) {
  std::error_code ec;
  fs::path link = services_dir(data_dir) / "current";
  fs::path target = fs::read_symlink(link, ec);
  if (ec) return std::nullopt;
  fs::path directory = services_dir(data_dir) / target;
  auto text = read_whole_file(directory / "manifest.json", k_max_manifest_bytes);
  if (!text) return std::nullopt;
  Json manifest = Json::parse(*text, nullptr, false);
  if (manifest.is_discarded() || !manifest.contains("generation") || !manifest.contains("bundles"))
    return std::nullopt;
  ServiceSet set;
  set.generation = manifest["generation"].get<std::uint64_t>();
  set.directory = directory;
  for (const auto& bundle : manifest["bundles"]) {
    set.bundles.push_back(
        {bundle["target"], bundle["sha256"], bundle["length"].get<std::uint64_t>()});
  }
  return set;
}

ServiceUpdater::ServiceUpdater(EventLoop& loop, WorkerPool& workers, ServiceUpdaterOptions options,
                               Log log)
    : m_loop(loop), m_workers(workers), m_options(std::move(options)), m_log(std::move(log)) {}

ServiceUpdater::~ServiceUpdater() {
  if (m_timer) m_loop.cancel_timer(*m_timer);
}

Expected<std::unique_ptr<ServiceUpdater>> ServiceUpdater::open(EventLoop& loop, WorkerPool& workers,
                                                               ServiceUpdaterOptions options,
                                                               Log log) {
  std::error_code ec;
  for (const auto& dir : {services_dir(options.data_dir), metadata_dir(options.data_dir),
                          cache_dir(options.data_dir)}) {
    fs::create_directories(dir, ec);
    if (ec) return fail(Errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  if (!fs::exists(metadata_dir(options.data_dir) / "root.json")) {
    auto root = read_whole_file(options.trusted_root, options.tuning.max_root_bytes);
    if (!root)
      return fail(root.error().code,
                  fmt::format("updates: no trusted root: {}", root.error().message));
    if (auto installed = initialize_metadata_dir(metadata_dir(options.data_dir), *root);
        !installed) {
      return fail(installed.error().code,
                  fmt::format("updates: trusted root {}: {}", options.trusted_root.string(),
                              installed.error().message));
    }
  }
  auto updater = std::unique_ptr<ServiceUpdater>(
      new ServiceUpdater(loop, workers, std::move(options), std::move(log)));
  updater->m_current = load_current_service_set(updater->m_options.data_dir);
  updater->m_worker_current = updater->m_current;
  return updater;
}

std::chrono::milliseconds ServiceUpdater::jittered(std::chrono::milliseconds base) {
  std::int64_t spread = base.count() * m_options.jitter_percent / 100;
  std::uniform_int_distribution<std::int64_t> extra(0, std::max<std::int64_t>(spread, 0));
  return base + std::chrono::milliseconds(extra(m_random));
}

void ServiceUpdater::start() {
  if (m_options.metadata_url.empty()) return;
  // A kiosk with no verified set offers nothing until it has one: it asks at once (a newly
  // provisioned kiosk must not stand out of service for minutes).
  if (!m_current) return schedule_next(std::chrono::milliseconds(0));
  // Otherwise the first check comes within the jitter window, so kiosks that boot together
  // spread out.
  auto window = std::chrono::duration_cast<std::chrono::milliseconds>(m_options.interval) *
                m_options.jitter_percent / 100;
  schedule_next(std::chrono::milliseconds(
      std::uniform_int_distribution<std::int64_t>(0, window.count())(m_random)));
}

void ServiceUpdater::schedule_next(std::chrono::milliseconds delay) {
  if (m_timer) m_loop.cancel_timer(*m_timer);
  m_next_check = std::chrono::system_clock::now() + delay;
  m_timer = m_loop.add_timer(delay, [this] {
    m_timer.reset();
    m_next_check.reset();
    if (!check_now()) schedule_next(jittered(m_options.interval));  // busy with a USB check
  });
}

bool ServiceUpdater::check_now() {
  if (m_options.metadata_url.empty()) return false;
  return launch(m_options.metadata_url, m_options.targets_url);
}

bool ServiceUpdater::check_directory(const fs::path& repository) {
  return launch((repository / "metadata").string(), (repository / "targets").string());
}

bool ServiceUpdater::launch(std::string metadata_url, std::string targets_url) {
  if (m_busy.exchange(true)) return false;
  bool scheduled_check = metadata_url == m_options.metadata_url;
  bool submitted = run_on_lane(
      m_workers, m_loop, m_alive.token(),
      [this, metadata_url, targets_url] { return run_check(metadata_url, targets_url); },
      [this, scheduled_check](Expected<CheckResult> result) {
        m_busy = false;
        if (!result) {
          m_last_refusal = result.error();
          m_log.error("service update refused: {}", result.error().describe());
          if (m_on_refused) m_on_refused(result.error());
        } else {
          m_last_refusal.reset();
          m_statuses = std::move(result->statuses);
          if (m_on_bundle_statuses) m_on_bundle_statuses(m_statuses);
          for (const auto& status : m_statuses) {
            if (status.state == BundleState::installed) continue;
            m_log.info("service {}: {}{}{}", status.target, to_string(status.state),
                       status.opens ? " until " + format_utc_time(*status.opens) : "",
                       status.reason.empty() ? "" : ": " + status.reason);
          }
          if (result->new_set) {
            m_current = std::move(result->new_set);
            m_log.info("service set {} ready: {} bundle(s)", m_current->generation,
                       m_current->bundles.size());
            if (m_on_new_set) m_on_new_set(*m_current);
          } else {
            // Said once per check, so a log shows the kiosk is checking and finding nothing new.
            m_log.info("service check: verified, no change (set {})",
                       m_current ? std::to_string(m_current->generation) : std::string("none"));
          }
        }
        if (scheduled_check && !m_options.metadata_url.empty())
          schedule_next(jittered(m_options.interval));
        if (m_on_checked) m_on_checked();
      });
  if (!submitted) m_busy = false;
  return submitted;
}

std::vector<TargetInfo> ServiceUpdater::plan_bundles(const Updater& updater,
                                                     const std::vector<TargetInfo>& targets,
                                                     std::vector<BundleStatus>& statuses) {
  UnixSeconds now = updater.trusted()->reference_time();
  std::vector<TargetInfo> planned;
  for (const auto& target : targets) {
    const InstalledBundle* installed = nullptr;
    if (m_worker_current) {
      for (const auto& bundle : m_worker_current->bundles) {
        if (bundle.target == target.path) installed = &bundle;
      }
    }
    // What the kiosk has, as a target: kept from the current set, never downloaded again.
    auto keep_installed = [&] {
      if (!installed) return;
      TargetInfo kept{target.path, {}, target.role};
      kept.file.length = installed->length;
      kept.file.hashes["sha256"] = installed->sha256;
      planned.push_back(std::move(kept));
    };
    auto policy = parse_rollout(target.file.custom);
    if (!policy) {
      // A policy this kiosk cannot read is not a reason to take the version, nor to stop the
      // other bundles: this one stays as it is and the heartbeat says why.
      statuses.push_back({target.path, BundleState::refused, std::nullopt, policy.error().message});
      keep_installed();
      continue;
    }
    auto hash = target.file.hashes.find("sha256");
    bool has_signed_version =
        installed && hash != target.file.hashes.end() && installed->sha256 == hash->second;
    RolloutDecision decision;
    if (*policy) decision = decide_rollout(**policy, m_options.identity, target.path, now);
    // A kiosk that took the version keeps it through a halt: halting stops the spread, a
    // rollback (a new signed target) is what takes a version back.
    if (decision.verdict == RolloutVerdict::install || has_signed_version) {
      statuses.push_back({target.path, BundleState::installed, std::nullopt, {}});
      planned.push_back(target);
      continue;
    }
    BundleState state = decision.verdict == RolloutVerdict::halted ? BundleState::halted
                        : decision.verdict == RolloutVerdict::not_in_groups
                            ? BundleState::not_in_groups
                            : BundleState::waiting;
    statuses.push_back({target.path, state, decision.opens, {}});
    if (installed) {
      keep_installed();
    } else if ((*policy)->previous) {
      planned.push_back({target.path, (*policy)->previous->file, target.role});
    }
  }
  return planned;
}

Expected<ServiceUpdater::CheckResult> ServiceUpdater::run_check(const std::string& metadata_url,
                                                                const std::string& targets_url) {
  auto metadata_fetcher = make_fetcher_for(metadata_url, m_options.fetch);
  if (!metadata_fetcher) return std::unexpected(metadata_fetcher.error());
  auto target_fetcher = make_fetcher_for(targets_url, m_options.fetch);
  if (!target_fetcher) return std::unexpected(target_fetcher.error());
  UpdaterOptions options = m_options.tuning;
  options.metadata_dir = metadata_dir(m_options.data_dir);
  options.metadata_url = metadata_url;
  options.target_base_url = targets_url;
  auto updater = Updater::open(std::move(options), **metadata_fetcher, **target_fetcher);
  if (!updater) return std::unexpected(updater.error());
  if (auto refreshed = (*updater)->refresh(); !refreshed) return std::unexpected(refreshed.error());
  auto targets = (*updater)->list_targets(m_options.prefix);
  if (!targets) return std::unexpected(targets.error());
  for (const auto& target : *targets) {
    if (!safe_relative(target.path)) {
      return fail(Errc::integrity, fmt::format("target {}: not a safe relative path", target.path));
    }
    if (!target.file.hashes.contains("sha256")) {
      return fail(Errc::unsupported, fmt::format("target {}: no sha256 hash", target.path));
    }
  }
  CheckResult result;
  std::vector<TargetInfo> bundles = plan_bundles(**updater, *targets, result.statuses);
  for (const auto& bundle : bundles) {
    // Every bundle is downloaded and verified before anything is installed.
    fs::path cached = cache_dir(m_options.data_dir) / percent_encode(bundle.path);
    if ((*updater)->is_cached(bundle, cached)) continue;
    // A kept bundle comes from the current set when the cache holds another version.
    if (m_worker_current) {
      fs::path installed =
          m_worker_current->directory / bundle.path.substr(m_options.prefix.size());
      if (target_file_matches(bundle.file, installed)) {
        auto bytes = read_whole_file(installed, bundle.file.length);
        if (!bytes) return std::unexpected(bytes.error());
        if (auto written = write_file_atomically(cached, *bytes); !written)
          return std::unexpected(written.error());
        continue;
      }
    }
    if (auto done = (*updater)->download_target(bundle, cached); !done)
      return std::unexpected(done.error());
  }
  if (m_worker_current && same_bundles(m_worker_current->bundles, bundles)) return result;
  auto installed = install_set(bundles);
  if (!installed) return std::unexpected(installed.error());
  m_worker_current = *installed;
  result.new_set = *installed;
  return result;
}

Expected<ServiceSet> ServiceUpdater::install_set(const std::vector<TargetInfo>& bundles) {
  ServiceSet set;
  set.generation = m_worker_current ? m_worker_current->generation + 1 : 1;
  std::string name = fmt::format("set-{}", set.generation);
  set.directory = services_dir(m_options.data_dir) / name;
  std::error_code ec;
  fs::remove_all(set.directory, ec);  // a half-built set from a crash
  fs::create_directories(set.directory, ec);
  if (ec)
    return fail(Errc::io,
                fmt::format("cannot create {}: {}", set.directory.string(), ec.message()));
  for (const auto& bundle : bundles) {
    fs::path cached = cache_dir(m_options.data_dir) / percent_encode(bundle.path);
    fs::path installed = set.directory / bundle.path.substr(m_options.prefix.size());
    fs::create_directories(installed.parent_path(), ec);
    auto bytes = read_whole_file(cached, bundle.file.length);
    if (!bytes) return std::unexpected(bytes.error());
    if (auto written = write_file_atomically(installed, *bytes); !written)
      return std::unexpected(written.error());
    set.bundles.push_back({bundle.path, bundle.file.hashes.at("sha256"), bundle.file.length});
  }
  if (auto written =
          write_file_atomically(set.directory / "manifest.json", manifest_json(set).dump(1));
      !written) {
    return std::unexpected(written.error());
  }
  // The switch: one rename of a symlink, so "current" is always a whole set.
  fs::path link = services_dir(m_options.data_dir) / "current";
  fs::path temporary = services_dir(m_options.data_dir) / "current.tmp";
  fs::remove(temporary, ec);
  if (::symlink(name.c_str(), temporary.c_str()) != 0) {
    return fail_errno(Errc::io, fmt::format("cannot create {}", temporary.string()), errno);
  }
  if (auto moved = install_file_atomically(temporary, link); !moved)
    return std::unexpected(moved.error());
  // Keep the set before as the last known good one; older ones go.
  for (const auto& entry : fs::directory_iterator(services_dir(m_options.data_dir), ec)) {
    std::string entry_name = entry.path().filename().string();
    if (!entry_name.starts_with("set-") || entry.is_symlink()) continue;
    std::uint64_t generation = std::strtoull(entry_name.c_str() + 4, nullptr, 10);
    if (generation + 1 < set.generation) fs::remove_all(entry.path(), ec);
  }
  return set;
}

}  // namespace shubbak::trust
