#include "kiosk/sync/portal_protocol.hpp"

#include <algorithm>
#include <climits>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/core/strict_json.hpp"
#include "kiosk/store/transaction_record.hpp"

namespace shubbak::portal_protocol {

namespace {
using Json = nlohmann::json;

// Every body the portal takes and every reply the kiosk reads goes through the shared strict
// parser (kiosk/core/strict_json): a duplicate key, an integer out of range, invalid UTF-8 or a
// document over its limits is refused with its JSON path, never resolved silently.
JsonLimits body_limits(std::size_t max_bytes) {
  JsonLimits limits;
  limits.max_bytes = max_bytes;
  limits.max_depth = 8;                          // no body of the protocol nests deeper
  limits.max_string_bytes = k_max_record_bytes;  // a record travels as one string
  return limits;
}

Expected<Json> parse_body(std::string_view text, std::string_view what, std::size_t max_bytes) {
  auto json = parse_strict_json(text, body_limits(max_bytes));
  if (!json) return fail(Errc::parse, fmt::format("{}: {}", what, json.error().message));
  if (!json->is_object()) return fail(Errc::parse, fmt::format("{} is not a JSON object", what));
  return json;
}

// Reads one JSON object strictly: every key it reads must be there with its type, and
// finish() refuses keys nobody asked for. Errors name the JSON path.
class ObjectReader {
 public:
  ObjectReader(const Json& object, std::string path) : m_object(object), m_path(std::move(path)) {}

  Expected<const Json*> member(std::string_view key) {
    m_known.emplace_back(key);
    auto found = m_object.find(key);
    if (found == m_object.end()) return fail(Errc::parse, fmt::format("{}: missing", at(key)));
    return &*found;
  }

  Expected<std::string> string(std::string_view key, std::size_t max_bytes,
                               std::size_t min_bytes = 0) {
    auto value = member(key);
    if (!value) return std::unexpected(value.error());
    if (!(*value)->is_string())
      return fail(Errc::parse, fmt::format("{}: expected a string", at(key)));
    const auto& text = (*value)->get_ref<const std::string&>();
    if (text.size() > max_bytes || text.size() < min_bytes) {
      return fail(Errc::invalid_argument, fmt::format("{}: {} bytes; {} to {} allowed", at(key),
                                                      text.size(), min_bytes, max_bytes));
    }
    return text;
  }

  // An integer from `min` to INT64_MAX; floats and larger numbers are refused, not rounded.
  Expected<std::int64_t> integer(std::string_view key, std::int64_t min) {
    auto value = member(key);
    if (!value) return std::unexpected(value.error());
    return integer_value(**value, at(key), min);
  }

  std::string at(std::string_view key) const { return m_path + "." + std::string(key); }

  Expected<void> finish() {
    for (const auto& [key, value] : m_object.items()) {
      if (std::find(m_known.begin(), m_known.end(), key) == m_known.end())
        return fail(Errc::parse, fmt::format("{}.{}: unknown key", m_path, printable(key)));
    }
    return {};
  }

  static Expected<std::int64_t> integer_value(const Json& value, const std::string& path,
                                              std::int64_t min) {
    if (!value.is_number_integer())
      return fail(Errc::parse, fmt::format("{}: expected an integer", path));
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      return fail(Errc::invalid_argument, fmt::format("{}: out of range", path));
    auto number = value.get<std::int64_t>();
    if (number < min)
      return fail(Errc::invalid_argument, fmt::format("{}: must be {} or more", path, min));
    return number;
  }

 private:
  const Json& m_object;
  std::string m_path;
  std::vector<std::string> m_known;
};

// The bytes a string of printable ASCII (space included) may hold, for heartbeat texts.
bool printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c <= '~'; });
}

bool lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool device_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

constexpr std::size_t k_max_item_id = 64;      // a UUIDv7 is 36
constexpr std::size_t k_max_signature = 128;   // base64 of 64 bytes is 88
constexpr std::size_t k_max_device_key = 128;  // base64 of 32 bytes is 44
constexpr std::size_t k_max_heartbeat_text = 128;
constexpr std::size_t k_max_audit_hash = 128;  // hex SHA-256 is 64

}  // namespace

