// The texts of the pages kept in files of their own (transaction_pages, receipt_check,
// refusal_pages), in both languages, and the few helpers they share.
//
// Threading: pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "provisioning/portal/console/console_pages.hpp"

namespace shubbak::portal::console {

struct PageText {
  std::string_view ar;
  std::string_view en;
};

// `text` in the page's language, HTML-escaped.
inline std::string say(const PageContext& context, const PageText& text) {
  return html_escape(context.language == Language::ar ? text.ar : text.en);
}

// A table row: a heading cell and a value (HTML already).
inline std::string table_row(const PageContext& context, const PageText& name,
                             std::string_view value_html) {
  return "<tr><th>" + say(context, name) + "</th><td>" + std::string(value_html) + "</td></tr>";
}

// Text from a kiosk or an admin, escaped and isolated from the page's direction (ids, codes).
inline std::string isolated(std::string_view text) {
  return "<bdi dir=\"ltr\">" + html_escape(text) + "</bdi>";
}

}  // namespace shubbak::portal::console
