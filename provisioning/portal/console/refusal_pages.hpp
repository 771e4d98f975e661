// The console's refused transactions: every upload item the portal refused (its kiosk, id and
// the reason, when first and last seen, how often), newest first, each linked to its kiosk's
// page; and the same list for one kiosk, as a section of its page beside the count of
// quarantined transactions the kiosk reports itself.
//
// Threading: pure functions, any thread.
#pragma once

#include <string>
#include <vector>

#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal::console {

// Rows the pages show at most.
inline constexpr int k_refusal_page_rows = 500;
inline constexpr int k_kiosk_refusal_rows = 100;

std::string render_refusals(const PageContext& context, const std::vector<ItemRefusal>& refusals);

// A section for the kiosk's page (render_kiosk's more_html).
std::string kiosk_refusals_section(const PageContext& context,
                                   const std::vector<ItemRefusal>& refusals);

}  // namespace shubbak::portal::console
