// The words spoken guidance reads for a step: the screen's own texts, in screen order, each
// control announced by its kind in the step's language.
#include <doctest/doctest.h>

#include <filesystem>

#include "screens/workflow/step_speech.hpp"

using namespace shubbak;

namespace {

const Messages& messages() {
  static Messages loaded =
      *Messages::load(std::filesystem::path(SHUBBAK_ASSETS_DIR) / "i18n/messages.toml");
  return loaded;
}

// Where `needle` starts in `text`; fails the test when it is not there.
std::size_t position(const std::string& text, std::string_view needle) {
  std::size_t at = text.find(needle);
  CHECK_MESSAGE(at != std::string::npos, "\"", needle, "\" is not in \"", text, "\"");
  return at;
}

}  // namespace

TEST_CASE("an Arabic step reads its title, text, then its buttons in Arabic, in screen order") {
  StepView view;
  view.kind = StepView::Kind::message;
  view.title = "تجديد جواز السفر";
  view.body = "رسوم الخدمة ١٢٫٥٠٠ ر.ع. تدفع في الخطوة الأخيرة";
  view.primary = std::string(messages().get("step.continue", Language::ar));
  view.can_go_back = true;
  view.can_cancel = true;
  std::string text = spoken_step(view, messages(), Language::ar);

  std::size_t title = position(text, "تجديد جواز السفر.");
  std::size_t body = position(text, "١٢ فاصلة ٥٠٠ ر.ع.");
  std::size_t back = position(text, "زر: رجوع.");
  std::size_t cancel = position(text, "زر: إلغاء.");
  std::size_t next = position(text, "زر: متابعة.");
  CHECK(title < body);
  CHECK(body < back);
  CHECK(back < cancel);
  CHECK(cancel < next);
  CHECK(text.find("Button") == std::string::npos);  // nothing of the other language
}

TEST_CASE("an English menu announces each option, then the buttons") {
  StepView view;
  view.kind = StepView::Kind::menu;
  view.title = "Choose a service";
  view.options = {{"a", "Birth certificate", "Oman"}, {"b", "Health appointment", "Jordan"}};
  view.can_go_back = true;
  std::string text = spoken_step(view, messages(), Language::en);
  CHECK(text ==
        "Choose a service. Option: Birth certificate. Option: Health appointment. Button: Back.");
}

TEST_CASE("a form reads each question, its choices and why an answer is refused") {
  StepView view;
  view.kind = StepView::Kind::form;
  view.title = "بيانات المراجع";
  StepField gender;
  gender.id = "gender";
  gender.label = "الجنس";
  gender.input = StepField::Input::choice;
  gender.choices = {{"m", "ذكر", ""}, {"f", "أنثى", ""}};
  StepField phone;
  phone.id = "phone";
  phone.label = "رقم الهاتف";
  phone.input = StepField::Input::phone;
  phone.error = "الرقم غير صحيح";
  view.fields = {gender, phone};
  view.primary = "التالي";
  std::string text = spoken_step(view, messages(), Language::ar);
  CHECK(text ==
        "بيانات المراجع. حقل: الجنس. خيار: ذكر. خيار: أنثى. حقل: رقم الهاتف. تنبيه: الرقم غير "
        "صحيح. زر: التالي.");
}

TEST_CASE("a review reads each answer with its label") {
  StepView view;
  view.kind = StepView::Kind::review;
  view.title = "Check your answers";
  view.summary = {{"Name", "Ahmed"}, {"Fee", "OMR 1.250"}};
  view.primary = "Confirm";
  CHECK(spoken_step(view, messages(), Language::en) ==
        "Check your answers. Name: Ahmed. Fee: OMR 1.250. Button: Confirm.");
}

TEST_CASE("sentences get one full stop, and none after their own closing punctuation") {
  std::string text;
  append_sentence(text, "هل أنت متأكد؟");
  append_sentence(text, "");
  append_sentence(text, "Done!  \n");
  append_sentence(text, "Next");
  CHECK(text == "هل أنت متأكد؟ Done! Next.");
}
