#include "kiosk/sync/outbox_uploader.hpp"

#include <exception>
#include <random>

#include <fmt/format.h>

#include "kiosk/core/utf8.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/sync/backoff.hpp"
#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak {

namespace {
using Clock = std::chrono::steady_clock;

std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool worth_retrying(long status) {
  return status >= 500 || status == 408 || status == 429;
}

// What a string takes once escaped inside a JSON string, at most.
std::size_t escaped_size(std::string_view text) {
  std::size_t size = text.size() + 2;
  for (char c : text) {
    if (c == '"' || c == '\\') size += 1;
    if (static_cast<unsigned char>(c) < 0x20) size += 5;
  }
  return size;
}

// Why `item` can never be sent as stored (empty when it can). Such an item would make the JSON
// encoder throw or the portal refuse every request that carries it.
std::string unsendable_reason(const OutboxItem& item) {
  for (auto [what, text] : {std::pair<std::string_view, std::string_view>{"id", item.id},
                            {"record", item.record},
                            {"signature", item.signature}}) {
    if (auto at = first_invalid_utf8(text))
      return fmt::format("its {} is not valid UTF-8 (byte {})", what, *at);
  }
  if (item.id.empty()) return "it has no id";
  std::size_t request =
      escaped_size(item.id) + escaped_size(item.record) + escaped_size(item.signature) + 4096;
  if (request > portal_protocol::k_max_request_bytes) {
    return fmt::format("its record needs a {}-byte request, over the portal's {}", request,
                       portal_protocol::k_max_request_bytes);
  }
  return {};
}
}  // namespace

OutboxUploader::OutboxUploader(Options options, TransactionStore& store, const DeviceKey& key,
                               std::unique_ptr<HttpsClient> client, Log log, Post post,
                               std::function<void(const UploadStatus&)> on_status,
                               DeviceHealth device_health)
    : m_options(std::move(options)),
      m_store(store),
      m_key(key),
      m_client(std::move(client)),
      m_log(std::move(log)),
      m_post(std::move(post)),
      m_on_status(std::move(on_status)),
      m_device_health(std::move(device_health)),
      m_device_key_b64(base64_encode(key.public_key())),
      m_boot_id(read_boot_id()) {}

Expected<std::unique_ptr<OutboxUploader>> OutboxUploader::start(
    Options options, TransactionStore& store, const DeviceKey& key,
    std::unique_ptr<HttpsClient> client, Log log, Post post,
    std::function<void(const UploadStatus&)> on_status, DeviceHealth device_health) {
  if (!options.portal_url.starts_with("https://")) {
    return fail(Errc::config,
                fmt::format("portal url must be https://, got \"{}\"", options.portal_url));
  }
  while (options.portal_url.ends_with('/')) options.portal_url.pop_back();
  if (options.batch_size == 0 || options.batch_size > portal_protocol::k_max_batch) {
    return fail(Errc::config,
                fmt::format("batch size must be 1 to {}", portal_protocol::k_max_batch));
  }
  if (!client) return fail(Errc::invalid_argument, "the uploader needs an HTTPS client");
  std::unique_ptr<OutboxUploader> uploader(
      new OutboxUploader(std::move(options), store, key, std::move(client), std::move(log),
                         std::move(post), std::move(on_status), std::move(device_health)));
  try {
    uploader->m_thread = std::thread([raw = uploader.get()] { raw->run(); });
  } catch (const std::system_error& e) {
    return fail(Errc::io, fmt::format("cannot start the upload thread: {}", e.what()));
  }
  // Each commit wakes the thread: commit to acknowledgement without waiting for a recheck.
  uploader->m_commit_listener =
      store.add_commit_listener([raw = uploader.get()] { raw->notify(); });
  return uploader;
}

OutboxUploader::~OutboxUploader() {
  stop();
}

void OutboxUploader::notify() {
  std::lock_guard lock(m_mutex);
  m_notified = true;
  m_wake.notify_one();
}

void OutboxUploader::stop() {
  if (m_commit_listener != 0) {
    m_store.remove_commit_listener(m_commit_listener);
    m_commit_listener = 0;
  }
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_wake.notify_one();
  }
  m_client->cancel();
  if (m_thread.joinable()) m_thread.join();
}

bool OutboxUploader::wait(std::chrono::milliseconds delay, bool wake_on_notify) {
  std::unique_lock lock(m_mutex);
  m_wake.wait_for(lock, delay, [&] { return m_stopping || (wake_on_notify && m_notified); });
  if (wake_on_notify) m_notified = false;
  return !m_stopping;
}

