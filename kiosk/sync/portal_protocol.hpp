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
// -> 204
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
};

// Every string in `batch` must be UTF-8 (check first: a type_error is thrown otherwise).
std::string encode_batch(const Batch& batch);
Expected<Batch> decode_batch(std::string_view json);

std::string encode_results(const std::vector<UploadResult>& results);
Expected<std::vector<UploadResult>> decode_results(std::string_view json);

std::string encode_heartbeat(const Heartbeat& heartbeat);
Expected<Heartbeat> decode_heartbeat(std::string_view json);

}  // namespace shubbak::portal_protocol