std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= ' ' && c <= '~' && c != '\\' && c != '"') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string refusal_reason(std::string_view body) {
  constexpr std::size_t k_max_reason = 200;
  auto parsed = Json::parse(body.substr(0, k_max_heartbeat_bytes), nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string())
    return printable(parsed["error"].get<std::string>(), k_max_reason);
  if (body.empty()) return "no reason given";
  return printable(body, k_max_reason);
}

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
  auto json = parse_body(text, "batch", k_max_request_bytes);
  if (!json) return std::unexpected(json.error());
  ObjectReader top(*json, "$");
  Batch batch;
  auto kiosk_id = top.string("kiosk_id", k_max_kiosk_id);
  if (!kiosk_id) return std::unexpected(kiosk_id.error());
  if (auto ok = check_kiosk_id(*kiosk_id, "$.kiosk_id"); !ok) return std::unexpected(ok.error());
  batch.kiosk_id = std::move(*kiosk_id);
  auto device_key = top.string("device_key", k_max_device_key, 1);
  if (!device_key) return std::unexpected(device_key.error());
  batch.device_key = std::move(*device_key);
  auto items = top.member("transactions");
  if (!items) return std::unexpected(items.error());
  if (!(*items)->is_array()) return fail(Errc::parse, "$.transactions: expected an array");
  // An empty batch says nothing, so it must not be able to do anything (such as pin a key).
  if ((*items)->empty() || (*items)->size() > k_max_batch) {
    return fail(Errc::invalid_argument,
                fmt::format("$.transactions: {} transactions; a batch holds 1 to {}",
                            (*items)->size(), k_max_batch));
  }
  if (auto ok = top.finish(); !ok) return std::unexpected(ok.error());
  std::size_t index = 0;
  for (const auto& item : **items) {
    std::string path = fmt::format("$.transactions[{}]", index++);
    if (!item.is_object()) return fail(Errc::parse, fmt::format("{}: expected an object", path));
    ObjectReader reader(item, path);
    auto id = reader.string("id", k_max_item_id, 1);
    if (!id) return std::unexpected(id.error());
    auto record = reader.string("record", k_max_record_bytes, 1);
    if (!record) return std::unexpected(record.error());
    auto signature = reader.string("signature", k_max_signature, 1);
    if (!signature) return std::unexpected(signature.error());
    if (auto ok = reader.finish(); !ok) return std::unexpected(ok.error());
    batch.items.push_back(OutboxItem{0, std::move(*id), std::move(*record), std::move(*signature)});
  }
  return batch;
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
  auto json = parse_body(text, "portal reply", k_max_request_bytes);
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
  if (h.telemetry) {
    const FleetTelemetry& t = *h.telemetry;
    Json bundles = Json::array();
    for (const auto& bundle : t.services.bundles)
      bundles.push_back({{"id", bundle.id}, {"version", bundle.version}});
    json["v"] = k_heartbeat_version;
    json["sent_ms"] = t.sent_ms;
    json["services"] = {{"generation", t.services.generation}, {"bundles", bundles}};
    if (!t.services.rollout.empty()) {
      Json rollout = Json::array();
      for (const auto& bundle : t.services.rollout) {
        Json item = {{"target", bundle.target}, {"state", bundle.state}};
        if (bundle.opens_s) item["opens_s"] = *bundle.opens_s;
        if (!bundle.reason.empty()) item["reason"] = bundle.reason;
        rollout.push_back(std::move(item));
      }
      json["services"]["rollout"] = std::move(rollout);
    }
    json["restart_cause"] = t.restart_cause;
    json["free_disk_bytes"] = t.free_disk_bytes;
  }
  // Device statuses come from drivers: a byte that is not UTF-8 is replaced, not thrown about.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {

// The optional "services.rollout" list: each item's target and state, "opens_s" and "reason"
// only where they may appear.
Expected<std::vector<BundleRollout>> decode_rollout(ObjectReader& services) {
  auto list = services.member("rollout");
  if (!list) return std::unexpected(list.error());
  if (!(*list)->is_array()) return fail(Errc::parse, "$.services.rollout: expected an array");
  if ((*list)->size() > k_max_heartbeat_bundles) {
    return fail(Errc::invalid_argument, fmt::format("$.services.rollout: {} items; at most {}",
                                                    (*list)->size(), k_max_heartbeat_bundles));
  }
  std::vector<BundleRollout> result;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const Json& item = (**list)[i];
    std::string path = fmt::format("$.services.rollout[{}]", i);
    if (!item.is_object()) return fail(Errc::parse, path + ": expected an object");
    ObjectReader reader(item, path);
    BundleRollout bundle;
    auto target = reader.string("target", k_max_heartbeat_text, 1);
    if (!target) return std::unexpected(target.error());
    bundle.target = std::move(*target);
    auto state = reader.string("state", k_max_heartbeat_text, 1);
    if (!state) return std::unexpected(state.error());
    if (!known_rollout_state(*state))
      return fail(Errc::invalid_argument,
                  fmt::format("{}.state: \"{}\" is not a rollout state", path, printable(*state)));
    bundle.state = std::move(*state);
    if (item.contains("opens_s")) {
      if (bundle.state != "waiting")
        return fail(Errc::parse, path + ".opens_s: only a waiting bundle has one");
      auto opens = reader.integer("opens_s", 0);
      if (!opens) return std::unexpected(opens.error());
      bundle.opens_s = *opens;
    }
    if (item.contains("reason")) {
      if (bundle.state != "refused")
        return fail(Errc::parse, path + ".reason: only a refused bundle has one");
      auto reason = reader.string("reason", k_max_heartbeat_text, 1);
      if (!reason) return std::unexpected(reason.error());
      bundle.reason = std::move(*reason);
    }
    if (auto ok = reader.finish(); !ok) return std::unexpected(ok.error());
    result.push_back(std::move(bundle));
  }
  return result;
}

