// The kiosk-portal protocol (version 1), shared by the uploader and the reference portal.
//
// POST /api/v1/transactions   (mutual TLS; the client certificate's CN is the kiosk id)
//   {"kiosk_id": "...", "device_key": "<base64 raw Ed25519 public key>",
//    "transactions": [{"id": "<uuid7>", "record": "<canonical JSON>", "signature": "<base64>"},
//    ...]}
// -> 200 when no item was rejected, 422 when at least one was; the body always lists every item:
//   {"results": [{"id": "...", "result": "accepted"|"duplicate"|"rejected", "reason": "..."}]}
//   "accepted": stored now; "duplicate": the same id with the same record was stored before;
//   "rejected": refused for good (same id with another record, bad signature, ...).
//   The transaction id is the idempotency key: sending a batch again is always safe.
//
// POST /api/v1/heartbeat
//   {"kiosk_id", "version", "boot_id", "uptime_s", "queue_depth", "quarantined",
//    "oldest_pending_age_s", "last_sequence", "audit_head": {"seq", "hash"},
//    "out_of_service": null|"reason", "devices": {"name": "status", ...}}
//   Heartbeat version 2 adds, all together, "v": 2, "sent_ms" (the kiosk's clock, so the portal
//   sees its offset), "services": {"generation", "bundles": [{"id", "version"}, ...]} (the
//   installed set), "restart_cause" (how the previous run ended: "first start", "clean stop",
//   "unclean stop") and "free_disk_bytes" (on the kiosk's data volume). A portal reads both.
//   "services" may also carry "rollout": [{"target", "state", "opens_s"?, "reason"?}, ...], each
//   bundle target's state after the updater's last verified check (kiosk/trust/rollout.hpp):
//   "installed", "waiting" (with "opens_s", when the kiosk's wave opens, Unix seconds, if it
//   has a wave), "halted", "not_in_groups", or "refused" (with "reason"). It is optional, so a
//   version 2 heartbeat from a kiosk before staged rollouts still decodes.
// -> 204
//
// The portal reads every body strictly (see decode_batch, decode_heartbeat): exactly the keys
// above, each of its type, integers in range; anything else is 400 with the JSON path and the
// reason. Bodies are bounded: a batch request at most k_max_request_bytes, a heartbeat or an
// enrolment k_max_heartbeat_bytes, whatever the transfer encoding (413 beyond). A batch holds 1
// to k_max_batch transactions; each record is checked as validate_record() says
// (kiosk/store/transaction_record.hpp), which is where "no payment" is defined.
//
// POST /api/v1/enroll   (TLS, server-authenticated only: the kiosk has no certificate yet)
//   {"kiosk_id", "token": "<one-time token>", "csr_pem": "<PKCS#10, CN = kiosk_id>",
//    "device_public_key": "<base64 raw Ed25519 public key>"}
// -> 200 {"certificate_chain": "<PEM: kiosk certificate, then the kiosk CA>"}
//    403 {"error"} for an unknown, used or expired token, or a CSR for another kiosk id
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak::portal_protocol {

inline constexpr std::string_view k_transactions_path = "/api/v1/transactions";
inline constexpr std::string_view k_heartbeat_path = "/api/v1/heartbeat";
inline constexpr std::string_view k_enroll_path = "/api/v1/enroll";
inline constexpr std::size_t k_max_batch = 100;
// A batch's records take at most this many bytes (a single larger record goes alone); the
// portal accepts requests of up to k_max_request_bytes.
inline constexpr std::size_t k_max_batch_bytes = 1024 * 1024;
inline constexpr std::size_t k_max_request_bytes = 8 * 1024 * 1024;
// Heartbeats and enrolment requests are small: a few hundred bytes, a CSR of about one KiB.
inline constexpr std::size_t k_max_heartbeat_bytes = 64 * 1024;
inline constexpr std::size_t k_max_enroll_bytes = 64 * 1024;
inline constexpr std::size_t k_max_heartbeat_devices = 64;
inline constexpr std::size_t k_max_heartbeat_bundles = 256;
inline constexpr int k_heartbeat_version = 2;

// A bundle of the installed service set, as the kiosk loaded it.
struct ServiceReport {
  std::string id;
  std::string version;
};

// One bundle target's rollout state, as the kiosk's updater last decided it.
struct BundleRollout {
  std::string target;                   // "services/health/clinic.json"
  std::string state;                    // installed, waiting, halted, not_in_groups, refused
  std::optional<std::int64_t> opens_s;  // waiting: when the kiosk's wave opens
  std::string reason;                   // refused: why; empty otherwise
};
bool known_rollout_state(std::string_view state);

struct InstalledServices {
  std::int64_t generation = 0;  // 0: none installed yet (the kiosk offers no verified service)
  std::vector<ServiceReport> bundles;
  std::vector<BundleRollout> rollout;  // empty: not sent (before the first verified check)
};

// What version 2 adds; a version 1 heartbeat has none of it.
struct FleetTelemetry {
  std::int64_t sent_ms = 0;  // the kiosk's wall clock when it sent the heartbeat
  InstalledServices services;
  std::string restart_cause;
  std::int64_t free_disk_bytes = 0;
};

struct Batch {
  std::string kiosk_id;
  std::string device_key;         // base64
  std::vector<OutboxItem> items;  // sequence is not sent; the record carries it
};

struct Heartbeat {
  std::string kiosk_id;
  std::string version;
  std::string boot_id;
  std::int64_t uptime_s = 0;
  std::int64_t queue_depth = 0;
  std::int64_t quarantined = 0;
  std::optional<std::int64_t> oldest_pending_age_s;
  std::int64_t last_sequence = 0;
  std::int64_t audit_head_seq = 0;
  std::string audit_head_hash;
  std::optional<std::string> out_of_service;
  std::vector<std::pair<std::string, std::string>> devices;  // name -> status
  std::optional<FleetTelemetry> telemetry;                   // version 2
};

// POST /api/v1/enroll's body.
struct EnrolmentRequest {
  std::string kiosk_id;
  std::string token;
  std::string csr_pem;
  std::string device_public_key;  // base64
};

// Every string in `batch` must be UTF-8 (check first: a type_error is thrown otherwise).
std::string encode_batch(const Batch& batch);
// Strict: Errc::parse (malformed, a missing, unknown or mistyped key) or Errc::invalid_argument
// (a value out of range: not 1 to k_max_batch items, an invalid kiosk id, an oversized string),
// the message naming the JSON path. Each record is only checked for size here; the portal checks
// its content item by item, so one bad record does not refuse the others.
Expected<Batch> decode_batch(std::string_view json);

std::string encode_results(const std::vector<UploadResult>& results);
Expected<std::vector<UploadResult>> decode_results(std::string_view json);

std::string encode_heartbeat(const Heartbeat& heartbeat);
// Strict as decode_batch, and the result passes validate_heartbeat().
Expected<Heartbeat> decode_heartbeat(std::string_view json);

std::string encode_enrolment(const EnrolmentRequest& request);
// Strict as decode_batch: the four keys, non-empty strings of bounded size, a valid kiosk id.
Expected<EnrolmentRequest> decode_enrolment(std::string_view json);

// What a heartbeat may say: a valid kiosk id; version, boot id and device names and states of
// bounded length and printable ASCII; counters and ages not negative; the audit head hash in
// hex; at most k_max_heartbeat_devices devices; no card-number-shaped value anywhere.
Expected<void> validate_heartbeat(const Heartbeat& heartbeat);

// `text` safe for a log line or an error message: printable ASCII kept, every other byte (and
// quote and backslash) as \xNN, cut after `max` bytes. For values from outside.
std::string printable(std::string_view text, std::size_t max = 80);

// The reason in a refusal's body ({"error": "..."}, what the portal sends with every 4xx and
// 5xx), made printable; the start of the body itself when it is not such an object.
std::string refusal_reason(std::string_view body);

}  // namespace shubbak::portal_protocol
