#include "tests/integration/ui/language_samples.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "kiosk/workflow/bundle_reader.hpp"

namespace shubbak::testing {

std::string_view sample_sentence(Language language) {
  switch (language) {
    case Language::ur:
      return "یہ ایک نمونہ جملہ ہے جو نستعلیق میں لکھا گیا ہے، تاکہ ہر حرف صاف نظر آئے۔";
    case Language::hi:
      return "कृपया इस स्थान पर अपने कार्य की प्रक्रिया पूरी करें।";
    case Language::bn:
      return "অনুগ্রহ করে প্রার্থীর স্বাক্ষর, জন্মতারিখ ও ঠিকানা যাচাই করুন।";
    case Language::ml:
      return "സർക്കാർ സേവനങ്ങൾ ഇപ്പോൾ ഈ കിയോസ്കിൽ ലഭ്യമാണ്; ക്ഷമയോടെ കാത്തിരിക്കുക.";
    case Language::ta:
      return "கொடுக்கப்பட்ட கோரிக்கை கையொப்பத்துடன் சரிபார்க்கப்பட்டது, பௌர்ணமி அன்று.";
    case Language::fa:  // with its zero-width non-joiners (U+200C) spelled out
      return "می\u200Cتوانید کد QR را اسکن کنید یا به help@shubbak.example ایمیل بزنید؛ "
             "شمارهٔ نوبت شما ۱۲۳ (123) است.";
    case Language::tl:
      return "Magandang araw! Pakisulat ang inyong pangalan at tirahan, hal. Santo Niño, "
             "Peñaflor.";
    default:
      return "";
  }
}

std::shared_ptr<const workflow::Bundle> health_bundle() {
  std::ifstream in(std::filesystem::path(SHUBBAK_ASSETS_DIR) /
                   "services/jordan.health.appointment.json");
  std::ostringstream json;
  json << in.rdbuf();
  auto loaded = workflow::load_bundle(json.str());
  if (!std::holds_alternative<std::shared_ptr<const workflow::Bundle>>(loaded)) return nullptr;
  return std::get<std::shared_ptr<const workflow::Bundle>>(loaded);
}

std::string choice_label(const workflow::Bundle& bundle, std::string_view field,
                         std::string_view value, Language language) {
  for (const auto& choice : bundle.field(field)->choices) {
    if (choice.value == value) return choice.label.in(language);
  }
  return {};
}

StepView sample_form(const UiContext& ui, const workflow::Bundle& bundle) {
  const Language language = ui.language();
  StepView form;
  form.kind = StepView::Kind::form;
  form.service_title = bundle.title.in(language);
  form.title = bundle.step("who")->title.in(language);
  form.body = std::string(sample_sentence(language));
  StepField id;
  id.id = "national_id";
  id.label = bundle.field("national_id")->label.in(language);
  id.text = "9861031236";
  StepField governorate;
  governorate.id = "governorate";
  governorate.label = bundle.field("governorate")->label.in(language);
  governorate.input = StepField::Input::choice;
  for (const auto& choice : bundle.field("governorate")->choices)
    governorate.choices.push_back({choice.value, choice.label.in(language), ""});
  governorate.selected = {"amman"};
  StepField phone;
  phone.id = "phone";
  phone.label = bundle.field("phone")->label.in(language);
  phone.input = StepField::Input::phone;
  form.fields = {id, governorate, phone};
  form.primary = std::string(ui.message("step.continue"));
  form.can_go_back = form.can_cancel = true;
  return form;
}

StepView sample_review(const UiContext& ui, const workflow::Bundle& bundle) {
  const Language language = ui.language();
  StepView view;
  view.kind = StepView::Kind::review;
  view.service_title = bundle.title.in(language);
  view.title = bundle.step("review")->title.in(language);
  auto day = ui.format().date({2026, 12, 6}, CalendarKind::gregorian);
  view.summary = {{bundle.field("national_id")->label.in(language), "9861031236"},
                  {bundle.field("governorate")->label.in(language),
                   choice_label(bundle, "governorate", "amman", language)},
                  {bundle.field("clinic")->label.in(language),
                   choice_label(bundle, "clinic", "general", language)},
                  {bundle.field("day")->label.in(language), day.value_or("")},
                  {bundle.field("phone")->label.in(language), "0791234567"}};
  view.primary = std::string(ui.message("step.confirm"));
  view.can_go_back = view.can_cancel = true;
  return view;
}

ReceiptDocument sample_language_receipt(const UiContext& ui, const workflow::Bundle& bundle) {
  const Language language = ui.language();
  ReceiptDocument d;
  d.language = language;
  d.issuer = bundle.title.in(language);
  d.title = bundle.receipt->title.in(language);
  auto day = ui.format().date({2026, 12, 6}, CalendarKind::gregorian);
  d.lines = {{bundle.receipt->lines[0].label.in(language),
              choice_label(bundle, "clinic", "general", language)},
             {bundle.receipt->lines[1].label.in(language), day.value_or("")}};
  d.details = {
      {std::string(ui.message("receipt.transaction")), "0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091"},
      {std::string(ui.message("receipt.time")), "2026-12-05 09:41"},
      {std::string(ui.message("receipt.kiosk")), "MCT-SEEB-07"}};
  d.footer = std::string(sample_sentence(language));
  d.qr_text = "SHUBBAK-SAMPLE";
  d.qr_caption = std::string(ui.message("receipt.qr_caption"));
  return d;
}

}  // namespace shubbak::testing
