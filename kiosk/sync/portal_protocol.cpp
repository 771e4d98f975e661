#include "kiosk/sync/portal_protocol.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace shubbak::portal_protocol {

namespace {
using Json = nlohmann::json;

Expected<Json> parse_object(std::string_view text, std::string_view what) {
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return fail(Errc::parse, fmt::format("{} is not a JSON object", what));
  return json;
}
}  // namespace

// Throws nlohmann::json::type_error when a string is not UTF-8: the uploader checks each item
// before (and catches what slips through).
std::string encode_batch(const Batch& batch) {
  Json items = Json::array();
  for (const auto& item : batch.items) {
    items.push_back({{"id", item.id}, {"record", item.record}, {"signature", item.signature}});
  }
  Json json = {
      {"kiosk_id", batch.kiosk_id}, {"device_key", batch.device_key}, {"transactions", items}};
  return json.dump();
}

Expected<Batch> decode_batch(std::string_view text) {
  auto json = parse_object(text, "batch");
  if (!json) return std::unexpected(json.error());
  try {
    Batch batch;
    batch.kiosk_id = json->at("kiosk_id").get<std::string>();
    batch.device_key = json->at("device_key").get<std::string>();
    const Json& items = json->at("transactions");
    if (!items.is_array()) return fail(Errc::parse, "transactions is not an array");
    if (items.size() > k_max_batch) {
      return fail(Errc::invalid_argument,
                  fmt::format("batch of {} transactions; at most {}", items.size(), k_max_batch));
    }
    for (const auto& item : items) {
      batch.items.push_back(OutboxItem{0, item.at("id").get<std::string>(),
                                       item.at("record").get<std::string>(),
                                       item.at("signature").get<std::string>()});
    }
    return batch;
  } catch (const Json::exception& e) {
    return fail(Errc::parse, fmt::format("batch: {}", e.what()));
  }
}

std::string encode_results(const std::vector<UploadResult>& results) {
  Json items = Json::array();
  for (const auto& r : results) {
    Json item = {{"id", r.id}, {"result", outcome_name(r.outcome)}};
    if (!r.reason.empty()) item["reason"] = r.reason;
    items.push_back(std::move(item));
  }
  return Json{{"results", items}}.dump();
}

Expected<std::vector<UploadResult>> decode_results(std::string_view text) {
  auto json = parse_object(text, "portal reply");
  if (!json) return std::unexpected(json.error());
  try {
    std::vector<UploadResult> results;
    for (const auto& item : json->at("results")) {
      UploadResult r;
      r.id = item.at("id").get<std::string>();
      std::string outcome = item.at("result").get<std::string>();
      if (outcome == "accepted") {
        r.outcome = UploadOutcome::accepted;
      } else if (outcome == "duplicate") {
        r.outcome = UploadOutcome::duplicate;
      } else if (outcome == "rejected") {
        r.outcome = UploadOutcome::rejected;
      } else {
        return fail(Errc::parse, fmt::format("unknown result \"{}\" for {}", outcome, r.id));
      }
      r.reason = item.value("reason", "");
      results.push_back(std::move(r));
    }
    return results;
  } catch (const Json::exception& e) {
    return fail(Errc::parse, fmt::format("portal reply: {}", e.what()));
  }
}

std::string encode_heartbeat(const Heartbeat& h) {
  Json devices = Json::object();
  for (const auto& [name, status] : h.devices) devices[name] = status;
  Json json = {{"kiosk_id", h.kiosk_id},
               {"version", h.version},
               {"boot_id", h.boot_id},
               {"uptime_s", h.uptime_s},
               {"queue_depth", h.queue_depth},
               {"quarantined", h.quarantined},
               {"oldest_pending_age_s",
                h.oldest_pending_age_s ? Json(*h.oldest_pending_age_s) : Json(nullptr)},
               {"last_sequence", h.last_sequence},
               {"audit_head", {{"seq", h.audit_head_seq}, {"hash", h.audit_head_hash}}},
               {"out_of_service", h.out_of_service ? Json(*h.out_of_service) : Json(nullptr)},
               {"devices", devices}};
  // Device statuses come from drivers: a byte that is not UTF-8 is replaced, not thrown about.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Expected<Heartbeat> decode_heartbeat(std::string_view text) {
  auto json = parse_object(text, "heartbeat");
  if (!json) return std::unexpected(json.error());
  try {
    Heartbeat h;
    h.kiosk_id = json->at("kiosk_id").get<std::string>();
    h.version = json->at("version").get<std::string>();
    h.boot_id = json->at("boot_id").get<std::string>();
    h.uptime_s = json->at("uptime_s").get<std::int64_t>();
    h.queue_depth = json->at("queue_depth").get<std::int64_t>();
    h.quarantined = json->at("quarantined").get<std::int64_t>();
    if (!json->at("oldest_pending_age_s").is_null())
      h.oldest_pending_age_s = json->at("oldest_pending_age_s").get<std::int64_t>();
    h.last_sequence = json->at("last_sequence").get<std::int64_t>();
    h.audit_head_seq = json->at("audit_head").at("seq").get<std::int64_t>();
    h.audit_head_hash = json->at("audit_head").at("hash").get<std::string>();
    if (!json->at("out_of_service").is_null())
      h.out_of_service = json->at("out_of_service").get<std::string>();
    for (auto& [name, status] : json->at("devices").items())
      h.devices.emplace_back(name, status.get<std::string>());
    return h;
  } catch (const Json::exception& e) {
    return fail(Errc::parse, fmt::format("heartbeat: {}", e.what()));
  }
}

}  // namespace shubbak::portal_protocol
