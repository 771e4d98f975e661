#include "kiosk/store/transaction_record.hpp"

#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/core/luhn.hpp"
#include "kiosk/core/utf8.hpp"
#include "kiosk/store/uuid7.hpp"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace shubbak {

namespace {

using Json = nlohmann::json;

// Shared with the bundle checks and the workflow engine (kiosk/core/record_rules.hpp).
constexpr std::size_t k_max_id_length = k_max_record_id_bytes;
constexpr std::size_t k_max_field_value = k_max_record_field_bytes;
constexpr std::size_t k_max_fields = k_max_record_fields;

// The signed record is JSON: bytes that are not UTF-8 could never be encoded, so they are refused
// before anything is stored (naming only the field: the value may be a citizen's).
Expected<void> check_text(std::string_view what, std::string_view value) {
  if (auto at = first_invalid_utf8(value)) {
    return fail(Errc::invalid_argument, fmt::format("{} is not valid UTF-8 (byte {})", what, *at));
  }
  return {};
}

Expected<void> check_identifier(std::string_view what, std::string_view value) {
  if (value.empty() || value.size() > k_max_id_length) {
    return fail(Errc::invalid_argument,
                fmt::format("{} must be 1 to {} characters", what, k_max_id_length));
  }
  return check_text(what, value);
}

}  // namespace

namespace {

// The checks a draft and a record share.
Expected<void> validate_content(std::string_view service_id, std::string_view service_version,
                                const Money& amount, std::string_view payment_reference,
                                const std::vector<std::pair<std::string, std::string>>& fields) {
  if (auto ok = check_identifier("service id", service_id); !ok) return ok;
  if (auto ok = check_identifier("service version", service_version); !ok) return ok;
  if (auto ok = check_recorded_amount(amount); !ok) return ok;
  if (is_no_payment(amount) && !payment_reference.empty())
    return fail(Errc::invalid_argument, "no payment (a free service) has no payment reference");
  if (payment_reference.size() > k_max_id_length) {
    return fail(Errc::invalid_argument, "payment reference is too long");
  }
  if (auto ok = check_text("payment reference", payment_reference); !ok) return ok;
  if (looks_like_card_number(payment_reference)) {
    return fail(Errc::invalid_argument,
                "payment reference looks like a card number; it is never stored");
  }
  if (fields.size() > k_max_fields) return fail(Errc::invalid_argument, "too many form fields");
  for (const auto& [name, value] : fields) {
    if (auto ok = check_identifier("field name", name); !ok) return ok;
    if (value.size() > k_max_field_value) {
      return fail(Errc::invalid_argument, fmt::format("field {} is too long", name));
    }
    if (auto ok = check_text(fmt::format("field {}", name), value); !ok) return ok;
    // Name only the field: its value may be the very number that must not be logged.
    if (looks_like_card_number(value)) {
      return fail(Errc::invalid_argument,
                  fmt::format("field {} looks like a card number; it is never stored", name));
    }
  }
  return {};
}

}  // namespace

Expected<void> validate_draft(const TransactionDraft& draft) {
  return validate_content(draft.service_id, draft.service_version, draft.amount,
                          draft.payment_reference, draft.fields);
}

Expected<void> validate_record(const TransactionRecord& record) {
  if (!is_uuid7(record.id)) return fail(Errc::invalid_argument, "id is not a UUIDv7");
  if (auto ok = check_kiosk_id(record.kiosk_id, "the record's kiosk_id"); !ok) return ok;
  if (record.sequence < 1) return fail(Errc::invalid_argument, "sequence must be 1 or more");
  if (record.wall_ms < 0) return fail(Errc::invalid_argument, "wall_ms must not be negative");
  if (auto ok = check_identifier("boot id", record.boot_id); !ok) return ok;
  // Identifiers too: a card number must not travel in any string of the record. The boot id is
  // the kernel's UUID, never typed by anyone, and its digit groups joined by dashes can look
  // like one: it is not checked, or a kiosk would refuse its own records for a whole boot.
  for (auto [what, value] :
       {std::pair<std::string_view, std::string_view>{"service id", record.service_id},
        {"service version", record.service_version}}) {
    if (looks_like_card_number(value))
      return fail(Errc::invalid_argument, fmt::format("{} looks like a card number", what));
  }
  for (const auto& field : record.fields) {
    if (looks_like_card_number(field.first))
      return fail(Errc::invalid_argument, "a field name looks like a card number");
  }
  return validate_content(record.service_id, record.service_version, record.amount,
                          record.payment_reference, record.fields);
}

std::string canonical_json(const TransactionRecord& record) {
  // nlohmann::json objects keep keys sorted, and dump() without indent has no spaces: the same
  // record always gives the same bytes.
  Json fields = Json::object();
  for (const auto& [name, value] : record.fields) fields[name] = value;
  Json json = {
      {"v", k_record_format_version},
      {"id", record.id},
      {"kiosk_id", record.kiosk_id},
      {"sequence", record.sequence},
      {"wall_ms", record.wall_ms},
      {"boot_id", record.boot_id},
      {"service", {{"id", record.service_id}, {"version", record.service_version}}},
      {"amount",
       {{"minor_units", record.amount.minor_units}, {"currency", record.amount.currency}}},
      {"payment_reference", record.payment_reference},
      {"fields", fields},
  };
  return json.dump(-1, ' ', false, Json::error_handler_t::strict);
}

Expected<TransactionRecord> parse_record(std::string_view canonical) {
  Json json = Json::parse(canonical, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return fail(Errc::parse, "record is not a JSON object");
  try {
    if (json.at("v").get<int>() != k_record_format_version) {
      return fail(Errc::unsupported, "record format version is not 1");
    }
    TransactionRecord record;
    record.id = json.at("id").get<std::string>();
    record.kiosk_id = json.at("kiosk_id").get<std::string>();
    record.sequence = json.at("sequence").get<std::int64_t>();
    record.wall_ms = json.at("wall_ms").get<std::int64_t>();
    record.boot_id = json.at("boot_id").get<std::string>();
    record.service_id = json.at("service").at("id").get<std::string>();
    record.service_version = json.at("service").at("version").get<std::string>();
    record.amount.minor_units = json.at("amount").at("minor_units").get<std::int64_t>();
    record.amount.currency = json.at("amount").at("currency").get<std::string>();
    record.payment_reference = json.at("payment_reference").get<std::string>();
    for (auto& [name, value] : json.at("fields").items())
      record.fields.emplace_back(name, value.get<std::string>());
    if (canonical_json(record) != canonical)
      return fail(Errc::parse, "record is not in canonical form");
    record.canonical = std::string(canonical);
    return record;
  } catch (const Json::exception& e) {
    return fail(Errc::parse, fmt::format("record: {}", e.what()));
  }
}

std::string read_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  if (!(in >> id) || id.empty()) return "unknown";
  return id;
}

}  // namespace shubbak
