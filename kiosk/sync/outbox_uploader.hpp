// Store and forward: uploads the transaction store's outbox to the portal on a thread of its
// own, whenever the network is there.
//
// Batches of up to 100 pending transactions go out in sequence order. For each item the portal
// says accepted or duplicate (marked sent) or rejected (quarantined: kept, audited, listed for
// technicians, and never blocking the items behind it). A transport failure, a 5xx or an
// unreadable reply changes nothing in the store and is retried after an exponential backoff
// with jitter; since the transaction id is the portal's idempotency key, resending a batch whose
// reply was lost is safe. All state is in the store, so a restarted uploader resumes where the
// last one stopped. A heartbeat (queue depth, device health, audit head) goes out at its own
// interval. All waits are on the monotonic clock: wall-clock jumps neither stall nor rush it.
//
// The store wakes the uploader on every commit (a commit listener), so a transaction reaches the
// portal as soon as it is durable; the idle recheck is only a safety net. While backing off after
// a failure, commits do not cut the wait short: they are uploaded when it ends.
//
// Nothing stored can stop it: an item that could never be sent (bytes that are not UTF-8, a
// record too large for any request) is quarantined locally with its reason and audited, and the
// rest flows. No exception leaves the upload thread; an unexpected one is logged and backed off.
//
// Threading: construct and stop() from the owner's thread; notify() from any thread. Status
// reports reach `on_status` through `post`, i.e. on the UI thread when `post` is EventLoop::post.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak {

class Backoff;  // kiosk/sync/backoff.hpp

struct UploadStatus {
  std::int64_t queue_depth = 0;
  std::int64_t quarantined = 0;
  std::int64_t uploaded = 0;  // items marked sent by this uploader since it started
  bool portal_reachable = false;
  std::string last_error;  // empty after a successful exchange
};

class OutboxUploader final {
 public:
  using Task = std::function<void()>;
  using Post = std::function<void(Task)>;
  using DeviceHealth = std::function<std::vector<std::pair<std::string, std::string>>()>;

  struct Options {
    std::string portal_url;  // "https://portal.example:8443", no trailing path
    std::string kiosk_id;
    std::string version;
    std::size_t batch_size = 100;
    std::chrono::milliseconds request_timeout{30'000};
    std::chrono::milliseconds backoff_initial{1'000};
    std::chrono::milliseconds backoff_max{300'000};
    std::chrono::milliseconds heartbeat_interval{60'000};
    std::chrono::milliseconds idle_recheck{30'000};  // looks at the outbox even without notify()
    // Fleet telemetry (heartbeat version 2): how the previous run ended, the volume whose free
    // space is reported, and the installed service set (called on the upload thread: it must
    // be safe to call from there). Without a restart cause, version 1 heartbeats are sent.
    std::string restart_cause;
    std::filesystem::path data_dir;
    std::function<portal_protocol::InstalledServices()> installed_services;
    // The out-of-service reason the kiosk's screen shows (its messages.toml key), none while it
    // serves; the heartbeat reports it, else the store's own fault. Called on the upload
    // thread: it must be safe to call from there.
    std::function<std::optional<std::string>()> out_of_service;
  };

  // Starts the upload thread. `store`, `key` must outlive the uploader.
  static Expected<std::unique_ptr<OutboxUploader>> start(
      Options options, TransactionStore& store, const DeviceKey& key,
      std::unique_ptr<HttpsClient> client, Log log, Post post = {},
      std::function<void(const UploadStatus&)> on_status = {}, DeviceHealth device_health = {});
  ~OutboxUploader();  // stop()
  OutboxUploader(const OutboxUploader&) = delete;
  OutboxUploader& operator=(const OutboxUploader&) = delete;

  // A new transaction was committed: upload now rather than at the next recheck. The store calls
  // this itself on each commit; others may too.
  void notify();
  // Aborts a transfer in flight and joins the thread. Whatever the portal did with it, the
  // outbox still holds the items, and the next uploader sends them again.
  void stop();

 private:
  OutboxUploader(Options options, TransactionStore& store, const DeviceKey& key,
                 std::unique_ptr<HttpsClient> client, Log log, Post post,
                 std::function<void(const UploadStatus&)> on_status, DeviceHealth device_health);

  void run();
  // One batch: true when the exchange worked (even if nothing was pending), false to back off.
  bool upload_one_batch(bool& more);
  void send_heartbeat();
  void report();
  // One turn of the loop: heartbeat when due, one batch; returns how long to wait and whether a
  // notification may end the wait early (not while backing off).
  std::pair<std::chrono::milliseconds, bool> turn(
      Backoff& backoff, std::chrono::steady_clock::time_point& next_heartbeat);
  // Quarantines the items that can never be sent and leaves the others in `items`; false when
  // one of them could not be quarantined (the store failed).
  bool set_aside_unsendable(std::vector<OutboxItem>& items);
  // Waits until stop(), `delay`, or (when `wake_on_notify`) notify(); false once stopping. A
  // notification that does not end the wait is kept for the next one.
  bool wait(std::chrono::milliseconds delay, bool wake_on_notify);

  Options m_options;
  TransactionStore& m_store;
  const DeviceKey& m_key;
  std::unique_ptr<HttpsClient> m_client;
  Log m_log;
  Post m_post;
  std::function<void(const UploadStatus&)> m_on_status;
  DeviceHealth m_device_health;
  std::string m_device_key_b64;
  std::string m_boot_id;
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
  TransactionStore::CommitListenerId m_commit_listener = 0;

  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_notified = false;
  bool m_stopping = false;
  UploadStatus m_status;  // upload thread only
  std::thread m_thread;
};

}  // namespace shubbak