// Version 2's keys, all of them, from the heartbeat's top level.
Expected<FleetTelemetry> decode_telemetry(ObjectReader& top) {
  auto version = top.integer("v", 1);
  if (!version) return std::unexpected(version.error());
  if (*version != k_heartbeat_version) {
    return fail(Errc::invalid_argument,
                fmt::format("$.v: heartbeat version {} is not understood here (1 or {})", *version,
                            k_heartbeat_version));
  }
  FleetTelemetry t;
  for (auto [key, out] : {std::pair<std::string_view, std::int64_t*>{"sent_ms", &t.sent_ms},
                          {"free_disk_bytes", &t.free_disk_bytes}}) {
    auto value = top.integer(key, 0);
    if (!value) return std::unexpected(value.error());
    *out = *value;
  }
  auto cause = top.string("restart_cause", k_max_heartbeat_text, 1);
  if (!cause) return std::unexpected(cause.error());
  t.restart_cause = std::move(*cause);
  auto services = top.member("services");
  if (!services) return std::unexpected(services.error());
  if (!(*services)->is_object()) return fail(Errc::parse, "$.services: expected an object");
  ObjectReader reader(**services, "$.services");
  auto generation = reader.integer("generation", 0);
  if (!generation) return std::unexpected(generation.error());
  t.services.generation = *generation;
  auto bundles = reader.member("bundles");
  if (!bundles) return std::unexpected(bundles.error());
  if (!(*bundles)->is_array()) return fail(Errc::parse, "$.services.bundles: expected an array");
  if ((*bundles)->size() > k_max_heartbeat_bundles) {
    return fail(Errc::invalid_argument, fmt::format("$.services.bundles: {} bundles; at most {}",
                                                    (*bundles)->size(), k_max_heartbeat_bundles));
  }
  for (std::size_t i = 0; i < (*bundles)->size(); ++i) {
    const Json& item = (**bundles)[i];
    std::string path = fmt::format("$.services.bundles[{}]", i);
    if (!item.is_object()) return fail(Errc::parse, path + ": expected an object");
    ObjectReader bundle(item, path);
    auto id = bundle.string("id", k_max_heartbeat_text, 1);
    if (!id) return std::unexpected(id.error());
    auto bundle_version = bundle.string("version", k_max_heartbeat_text, 1);
    if (!bundle_version) return std::unexpected(bundle_version.error());
    if (auto ok = bundle.finish(); !ok) return std::unexpected(ok.error());
    t.services.bundles.push_back(ServiceReport{std::move(*id), std::move(*bundle_version)});
  }
  if ((*services)->contains("rollout")) {
    auto rollout = decode_rollout(reader);
    if (!rollout) return std::unexpected(rollout.error());
    t.services.rollout = std::move(*rollout);
  }
  if (auto ok = reader.finish(); !ok) return std::unexpected(ok.error());
  return t;
}

}  // namespace

bool known_rollout_state(std::string_view state) {
  return state == "installed" || state == "waiting" || state == "halted" ||
         state == "not_in_groups" || state == "refused";
}

