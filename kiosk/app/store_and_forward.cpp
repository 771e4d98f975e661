#include "kiosk/app/store_and_forward.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include "kiosk/store/journal_marks.hpp"

namespace shubbak {

namespace fs = std::filesystem;

namespace {
constexpr auto k_purge_interval = std::chrono::hours(6);
// Work that reads the whole journal waits this long after the start.
constexpr auto k_after_start = std::chrono::seconds(5);
}  // namespace

StoreAndForward::StoreAndForward(const Config& config, Logger& logger, std::string version)
    : m_config(config), m_logger(logger), m_log(logger, "store"), m_version(std::move(version)) {
  // A kiosk whose journal has marks has run before: its key must be there. A new one would sign
  // new records but fail every record it has not verified yet, so it is never made silently.
  fs::path journal = config.kiosk.data_dir / "journal.db";
  std::error_code ec;
  bool has_run = fs::exists(journal_marks_path(journal), ec);
  auto key = has_run ? DeviceKey::load(config.kiosk.data_dir / "device-key.pem")
                     : DeviceKey::load_or_create(config.kiosk.data_dir / "device-key.pem");
  if (!key) {
    m_open_failure = OutOfService{OutOfServiceReason::storage_unavailable, key.error().describe()};
    m_log.error("out of service: no device key: {}", key.error().describe());
    return;
  }
  m_key = std::move(*key);
  TransactionStore::Options options;
  options.path = journal;
  options.kiosk_id = config.kiosk.id;
  options.device_key = m_key.get();
  options.min_free_bytes = static_cast<std::int64_t>(config.store.min_free_mb) * 1024 * 1024;
  auto store = TransactionStore::open(options, m_log);
  if (!store) {
    m_open_failure = OutOfService{out_of_service_reason(store.error()), store.error().describe()};
    m_log.error("out of service: {}", store.error().describe());
    return;
  }
  m_store = std::move(*store);
  if (auto fault = m_store->out_of_service()) m_log.error("out of service: {}", fault->detail);
}

StoreAndForward::~StoreAndForward() {
  stop();
}

std::optional<OutOfService> StoreAndForward::out_of_service() const {
  if (m_open_failure) return m_open_failure;
  return m_store ? m_store->out_of_service() : std::nullopt;
}

void StoreAndForward::start(EventLoop& loop, Lane& store_lane,
                            OutboxUploader::DeviceHealth device_health,
                            std::function<void(const OutOfService&)> on_fault,
                            std::function<std::optional<std::string>()> out_of_service) {
  if (!m_store) return;
  m_loop = &loop;
  // Not on the store lane: the check reads every page (about half a second for 100,000
  // transactions), and commits must not wait behind it. It reads on a connection of its own, at
  // the lowest priority, and only once the kiosk is up, so that start-up stays the same
  // whatever the journal's size.
  m_stop_integrity_check = false;
  m_integrity_check = std::thread([this, &loop, on_fault = std::move(on_fault)] {
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
    {
      std::unique_lock lock(m_stop_mutex);
      m_stop_wake.wait_for(lock, k_after_start, [this] { return m_stop_integrity_check.load(); });
    }
    auto checked = m_store->check_integrity(&m_stop_integrity_check);
    if (checked || checked.error().code == Errc::cancelled) return;
    auto fault = m_store->out_of_service();
    if (!fault) {
      m_log.warn("integrity check could not run: {}", checked.error().describe());
      return;
    }
    if (on_fault) loop.post([on_fault, fault = *fault] { on_fault(fault); });
  });
  auto purge = [this, &store_lane] {
    store_lane.submit([store = m_store.get(), days = m_config.store.retention_days, log = m_log] {
      auto purged = store->purge_acknowledged(std::chrono::days(days));
      if (!purged)
        log.warn("retention purge failed: {}", purged.error().describe());
      else if (*purged > 0)
        log.info("purged {} acknowledged transactions older than {} days", *purged, days);
    });
  };
  // The first purge also waits until the kiosk is up: it walks the acknowledged rows.
  m_first_purge_timer = loop.add_timer(k_after_start, purge);
  m_purge_timer = loop.add_repeating_timer(k_purge_interval, purge);

  if (m_config.portal.url.empty()) {
    m_log.info("no portal configured: transactions stay in the outbox");
    return;
  }
  auto client = HttpsClient::create(
      TlsOptions{m_config.portal.ca_file, m_config.portal.client_cert, m_config.portal.client_key});
  if (!client) {
    m_log.error("cannot upload: {}", client.error().describe());
    return;
  }
  OutboxUploader::Options options;
  options.restart_cause = m_restart_cause;
  options.data_dir = m_config.kiosk.data_dir;
  options.installed_services = [this] {
    std::lock_guard lock(m_services_mutex);
    portal_protocol::InstalledServices services = m_services;
    services.rollout = m_rollout;
    return services;
  };
  options.portal_url = m_config.portal.url;
  options.kiosk_id = m_config.kiosk.id;
  options.version = m_version;
  options.heartbeat_interval = std::chrono::seconds(m_config.portal.heartbeat_seconds);
  options.out_of_service = std::move(out_of_service);
  auto uploader = OutboxUploader::start(
      options, *m_store, *m_key, std::move(*client), Log(m_logger, "upload"),
      [&loop](OutboxUploader::Task task) { loop.post(std::move(task)); },
      [this](const UploadStatus& status) { m_last_status = status; }, std::move(device_health));
  if (!uploader) {
    m_log.error("cannot upload: {}", uploader.error().describe());
    return;
  }
  m_uploader = std::move(*uploader);
}

void StoreAndForward::set_installed_services(portal_protocol::InstalledServices services) {
  std::lock_guard lock(m_services_mutex);
  m_services = std::move(services);
}

void StoreAndForward::set_rollout_states(std::vector<portal_protocol::BundleRollout> states) {
  std::lock_guard lock(m_services_mutex);
  m_rollout = std::move(states);
}

void StoreAndForward::stop() {
  {
    std::lock_guard lock(m_stop_mutex);
    m_stop_integrity_check = true;
    m_stop_wake.notify_all();
  }
  if (m_integrity_check.joinable()) m_integrity_check.join();
  if (m_loop != nullptr && m_first_purge_timer != 0) m_loop->cancel_timer(m_first_purge_timer);
  m_first_purge_timer = 0;
  if (m_uploader) m_uploader->stop();
  m_uploader.reset();
  if (m_loop != nullptr && m_purge_timer != 0) m_loop->cancel_timer(m_purge_timer);
  m_purge_timer = 0;
  m_loop = nullptr;
}

}  // namespace shubbak
