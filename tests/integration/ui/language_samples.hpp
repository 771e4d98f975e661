// The demo's health appointment as each language shows it, for the languages' golden images and
// benchmark: a form (with a sentence that exercises the script's hard cases), a review and a
// receipt, from the shipped bundle and catalogs, with fixed answers and dates.
#pragma once

#include <memory>
#include <string_view>

#include "kiosk/workflow/bundle.hpp"
#include "screens/receipt/receipt_document.hpp"
#include "screens/ui/ui_context.hpp"
#include "screens/workflow/step_view.hpp"

namespace shubbak::testing {

// The languages beyond Arabic and English.
inline constexpr Language k_new_languages[] = {Language::ur, Language::hi, Language::bn,
                                               Language::ml, Language::ta, Language::fa,
                                               Language::tl};

// A sentence of `language` (assets/i18n/languages.toml) chosen for its script's hard cases.
std::string_view sample_sentence(Language language);
// assets/services/jordan.health.appointment.json; null if it does not load.
std::shared_ptr<const workflow::Bundle> health_bundle();
// The label of `field`'s choice `value` in `language`; empty if there is none.
std::string choice_label(const workflow::Bundle& bundle, std::string_view field,
                         std::string_view value, Language language);

StepView sample_form(const UiContext& ui, const workflow::Bundle& bundle);
StepView sample_review(const UiContext& ui, const workflow::Bundle& bundle);
ReceiptDocument sample_language_receipt(const UiContext& ui, const workflow::Bundle& bundle);

}  // namespace shubbak::testing