Expected<Heartbeat> decode_heartbeat(std::string_view text) {
  auto json = parse_body(text, "heartbeat", k_max_heartbeat_bytes);
  if (!json) return std::unexpected(json.error());
  ObjectReader top(*json, "$");
  Heartbeat h;
  auto text_of = [&](ObjectReader& reader, std::string_view key, std::string& out,
                     std::size_t max) -> Expected<void> {
    auto value = reader.string(key, max);
    if (!value) return std::unexpected(value.error());
    out = std::move(*value);
    return {};
  };
  auto integer_of = [&](std::string_view key, std::int64_t& out) -> Expected<void> {
    auto value = top.integer(key, 0);
    if (!value) return std::unexpected(value.error());
    out = *value;
    return {};
  };
  for (auto [key, out, max] : {std::tuple<std::string_view, std::string*, std::size_t>{
                                   "kiosk_id", &h.kiosk_id, k_max_kiosk_id},
                               {"version", &h.version, k_max_heartbeat_text},
                               {"boot_id", &h.boot_id, k_max_heartbeat_text}}) {
    if (auto ok = text_of(top, key, *out, max); !ok) return std::unexpected(ok.error());
  }
  for (auto [key, out] : {std::pair<std::string_view, std::int64_t*>{"uptime_s", &h.uptime_s},
                          {"queue_depth", &h.queue_depth},
                          {"quarantined", &h.quarantined},
                          {"last_sequence", &h.last_sequence}}) {
    if (auto ok = integer_of(key, *out); !ok) return std::unexpected(ok.error());
  }
  auto oldest = top.member("oldest_pending_age_s");
  if (!oldest) return std::unexpected(oldest.error());
  if (!(*oldest)->is_null()) {
    auto age = ObjectReader::integer_value(**oldest, "$.oldest_pending_age_s", 0);
    if (!age) return std::unexpected(age.error());
    h.oldest_pending_age_s = *age;
  }
  auto audit = top.member("audit_head");
  if (!audit) return std::unexpected(audit.error());
  if (!(*audit)->is_object()) return fail(Errc::parse, "$.audit_head: expected an object");
  ObjectReader audit_reader(**audit, "$.audit_head");
  auto seq = audit_reader.integer("seq", 0);
  if (!seq) return std::unexpected(seq.error());
  h.audit_head_seq = *seq;
  if (auto ok = text_of(audit_reader, "hash", h.audit_head_hash, k_max_audit_hash); !ok)
    return std::unexpected(ok.error());
  if (auto ok = audit_reader.finish(); !ok) return std::unexpected(ok.error());
  auto out_of_service = top.member("out_of_service");
  if (!out_of_service) return std::unexpected(out_of_service.error());
  if (!(*out_of_service)->is_null()) {
    std::string reason;
    if (auto ok = text_of(top, "out_of_service", reason, k_max_heartbeat_text); !ok)
      return std::unexpected(ok.error());
    h.out_of_service = std::move(reason);
  }
  auto devices = top.member("devices");
  if (!devices) return std::unexpected(devices.error());
  if (!(*devices)->is_object()) return fail(Errc::parse, "$.devices: expected an object");
  if ((*devices)->size() > k_max_heartbeat_devices) {
    return fail(Errc::invalid_argument, fmt::format("$.devices: {} devices; at most {}",
                                                    (*devices)->size(), k_max_heartbeat_devices));
  }
  for (const auto& [name, status] : (*devices)->items()) {
    if (!status.is_string())
      return fail(Errc::parse, fmt::format("$.devices.{}: expected a string", printable(name)));
    h.devices.emplace_back(name, status.get<std::string>());
  }
  if (json->contains("v")) {
    auto telemetry = decode_telemetry(top);
    if (!telemetry) return std::unexpected(telemetry.error());
    h.telemetry = std::move(*telemetry);
  }
  if (auto ok = top.finish(); !ok) return std::unexpected(ok.error());
  if (auto ok = validate_heartbeat(h); !ok) return std::unexpected(ok.error());
  return h;
}

