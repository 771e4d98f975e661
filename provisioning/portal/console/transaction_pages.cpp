#include "provisioning/portal/console/transaction_pages.hpp"

#include <fmt/format.h>

#include "kiosk/core/money.hpp"
#include "kiosk/core/record_rules.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "provisioning/portal/console/page_text.hpp"

namespace shubbak::portal::console {

namespace {

constexpr PageText k_heading{"بحث عن معاملة", "Find a transaction"};
constexpr PageText k_reference{"رقم المعاملة (المطبوع على الإيصال، كاملًا أو أول 8 خانات منه)",
                               "Transaction id (as the receipt prints it, whole or its first 8 "
                               "or more characters)"};
constexpr PageText k_find{"بحث", "Find"};
constexpr PageText k_malformed{"هذا ليس رقم معاملة: أدخل 8 خانات ست عشرية على الأقل.",
                               "That is not a transaction id: type at least 8 hex digits."};
constexpr PageText k_unknown{"لا توجد معاملة بهذا الرقم لدى البوابة.",
                             "The portal holds no transaction with this id."};
constexpr PageText k_ambiguous{"أكثر من معاملة تطابق هذا الرقم: أدخل خانات أكثر.",
                               "More than one transaction matches: type more of the id."};
constexpr PageText k_transaction{"المعاملة", "Transaction"};
constexpr PageText k_kiosk{"الكشك", "Kiosk"};
constexpr PageText k_counter_reference{"الرقم التسلسلي في الكشك", "Kiosk sequence number"};
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

Expected<TransactionLookup> look_up_transaction(PortalStore& portal, std::string_view typed) {
  TransactionLookup lookup;
  lookup.typed = std::string(typed.substr(0, 64));
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
  std::string rows = table_row(context, k_transaction, isolated(transaction.id));
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
      "required></label><button id=\"find\">{}</button></form>",
      say(context, k_reference), lookup ? html_escape(lookup->typed) : std::string(),
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
        body += "<p class=\"error\" id=\"lookup-ambiguous\">" + say(context, k_ambiguous) + "</p>";
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