void OutboxUploader::run() {
  std::random_device entropy;
  Backoff backoff(m_options.backoff_initial, m_options.backoff_max,
                  (std::uint64_t{entropy()} << 32) | entropy());
  Clock::time_point next_heartbeat = Clock::now();
  m_log.info("uploading to {}", m_options.portal_url);
  for (;;) {
    {
      std::lock_guard lock(m_mutex);
      if (m_stopping) break;
      // What is pending now is read by this turn: a notification before it is spent.
      m_notified = false;
    }
    std::pair<std::chrono::milliseconds, bool> next;
    // The last line of defence: whatever a turn throws is a failure to back off from, never the
    // end of the thread (which would abort the kiosk, and again at every start).
    try {
      next = turn(backoff, next_heartbeat);
    } catch (const std::exception& e) {
      m_status.last_error = fmt::format("unexpected error: {}", e.what());
      m_log.error("upload turn failed: {}", m_status.last_error);
      next = {backoff.next_delay(), false};
    } catch (...) {
      m_status.last_error = "unexpected error";
      m_log.error("upload turn failed with an unknown exception");
      next = {backoff.next_delay(), false};
    }
    if (next.first.count() == 0 && next.second) continue;
    if (!wait(next.first, next.second)) break;
  }
  m_log.info("upload stopped");
}

std::pair<std::chrono::milliseconds, bool> OutboxUploader::turn(Backoff& backoff,
                                                                Clock::time_point& next_heartbeat) {
  if (Clock::now() >= next_heartbeat) {
    // A heartbeat that fails in any way never holds up the uploads behind it.
    try {
      send_heartbeat();
    } catch (const std::exception& e) {
      m_log.error("heartbeat failed: unexpected error: {}", e.what());
    }
    next_heartbeat = Clock::now() + m_options.heartbeat_interval;
  }
  bool more = false;
  bool ok = upload_one_batch(more);
  report();
  if (!ok) {
    auto delay = backoff.next_delay();
    m_log.info("retrying the portal in {} ms (failure {})", delay.count(), backoff.failures());
    return {delay, false};
  }
  backoff.reset();
  if (more) return {std::chrono::milliseconds(0), true};
  auto until_heartbeat =
      std::chrono::duration_cast<std::chrono::milliseconds>(next_heartbeat - Clock::now());
  return {std::max(std::chrono::milliseconds(0), std::min(m_options.idle_recheck, until_heartbeat)),
          true};
}

bool OutboxUploader::set_aside_unsendable(std::vector<OutboxItem>& items) {
  bool all_kept = true;
  std::erase_if(items, [&](const OutboxItem& item) {
    std::string reason = unsendable_reason(item);
    if (reason.empty()) return false;
    if (auto kept = m_store.quarantine_unsendable(item.sequence, reason); !kept) {
      // Not sent either way; it is offered again after a backoff.
      m_status.last_error = kept.error().describe();
      m_log.error("cannot quarantine transaction {}: {}", item.sequence, m_status.last_error);
      all_kept = false;
    }
    return true;
  });
  return all_kept;
}

