// The kiosk's transaction side, wired together: the device key, the transaction store in the
// data directory, the outbox uploader when a portal is configured, and the daily retention
// purge. A store that cannot be opened (corrupt, disk full, unreadable) never stops the kiosk:
// it is logged, and the kiosk runs out of service (out_of_service() says why).
//
// Threading: created, started and stopped on the UI thread; the store itself may be used from
// workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "kiosk/core/config.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/lane.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/outbox_uploader.hpp"

namespace shubbak {

class StoreAndForward final {
 public:
  // Opens the device key and the store; never fails, see out_of_service().
  StoreAndForward(const Config& config, Logger& logger, std::string version);
  ~StoreAndForward();
  StoreAndForward(const StoreAndForward&) = delete;
  StoreAndForward& operator=(const StoreAndForward&) = delete;

  // Starts the uploader (if a portal url is configured), the retention purge (on `store_lane`),
  // and SQLite's integrity check of the journal on a thread of its own (it reads every page, so
  // it is not on the start path). The heartbeat reports `device_health` (called on the
  // uploader's thread). Damage found after the start reaches `on_fault` on the loop's thread.
  // `out_of_service` gives the reason the screen shows (called on the uploader's thread too).
  void start(EventLoop& loop, Lane& store_lane, OutboxUploader::DeviceHealth device_health = {},
             std::function<void(const OutOfService&)> on_fault = {},
             std::function<std::optional<std::string>()> out_of_service = {});
  // Stops the uploader and the integrity check; call before the loop goes away.
  void stop();

  // Fleet telemetry for the heartbeat: how the previous run ended (before start()), and the
  // service set the kiosk offers now (any thread, whenever it changes).
  void set_restart_cause(std::string cause) { m_restart_cause = std::move(cause); }
  void set_installed_services(portal_protocol::InstalledServices services);
  // Each bundle target's rollout state after the updater's last verified check (any thread).
  void set_rollout_states(std::vector<portal_protocol::BundleRollout> states);

  TransactionStore* store() { return m_store.get(); }
  // The kiosk's one device key (it signs records and receipt seals); null when it could not load.
  const DeviceKey* device_key() const { return m_key.get(); }
  std::optional<OutOfService> out_of_service() const;
  const std::optional<UploadStatus>& last_upload_status() const { return m_last_status; }

 private:
  const Config& m_config;
  Logger& m_logger;
  Log m_log;
  std::string m_version;
  std::unique_ptr<DeviceKey> m_key;
  std::unique_ptr<TransactionStore> m_store;
  std::optional<OutOfService> m_open_failure;
  std::unique_ptr<OutboxUploader> m_uploader;
  std::optional<UploadStatus> m_last_status;  // UI thread
  std::string m_restart_cause;
  std::mutex m_services_mutex;
  portal_protocol::InstalledServices m_services;          // under m_services_mutex
  std::vector<portal_protocol::BundleRollout> m_rollout;  // under m_services_mutex
  EventLoop* m_loop = nullptr;
  EventLoop::TimerId m_purge_timer = 0;
  EventLoop::TimerId m_first_purge_timer = 0;
  std::mutex m_stop_mutex;
  std::condition_variable m_stop_wake;
  std::atomic<bool> m_stop_integrity_check{false};
  std::thread m_integrity_check;
};

}  // namespace shubbak
