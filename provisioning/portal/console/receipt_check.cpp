#include "provisioning/portal/console/receipt_check.hpp"

#include <cctype>

#include <fmt/format.h>

#include "kiosk/core/money.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/image/grey_image.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "provisioning/portal/console/page_text.hpp"
#include "provisioning/portal/console/transaction_pages.hpp"

namespace shubbak::portal::console {

namespace {

using receipts::SealVerdict;

constexpr PageText k_heading{"التحقق من إيصال", "Verify a receipt"};
constexpr PageText k_paste{"نص رمز QR في الإيصال (يبدأ بـ SR1:)",
                           "The receipt's QR code text (starts with SR1:)"};
constexpr PageText k_or_upload{"أو صورة الإيصال أو مسحه الضوئي (PNG، حتى 8 ميغابايت)",
                               "or a photo or scan of the receipt (PNG, up to 8 MiB)"};
constexpr PageText k_check{"تحقّق", "Verify"};
constexpr PageText k_valid{"الختم صحيح: وقّعه مفتاح الجهاز المسجّل لهذا الكشك.",
                           "The seal is valid: signed by the device key enrolled for this kiosk."};
constexpr PageText k_no_qr_code{"الختم غير صالح: لم يُعثر على رمز QR في الصورة.",
                                "Invalid: no QR code was found in the picture."};
constexpr PageText k_malformed{"الختم غير صالح: النص ليس ختم إيصال سليم البنية.",
                               "Invalid: the text is not a well-formed receipt seal."};
constexpr PageText k_unknown_kiosk{"الختم غير صالح: الكشك الذي يذكره غير مسجّل لدى البوابة.",
                                   "Invalid: the kiosk it names is not enrolled with this portal."};
constexpr PageText k_bad_signature{
    "الختم غير صالح: التوقيع لا يطابق مفتاح جهاز هذا الكشك.",
    "Invalid: the signature is not that of this kiosk's device key."};
constexpr PageText k_why{"التفاصيل", "Detail"};
constexpr PageText k_seal_fields{"ما يقوله الختم", "What the seal says"};
constexpr PageText k_transaction{"المعاملة", "Transaction"};
constexpr PageText k_service{"الخدمة", "Service"};
constexpr PageText k_amount{"المبلغ", "Amount"};
constexpr PageText k_free{"مجانية", "none (a free service)"};
constexpr PageText k_time{"وقت الكشك", "Kiosk's time"};
constexpr PageText k_kiosk{"الكشك", "Kiosk"};
constexpr PageText k_stored{"المعاملة كما خزّنتها البوابة",
                            "The transaction as the portal holds it"};
constexpr PageText k_unverified{
    "الختم لا يتحقق، فلا تُقارن حقوله بسجلات البوابة.",
    "The seal does not verify, so its fields are not compared with the portal's records."};
constexpr PageText k_matches{"السجل المخزّن يطابق الختم.", "The stored record matches the seal."};
constexpr PageText k_differs{"السجل المخزّن يختلف عن الختم في: ",
                             "The stored record differs from the seal in: "};
constexpr PageText k_not_held{"لا تحتفظ البوابة بهذه المعاملة (لم تصل بعد، أو لم تُرسل قط).",
                              "The portal does not hold this transaction (not uploaded yet, or "
                              "never)."};

const PageText& verdict_text(SealVerdict verdict) {
  switch (verdict) {
    case SealVerdict::valid:
      return k_valid;
    case SealVerdict::no_qr_code:
      return k_no_qr_code;
    case SealVerdict::malformed:
      return k_malformed;
    case SealVerdict::unknown_kiosk:
      return k_unknown_kiosk;
    case SealVerdict::bad_signature:
      return k_bad_signature;
  }
  return k_malformed;
}

// What the stored record says otherwise than the seal's facts, by name.
std::vector<std::string> mismatches_of(const ReceiptFacts& facts, const StoredTransaction& stored) {
  std::vector<std::string> differ;
  if (stored.kiosk_id != facts.kiosk_id) differ.emplace_back("kiosk");
  auto record = parse_record(stored.record);
  if (!record) {
    differ.emplace_back("record");
    return differ;
  }
  if (record->service_id != facts.service_id) differ.emplace_back("service");
  if (!(record->amount == facts.amount)) differ.emplace_back("amount");
  if (record->wall_ms != facts.wall_ms) differ.emplace_back("time");
  return differ;
}

}  // namespace

Expected<ReceiptCheck> check_receipt(PortalStore& portal, std::string_view text,
                                     std::string_view picture) {
  // The key the portal pinned for the kiosk the seal names; a storage failure is kept aside, as
  // the check itself cannot carry it.
  std::optional<Error> storage_error;
  receipts::DeviceKeyLookup key_of = [&](std::string_view kiosk_id) -> std::optional<Bytes> {
    auto pinned = portal.device_key(kiosk_id);
    if (!pinned) {
      storage_error = pinned.error();
      return std::nullopt;
    }
    if (!*pinned) return std::nullopt;
    auto key = base64_decode(**pinned);
    if (!key) return std::nullopt;
    return std::move(*key);
  };
  ReceiptCheck check;
  if (!picture.empty()) {
    check.from_picture = true;
    auto image = decode_grey_png(picture);
    if (!image) {
      check.seal.verdict = SealVerdict::no_qr_code;
      check.seal.why = image.error().message;
    } else {
      check.seal = receipts::check_seal_image(*image, key_of);
    }
  } else {
    // Pasted text often carries a line break or spaces at either end.
    std::string_view trimmed = text;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
      trimmed.remove_prefix(1);
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
      trimmed.remove_suffix(1);
    check.seal = receipts::check_seal_text(trimmed, key_of);
  }
  if (storage_error) return std::unexpected(*storage_error);
  if (check.seal.facts) {
    auto found = portal.find_transactions(check.seal.facts->transaction_id, 1);
    if (!found) return std::unexpected(found.error());
    if (!found->empty() && found->front().id == check.seal.facts->transaction_id) {
      check.stored = std::move(found->front());
      check.mismatches = mismatches_of(*check.seal.facts, *check.stored);
    }
  }
  return check;
}

std::string render_receipt_check(const PageContext& context,
                                 const std::optional<ReceiptCheck>& check) {
  std::string body = fmt::format(
      "<form method=\"post\" action=\"/receipt-check\" enctype=\"multipart/form-data\" "
      "class=\"box\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<label>{}<br><textarea name=\"seal\" id=\"seal\" dir=\"ltr\" rows=\"4\" cols=\"50\" "
      "maxlength=\"2000\"></textarea></label>"
      "<label>{}<br><input type=\"file\" name=\"picture\" id=\"picture\" accept=\"image/png\">"
      "</label><button id=\"verify\">{}</button></form>",
      html_escape(context.csrf_token), say(context, k_paste), say(context, k_or_upload),
      say(context, k_check));
  if (check) {
    bool valid = check->seal.verdict == SealVerdict::valid;
    body += fmt::format("<p id=\"verdict\" data-verdict=\"{}\" class=\"badge {}\">{}</p>",
                        receipts::verdict_name(check->seal.verdict), valid ? "green" : "red",
                        say(context, verdict_text(check->seal.verdict)));
    if (!valid && !check->seal.why.empty()) {
      body += "<p id=\"why\">" + say(context, k_why) + ": " + isolated(check->seal.why) + "</p>";
    }
    if (const auto& facts = check->seal.facts) {
      std::string rows = table_row(context, k_transaction, isolated(facts->transaction_id));
      rows += table_row(context, k_service, isolated(facts->service_id));
      rows += table_row(context, k_amount,
                        facts->amount.currency.empty() ? say(context, k_free)
                                                       : isolated(format_money(facts->amount)));
      rows += table_row(context, k_time, time_html(facts->wall_ms));
      rows += table_row(context, k_kiosk, isolated(facts->kiosk_id));
      body += "<h2>" + say(context, k_seal_fields) + "</h2><table id=\"seal-fields\">" + rows +
              "</table>";
      if (!valid) {
        // A seal that does not verify is no one's word: a forgery copying a real transaction's
        // facts must not be told that they match.
        body +=
            "<p id=\"stored\" data-stored=\"unverified\">" + say(context, k_unverified) + "</p>";
      } else if (!check->stored) {
        body += "<p id=\"stored\" data-stored=\"no\">" + say(context, k_not_held) + "</p>";
      } else {
        std::string differ;
        for (const auto& name : check->mismatches) differ += (differ.empty() ? "" : ", ") + name;
        body += fmt::format("<h2>{}</h2><p id=\"stored\" data-stored=\"{}\">{}{}</p>",
                            say(context, k_stored), differ.empty() ? "matches" : "differs",
                            say(context, differ.empty() ? k_matches : k_differs),
                            differ.empty() ? std::string() : isolated(differ));
        body +=
            "<table id=\"transaction\">" + transaction_rows(context, *check->stored) + "</table>";
      }
    }
  }
  return render_page(context, context.language == Language::ar ? k_heading.ar : k_heading.en, body);
}

}  // namespace shubbak::portal::console
