#include "provisioning/portal/console/transaction_pages.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "kiosk/core/money.hpp"
#include "kiosk/core/record_rules.hpp"
#include "kiosk/core/short_reference.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "provisioning/portal/console/page_text.hpp"

namespace shubbak::portal::console {

namespace {

constexpr PageText k_heading{"بحث عن معاملة", "Find a transaction"};
constexpr PageText k_reference{
    "رقم الطلب (8 خانات مثل K7QM-4TXZ)، أو رقم المعاملة كما يطبعه الإيصال (كاملًا أو أول 8 خانات "
    "منه)، أو الرقم المرجعي للاستلام من الموظف",
    "Request number (8 characters like K7QM-4TXZ), or the transaction id as the receipt prints it "
    "(whole, or its first 8 or more characters), or the counter reference given when the receipt "
    "did not print"};
constexpr PageText k_kiosk_id{"معرّف الكشك (مع الرقم المرجعي، أو لتضييق رقم الطلب)",
                              "Kiosk id (with a counter reference, or to narrow a request number)"};
constexpr PageText k_ambiguous_reference{
    "أكثر من معاملة تحمل رقم الطلب هذا: اختر منها بالكشك والوقت، أو أدخل معرّف الكشك.",
    "More than one transaction has this request number: pick one by kiosk and time, or give the "
    "kiosk id."};
constexpr PageText k_short_reference{"رقم الطلب", "Request number"};
constexpr PageText k_find{"بحث", "Find"};
constexpr PageText k_malformed{
    "هذا ليس رقم طلب (8 خانات) ولا رقم معاملة (8 خانات ست عشرية على الأقل) ولا رقمًا مرجعيًا مع "
    "معرّف كشك (مثل 42).",
    "That is neither a request number (8 characters), a transaction id (at least 8 hex digits) "
    "nor, with a kiosk id, a counter reference (like 42)."};
constexpr PageText k_unknown{"لا توجد معاملة بهذا الرقم لدى البوابة.",
                             "The portal holds no transaction with this id."};
constexpr PageText k_ambiguous{"أكثر من معاملة تطابق هذا الرقم: أدخل خانات أكثر.",
                               "More than one transaction matches: type more of the id."};
constexpr PageText k_transaction{"المعاملة", "Transaction"};
constexpr PageText k_kiosk{"الكشك", "Kiosk"};
constexpr PageText k_counter_reference{"الرقم المرجعي (تسلسل الكشك)",
                                       "Counter reference (the kiosk's sequence number)"};
constexpr PageText k_kiosk_time{"وقت الكشك", "Kiosk's time"};
constexpr PageText k_portal_time{"وقت الاستلام في البوابة", "Received by the portal"};
constexpr PageText k_service{"الخدمة", "Service"};
constexpr PageText k_amount{"المبلغ", "Amount"};
constexpr PageText k_free{"مجانية", "none (a free service)"};
constexpr PageText k_payment_reference{"مرجع الدفع", "Payment reference"};
constexpr PageText k_fields{"بيانات المعاملة", "The record's fields"};
constexpr PageText k_masked{"(رقم بطاقة مخفي)", "(a card number, hidden)"};
constexpr PageText k_unreadable{"السجل المخزّن غير مقروء: ", "The stored record is unreadable: "};

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

}  // namespace

std::optional<std::string> canonical_id_prefix(std::string_view typed) {
  std::string digits;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    char lower = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    if (!is_hex(lower)) return std::nullopt;
    digits += lower;
  }
  if (digits.size() < k_min_id_prefix_digits || digits.size() > 32) return std::nullopt;
  // 8-4-4-4-12: a hyphen before the 9th, 13th, 17th and 21st digit.
  std::string canonical;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) canonical += '-';
    canonical += digits[i];
  }
  return canonical;
}

std::optional<std::int64_t> counter_reference_sequence(std::string_view typed) {
  while (!typed.empty() && typed.front() == ' ') typed.remove_prefix(1);
  while (!typed.empty() && typed.back() == ' ') typed.remove_suffix(1);
  // "42-2": the second receipt of transaction 42; the part after the hyphen names the receipt.
  std::string_view number = typed.substr(0, typed.find('-'));
  auto digits = [](std::string_view text) {
    return !text.empty() && text.size() <= 18 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(number)) return std::nullopt;
  if (number.size() < typed.size() && !digits(typed.substr(number.size() + 1))) return std::nullopt;
  std::int64_t sequence = 0;
  std::from_chars(number.data(), number.data() + number.size(), sequence);
  if (sequence < 1) return std::nullopt;
  return sequence;
}

