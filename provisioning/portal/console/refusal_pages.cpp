#include "provisioning/portal/console/refusal_pages.hpp"

#include <fmt/format.h>

#include "provisioning/portal/console/page_text.hpp"

namespace shubbak::portal::console {

namespace {

constexpr PageText k_heading{"المعاملات المرفوضة", "Refused transactions"};
constexpr PageText k_explain{
    "معاملات أرسلتها الأكشاك ورفضت البوابة تخزينها، الأحدث أولًا. يعزلها الكشك ولا يعيد إرسالها.",
    "Transactions kiosks sent that the portal refused to store, newest first. The kiosk "
    "quarantines them and does not send them again."};
constexpr PageText k_kiosk_section{"معاملات رفضتها البوابة", "Refused by the portal"};
constexpr PageText k_none{"لا توجد معاملات مرفوضة.", "No refused transactions."};
constexpr PageText k_kiosk{"الكشك", "Kiosk"};
constexpr PageText k_transaction{"المعاملة", "Transaction"};
constexpr PageText k_reason{"السبب", "Reason"};
constexpr PageText k_first_seen{"أول مرة", "First seen"};
constexpr PageText k_last_seen{"آخر مرة", "Last seen"};
constexpr PageText k_times{"عدد المرات", "Times"};

std::string refusal_table(const PageContext& context, const std::vector<ItemRefusal>& refusals,
                          bool with_kiosk, std::string_view id) {
  if (refusals.empty()) return fmt::format("<p id=\"{}-none\">{}</p>", id, say(context, k_none));
  std::string rows;
  for (const auto& refusal : refusals) {
    std::string kiosk_cell =
        with_kiosk ? fmt::format("<td class=\"nowrap\"><a href=\"/kiosk?id={}\">{}</a></td>",
                                 query_encode(refusal.kiosk_id), isolated(refusal.kiosk_id))
                   : std::string();
    rows += fmt::format(
        "<tr class=\"refusal\" data-transaction=\"{}\">{}<td class=\"nowrap\">{}</td><td>{}</td>"
        "<td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
        html_escape(refusal.transaction_id), kiosk_cell, isolated(refusal.transaction_id),
        isolated(refusal.reason), time_html(refusal.first_seen_ms), time_html(refusal.last_seen_ms),
        refusal.times_seen);
  }
  return fmt::format(
      "<table id=\"{}\"><tr>{}<th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}"
      "</table>",
      id, with_kiosk ? "<th>" + say(context, k_kiosk) + "</th>" : std::string(),
      say(context, k_transaction), say(context, k_reason), say(context, k_first_seen),
      say(context, k_last_seen), say(context, k_times), rows);
}

}  // namespace

std::string render_refusals(const PageContext& context, const std::vector<ItemRefusal>& refusals) {
  std::string body = "<p>" + say(context, k_explain) + "</p>" +
                     refusal_table(context, refusals, /*with_kiosk=*/true, "refusals");
  return render_page(context, context.language == Language::ar ? k_heading.ar : k_heading.en, body);
}

std::string kiosk_refusals_section(const PageContext& context,
                                   const std::vector<ItemRefusal>& refusals) {
  return "<h2>" + say(context, k_kiosk_section) + "</h2>" +
         refusal_table(context, refusals, /*with_kiosk=*/false, "kiosk-refusals");
}

}  // namespace shubbak::portal::console