bool OutboxUploader::upload_one_batch(bool& more) {
  auto items = m_store.next_batch(m_options.batch_size);
  if (!items) {
    m_status.last_error = items.error().describe();
    m_log.error("cannot read the outbox: {}", m_status.last_error);
    return false;
  }
  more = items->size() == m_options.batch_size;
  bool set_aside = set_aside_unsendable(*items);
  if (items->empty()) return set_aside;
  // Keep a request well under the portal's size limit: large records go in smaller batches
  // (always at least one), so no batch is refused for its size forever.
  std::size_t bytes = 0, keep = 0;
  for (; keep < items->size(); ++keep) {
    bytes += (*items)[keep].record.size() + (*items)[keep].signature.size() + 64;
    if (keep > 0 && bytes > portal_protocol::k_max_batch_bytes) break;
  }
  if (keep < items->size()) {
    items->resize(keep);
    more = true;
  }

  portal_protocol::Batch batch{m_options.kiosk_id, m_device_key_b64, std::move(*items)};
  m_log.debug("posting {} transactions from sequence {}", batch.items.size(),
              batch.items.front().sequence);
  auto response =
      m_client->post_json(m_options.portal_url + std::string(portal_protocol::k_transactions_path),
                          portal_protocol::encode_batch(batch), m_options.request_timeout);
  if (!response) {
    m_status.portal_reachable = false;
    m_status.last_error = response.error().describe();
    if (response.error().code != Errc::cancelled)
      m_log.warn("upload failed: {}", m_status.last_error);
    return false;
  }
  m_status.portal_reachable = true;
  if (response->status != 200 && response->status != 422) {
    m_status.last_error = fmt::format("portal answered HTTP {}: {}", response->status,
                                      portal_protocol::refusal_reason(response->body));
    m_log.warn(
        "upload refused: {}{}", m_status.last_error,
        worth_retrying(response->status) ? "" : " (not a temporary status; check the portal)");
    return false;
  }
  auto results = portal_protocol::decode_results(response->body);
  if (!results) {
    m_status.last_error = results.error().describe();
    m_log.warn("unreadable portal reply: {}", m_status.last_error);
    return false;
  }
  // Only results for ids we sent count: a confused reply must not touch other rows.
  std::vector<UploadResult> known;
  for (auto& result : *results) {
    for (const auto& item : batch.items) {
      if (item.id == result.id) {
        known.push_back(std::move(result));
        break;
      }
    }
  }
  if (auto applied = m_store.apply_results(known); !applied) {
    m_status.last_error = applied.error().describe();
    m_log.error("cannot record the portal's results: {}", m_status.last_error);
    return false;
  }
  for (const auto& result : known) {
    if (result.outcome != UploadOutcome::rejected) ++m_status.uploaded;
  }
  m_status.last_error.clear();
  if (known.size() < batch.items.size()) {
    // Items without an answer stay pending; back off so a portal that keeps skipping them is
    // not asked in a tight loop.
    m_status.last_error =
        fmt::format("portal answered {} of {} items", known.size(), batch.items.size());
    m_log.warn("{}", m_status.last_error);
    return false;
  }
  return true;
}

void OutboxUploader::send_heartbeat() {
  auto health = m_store.health();
  if (!health) {
    m_log.warn("no heartbeat: {}", health.error().describe());
    return;
  }
  portal_protocol::Heartbeat heartbeat;
  heartbeat.kiosk_id = m_options.kiosk_id;
  heartbeat.version = m_options.version;
  heartbeat.boot_id = m_boot_id;
  heartbeat.uptime_s =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - m_started).count();
  heartbeat.queue_depth = health->queue_depth;
  heartbeat.quarantined = health->quarantined;
  if (health->oldest_pending_wall_ms) {
    heartbeat.oldest_pending_age_s =
        std::max<std::int64_t>(0, (wall_now_ms() - *health->oldest_pending_wall_ms) / 1000);
  }
  heartbeat.last_sequence = health->last_sequence;
  heartbeat.audit_head_seq = health->audit_head_seq;
  heartbeat.audit_head_hash = health->audit_head_hash;
  // What the screen says (no services, a device missing, a technician's hold), else the store's
  // own fault: a kiosk out of service never reports null.
  if (m_options.out_of_service) heartbeat.out_of_service = m_options.out_of_service();
  if (!heartbeat.out_of_service && health->out_of_service)
    heartbeat.out_of_service = std::string(message_key(health->out_of_service->reason));
  if (m_device_health) heartbeat.devices = m_device_health();
  if (!m_options.restart_cause.empty()) {
    portal_protocol::FleetTelemetry telemetry;
    telemetry.sent_ms = wall_now_ms();
    telemetry.restart_cause = m_options.restart_cause;
    if (m_options.installed_services) telemetry.services = m_options.installed_services();
    std::error_code ec;
    if (!m_options.data_dir.empty()) {
      auto space = std::filesystem::space(m_options.data_dir, ec);
      if (!ec) telemetry.free_disk_bytes = static_cast<std::int64_t>(space.available);
    }
    heartbeat.telemetry = std::move(telemetry);
  }
  auto response =
      m_client->post_json(m_options.portal_url + std::string(portal_protocol::k_heartbeat_path),
                          portal_protocol::encode_heartbeat(heartbeat), m_options.request_timeout);
  if (!response) {
    if (response.error().code != Errc::cancelled)
      m_log.warn("heartbeat failed: {}", response.error().describe());
  } else if (response->status / 100 != 2) {
    // The portal says why (a certificate for another kiosk id, a body it refuses): say it too.
    m_log.warn("heartbeat refused: HTTP {}: {}", response->status,
               portal_protocol::refusal_reason(response->body));
  }
}

void OutboxUploader::report() {
  if (auto health = m_store.health()) {
    m_status.queue_depth = health->queue_depth;
    m_status.quarantined = health->quarantined;
  }
  if (!m_on_status) return;
  if (m_post) {
    m_post([callback = m_on_status, status = m_status] { callback(status); });
  } else {
    m_on_status(m_status);
  }
}

}  // namespace shubbak