Expected<TransactionLookup> look_up_transaction(PortalStore& portal, std::string_view typed,
                                                std::string_view kiosk_id) {
  TransactionLookup lookup;
  lookup.typed = std::string(typed.substr(0, 64));
  lookup.kiosk_id = std::string(kiosk_id.substr(0, 64));
  // A short reference (its check character holds), unless with a kiosk id it reads as that
  // kiosk's counter reference (a short reference may be all digits).
  auto compact = parse_short_reference(typed);
  if (compact && (kiosk_id.empty() || !counter_reference_sequence(typed))) {
    auto found = portal.find_transactions_by_short_reference(*compact, 20);
    if (!found) return std::unexpected(found.error());
    if (!kiosk_id.empty())
      std::erase_if(*found, [&](const StoredTransaction& t) { return t.kiosk_id != kiosk_id; });
    if (found->size() == 1) {
      lookup.outcome = LookupOutcome::found;
      lookup.transaction = std::move(found->front());
      return lookup;
    }
    if (found->size() > 1) {
      lookup.outcome = LookupOutcome::ambiguous;
      lookup.candidates = std::move(*found);
      return lookup;
    }
    // None: with a kiosk id that is the answer; without, it may still be an id's beginning.
    if (!kiosk_id.empty()) {
      lookup.outcome = LookupOutcome::unknown;
      return lookup;
    }
  }
  if (!kiosk_id.empty()) {
    auto sequence = counter_reference_sequence(typed);
    if (!sequence) return lookup;
    auto found = portal.find_transaction_by_sequence(kiosk_id, *sequence);
    if (!found) return std::unexpected(found.error());
    lookup.outcome = *found ? LookupOutcome::found : LookupOutcome::unknown;
    lookup.transaction = std::move(*found);
    return lookup;
  }
  auto prefix = canonical_id_prefix(typed);
  if (!prefix) return lookup;
  // Two are enough to know that a prefix is ambiguous.
  auto found = portal.find_transactions(*prefix, 2);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) {
    lookup.outcome = LookupOutcome::unknown;
  } else if (found->size() > 1) {
    lookup.outcome = LookupOutcome::ambiguous;
  } else {
    lookup.outcome = LookupOutcome::found;
    lookup.transaction = std::move(found->front());
  }
  return lookup;
}

std::string transaction_rows(const PageContext& context, const StoredTransaction& transaction) {
  std::string rows = table_row(
      context, k_short_reference,
      "<span id=\"short-reference\">" + isolated(short_reference(transaction.id)) + "</span>");
  rows += table_row(context, k_transaction, isolated(transaction.id));
  rows +=
      table_row(context, k_kiosk,
                fmt::format("<a href=\"/kiosk?id={}\">{}</a>", query_encode(transaction.kiosk_id),
                            isolated(transaction.kiosk_id)));
  rows += table_row(context, k_counter_reference, std::to_string(transaction.sequence));
  rows += table_row(context, k_portal_time, time_html(transaction.received_ms));
  auto record = parse_record(transaction.record);
  if (!record) {
    // Never the raw text: whatever it holds is not shown unchecked.
    return rows + "<tr><td colspan=\"2\" class=\"error\">" + say(context, k_unreadable) +
           html_escape(record.error().message) + "</td></tr>";
  }
  rows += table_row(context, k_kiosk_time, time_html(record->wall_ms));
  rows +=
      table_row(context, k_service, isolated(record->service_id + " " + record->service_version));
  rows += table_row(context, k_amount,
                    record->amount.currency.empty() ? say(context, k_free)
                                                    : isolated(format_money(record->amount)));
  if (!record->payment_reference.empty()) {
    rows += table_row(context, k_payment_reference,
                      looks_like_card_number(record->payment_reference)
                          ? say(context, k_masked)
                          : isolated(record->payment_reference));
  }
  std::string fields;
  for (const auto& [name, value] : record->fields) {
    fields += fmt::format("<tr class=\"field\"><td>{}</td><td>{}</td></tr>", isolated(name),
                          looks_like_card_number(value) ? say(context, k_masked) : isolated(value));
  }
  if (!fields.empty())
    rows += "<tr><th colspan=\"2\">" + say(context, k_fields) + "</th></tr>" + fields;
  return rows;
}

std::string render_transaction_lookup(const PageContext& context,
                                      const std::optional<TransactionLookup>& lookup) {
  std::string body = fmt::format(
      "<form method=\"get\" action=\"/transaction\" class=\"box\"><label>{}<br>"
      "<input name=\"ref\" id=\"ref\" dir=\"ltr\" size=\"30\" maxlength=\"64\" value=\"{}\" "
      "required></label><label>{}<br><input name=\"kiosk\" id=\"kiosk\" dir=\"ltr\" "
      "size=\"16\" maxlength=\"64\" value=\"{}\"></label><button id=\"find\">{}</button></form>",
      say(context, k_reference), lookup ? html_escape(lookup->typed) : std::string(),
      say(context, k_kiosk_id), lookup ? html_escape(lookup->kiosk_id) : std::string(),
      say(context, k_find));
  if (lookup) {
    switch (lookup->outcome) {
      case LookupOutcome::malformed:
        body += "<p class=\"error\" id=\"lookup-malformed\">" + say(context, k_malformed) + "</p>";
        break;
      case LookupOutcome::unknown:
        body += "<p class=\"error\" id=\"lookup-unknown\">" + say(context, k_unknown) + "</p>";
        break;
      case LookupOutcome::ambiguous:
        if (lookup->candidates.empty()) {
          body +=
              "<p class=\"error\" id=\"lookup-ambiguous\">" + say(context, k_ambiguous) + "</p>";
          break;
        }
        body += "<p class=\"error\" id=\"lookup-ambiguous\">" +
                say(context, k_ambiguous_reference) + "</p><table id=\"candidates\">";
        for (const auto& candidate : lookup->candidates) {
          body += fmt::format(
              "<tr class=\"candidate\"><td><a href=\"/transaction?ref={}\">{}</a></td><td>{}</td>"
              "<td>{}</td></tr>",
              query_encode(candidate.id), isolated(candidate.id), isolated(candidate.kiosk_id),
              time_html(candidate.received_ms));
        }
        body += "</table>";
        break;
      case LookupOutcome::found:
        body += "<table id=\"transaction\">" + transaction_rows(context, *lookup->transaction) +
                "</table>";
        break;
    }
  }
  return render_page(context, context.language == Language::ar ? k_heading.ar : k_heading.en, body);
}

}  // namespace shubbak::portal::console
