// Keeps the kiosk's service bundles up to date from a TUF repository: checks on a schedule with
// jitter (so a fleet does not arrive at once), on a technician's request, or from a repository
// directory on a USB stick. Bundles are the targets under "services/"; a new set is installed
// only when every bundle in it verified, into a new directory, and made current by one atomic
// symlink switch. The set before stays on disk as the last known good one; a refused update
// changes nothing. A target signed with a staged rollout (rollout.hpp) is taken only when this
// kiosk's wave is open by the trusted clock, it is in the rollout's groups and the rollout is not
// halted; otherwise the kiosk keeps what it has (or takes the rollout's "previous" version when
// it has none), from a portal and from a USB stick alike.
//
// Threading: every public function is for the UI thread. Checks run on a worker, one at a time;
// results come back through EventLoop::post(). The WorkerPool must be shut down before the
// ServiceUpdater is destroyed.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/lane.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "kiosk/trust/fetcher.hpp"
#include "kiosk/trust/rollout.hpp"
#include "kiosk/trust/updater.hpp"

namespace shubbak::trust {

struct ServiceUpdaterOptions {
  std::filesystem::path data_dir;      // services/ and trust/ live under it
  std::filesystem::path trusted_root;  // installs the first root when trust/metadata has none
  std::string metadata_url;            // empty: only repository directories (USB) are checked
  std::string targets_url;
  FetchOptions fetch;
  std::chrono::minutes interval{60};
  int jitter_percent = 20;  // each wait is interval + up to this share of it, at random
  std::string prefix = "services/";
  UpdaterOptions tuning;  // size caps and clock; paths and URLs are filled in per check
  // The kiosk's id and certificate-bound groups, for targets signed with a rollout policy.
  RolloutIdentity identity;
};

struct InstalledBundle {
  std::string target;  // "services/health/clinic.json"
  std::string sha256;
  std::uint64_t length = 0;
};

// What the last verified check decided for one bundle target, for the heartbeat and the
// technician screen.
enum class BundleState {
  installed,      // the kiosk has the signed version
  waiting,        // its rollout wave is not open yet (see `opens`)
  halted,         // the rollout was halted before this kiosk took the version
  not_in_groups,  // the rollout is for groups this kiosk is not in
  refused,        // the target's rollout policy did not parse (see `reason`)
};
std::string_view to_string(BundleState state);

struct BundleStatus {
  std::string target;
  BundleState state = BundleState::installed;
  std::optional<UnixSeconds> opens;
  std::string reason;
};

struct ServiceSet {
  std::uint64_t generation = 0;
  std::filesystem::path directory;  // bundles at their path below the prefix
  std::vector<InstalledBundle> bundles;
};

class ServiceUpdater {
 public:
  using ReadyHandler = std::function<void(const ServiceSet&)>;
  using RefusedHandler = std::function<void(const Error&)>;

  static Expected<std::unique_ptr<ServiceUpdater>> open(EventLoop& loop, WorkerPool& workers,
                                                        ServiceUpdaterOptions options, Log log);
  ~ServiceUpdater();
  ServiceUpdater(const ServiceUpdater&) = delete;
  ServiceUpdater& operator=(const ServiceUpdater&) = delete;

  // A new set is installed and current on disk; the app switches to it between citizens.
  void on_new_set(ReadyHandler handler) { m_on_new_set = std::move(handler); }
  // A check was refused (attack, outage): the message names the role and the reason.
  void on_refused(RefusedHandler handler) { m_on_refused = std::move(handler); }
  // Each bundle target's state after every verified check (the heartbeat reports them).
  void on_bundle_statuses(std::function<void(const std::vector<BundleStatus>&)> handler) {
    m_on_bundle_statuses = std::move(handler);
  }
  // Called after every check, whatever its outcome (tests and the technician screen).
  void on_checked(std::function<void()> handler) { m_on_checked = std::move(handler); }

  // Starts the schedule: a first check at once when no set is installed yet, else after a random
  // share of the jitter; then every interval.
  void start();
  // A technician's "check now". False if a check is already running.
  bool check_now();
  // A repository brought on a USB stick: `<dir>/metadata` and `<dir>/targets`.
  bool check_directory(const std::filesystem::path& repository);

  const std::optional<ServiceSet>& current() const { return m_current; }
  // Why the last check was refused; empty after a check that verified (changed or not).
  const std::optional<Error>& last_refusal() const { return m_last_refusal; }
  // Each bundle target's state after the last verified check (empty before the first).
  const std::vector<BundleStatus>& bundle_statuses() const { return m_statuses; }
  // When the next scheduled check runs (wall clock, for people); empty when none is scheduled
  // (no repository URL, or a check is running now).
  std::optional<std::chrono::system_clock::time_point> next_check() const { return m_next_check; }

 private:
  ServiceUpdater(EventLoop& loop, WorkerPool& workers, ServiceUpdaterOptions options, Log log);
  struct CheckResult {
    std::optional<ServiceSet> new_set;  // empty when nothing changed
    std::vector<BundleStatus> statuses;
  };
  bool launch(std::string metadata_url, std::string targets_url);
  Expected<CheckResult> run_check(const std::string& metadata_url, const std::string& targets_url);
  // The bundles to install: each target the rollout lets this kiosk take, else what it has.
  std::vector<TargetInfo> plan_bundles(const Updater& updater,
                                       const std::vector<TargetInfo>& targets,
                                       std::vector<BundleStatus>& statuses);
  Expected<ServiceSet> install_set(const std::vector<TargetInfo>& bundles);
  void schedule_next(std::chrono::milliseconds delay);
  // `base` plus a random share (up to jitter_percent) of it.
  std::chrono::milliseconds jittered(std::chrono::milliseconds base);

  EventLoop& m_loop;
  WorkerPool& m_workers;
  ServiceUpdaterOptions m_options;
  Log m_log;
  std::optional<ServiceSet> m_current;         // UI thread's view
  std::optional<ServiceSet> m_worker_current;  // the worker's copy, updated by the worker only
  std::atomic<bool> m_busy = false;
  std::optional<EventLoop::TimerId> m_timer;
  std::optional<std::chrono::system_clock::time_point> m_next_check;
  std::optional<Error> m_last_refusal;
  std::vector<BundleStatus> m_statuses;
  std::mt19937_64 m_random{std::random_device{}()};
  ReadyHandler m_on_new_set;
  RefusedHandler m_on_refused;
  std::function<void()> m_on_checked;
  std::function<void(const std::vector<BundleStatus>&)> m_on_bundle_statuses;
  Liveness m_alive;  // a check that ends after the updater is gone is dropped
};

// Reads the current set from `<data_dir>/services/current`, if one was installed.
std::optional<ServiceSet> load_current_service_set(const std::filesystem::path& data_dir);

}  // namespace shubbak::trust