Expected<void> validate_heartbeat(const Heartbeat& h) {
  if (auto ok = check_kiosk_id(h.kiosk_id, "$.kiosk_id"); !ok) return ok;
  auto text_ok = [](std::string_view path, std::string_view value, std::size_t min,
                    std::size_t max) -> Expected<void> {
    if (value.size() < min || value.size() > max || !printable_ascii(value)) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}: {} to {} printable ASCII characters", path, min, max));
    }
    // Name only the place: the value may be the very number that must not be logged.
    if (looks_like_card_number(value))
      return fail(Errc::invalid_argument, fmt::format("{}: looks like a card number", path));
    return {};
  };
  if (auto ok = text_ok("$.version", h.version, 1, k_max_heartbeat_text); !ok) return ok;
  // The boot id is the kernel's UUID, never typed by anyone, and its digit groups joined by
  // dashes can look like a card number: it is held to printable ASCII only, or a kiosk could
  // not send a heartbeat for a whole boot.
  if (h.boot_id.empty() || h.boot_id.size() > k_max_heartbeat_text || !printable_ascii(h.boot_id))
    return fail(Errc::invalid_argument, "$.boot_id: 1 to 128 printable ASCII characters");
  for (auto [path, value] : {std::pair<std::string_view, std::int64_t>{"$.uptime_s", h.uptime_s},
                             {"$.queue_depth", h.queue_depth},
                             {"$.quarantined", h.quarantined},
                             {"$.last_sequence", h.last_sequence},
                             {"$.audit_head.seq", h.audit_head_seq},
                             {"$.oldest_pending_age_s", h.oldest_pending_age_s.value_or(0)}}) {
    if (value < 0) return fail(Errc::invalid_argument, fmt::format("{}: must be 0 or more", path));
  }
  if (h.audit_head_hash.size() > k_max_audit_hash || !lower_hex(h.audit_head_hash))
    return fail(Errc::invalid_argument, "$.audit_head.hash: lowercase hex of at most 128 digits");
  if (h.out_of_service) {
    if (auto ok = text_ok("$.out_of_service", *h.out_of_service, 1, k_max_heartbeat_text); !ok)
      return ok;
  }
  if (h.devices.size() > k_max_heartbeat_devices)
    return fail(Errc::invalid_argument, "$.devices: too many devices");
  for (const auto& [name, status] : h.devices) {
    if (name.empty() || name.size() > 64 ||
        !std::all_of(name.begin(), name.end(), device_name_char))
      return fail(Errc::invalid_argument,
                  "$.devices: a device name is not 1 to 64 of A-Z, a-z, 0-9, '-', '_' or '.'");
    if (auto ok = text_ok("$.devices." + name, status, 0, k_max_heartbeat_text); !ok) return ok;
    if (looks_like_card_number(name))
      return fail(Errc::invalid_argument, "$.devices: a device name looks like a card number");
  }
  if (h.telemetry) {
    const FleetTelemetry& t = *h.telemetry;
    if (t.sent_ms < 0 || t.free_disk_bytes < 0 || t.services.generation < 0)
      return fail(Errc::invalid_argument,
                  "$.sent_ms, $.free_disk_bytes, $.services.generation: "
                  "must be 0 or more");
    if (auto ok = text_ok("$.restart_cause", t.restart_cause, 1, k_max_heartbeat_text); !ok)
      return ok;
    if (t.services.bundles.size() > k_max_heartbeat_bundles)
      return fail(Errc::invalid_argument, "$.services.bundles: too many bundles");
    for (const auto& bundle : t.services.bundles) {
      if (auto ok = text_ok("$.services.bundles[].id", bundle.id, 1, k_max_heartbeat_text); !ok)
        return ok;
      if (auto ok =
              text_ok("$.services.bundles[].version", bundle.version, 1, k_max_heartbeat_text);
          !ok)
        return ok;
    }
    if (t.services.rollout.size() > k_max_heartbeat_bundles)
      return fail(Errc::invalid_argument, "$.services.rollout: too many items");
    for (const auto& bundle : t.services.rollout) {
      if (auto ok = text_ok("$.services.rollout[].target", bundle.target, 1, k_max_heartbeat_text);
          !ok)
        return ok;
      if (!known_rollout_state(bundle.state))
        return fail(Errc::invalid_argument, "$.services.rollout[].state: not a rollout state");
      if (auto ok = text_ok("$.services.rollout[].reason", bundle.reason, 0, k_max_heartbeat_text);
          !ok)
        return ok;
    }
  }
  return {};
}

std::string encode_enrolment(const EnrolmentRequest& request) {
  return Json{{"kiosk_id", request.kiosk_id},
              {"token", request.token},
              {"csr_pem", request.csr_pem},
              {"device_public_key", request.device_public_key}}
      .dump();
}

Expected<EnrolmentRequest> decode_enrolment(std::string_view text) {
  auto json = parse_body(text, "enrolment request", k_max_enroll_bytes);
  if (!json) return std::unexpected(json.error());
  ObjectReader top(*json, "$");
  EnrolmentRequest request;
  for (auto [key, out, max] : {std::tuple<std::string_view, std::string*, std::size_t>{
                                   "kiosk_id", &request.kiosk_id, k_max_kiosk_id},
                               {"token", &request.token, 128},
                               {"csr_pem", &request.csr_pem, 16 * 1024},
                               {"device_public_key", &request.device_public_key, 128}}) {
    auto value = top.string(key, max, 1);
    if (!value) return std::unexpected(value.error());
    *out = std::move(*value);
  }
  if (auto ok = top.finish(); !ok) return std::unexpected(ok.error());
  if (auto ok = check_kiosk_id(request.kiosk_id, "$.kiosk_id"); !ok)
    return std::unexpected(ok.error());
  return request;
}

}  // namespace shubbak::portal_protocol
