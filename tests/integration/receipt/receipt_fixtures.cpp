#include "tests/integration/receipt/receipt_fixtures.hpp"

#include <ctime>

#include <fmt/format.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/base45.hpp"
#include "screens/text/locale_format.hpp"

namespace shubbak::testing {

ReceiptFacts sample_receipt_facts() {
  return {"0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091", "muscat.municipality.fees", Money{1250, "OMR"},
          1'714'558'953'120, "MCT-SEEB-07"};
}

std::string placeholder_sample_seal() {
  ReceiptFacts f = sample_receipt_facts();
  auto id = from_hex("0190a0b15c2e7a3f9b214c5d6e7f8091").value();
  Bytes b = id;
  for (int shift = 40; shift >= 0; shift -= 8)
    b.push_back(static_cast<std::uint8_t>(f.wall_ms >> shift));
  b.insert(b.end(), {0xE2, 0x09});  // 1250 as a varint
  b.insert(b.end(), f.amount.currency.begin(), f.amount.currency.end());
  b.push_back(static_cast<std::uint8_t>(f.service_id.size()));
  b.insert(b.end(), f.service_id.begin(), f.service_id.end());
  b.push_back(static_cast<std::uint8_t>(f.kiosk_id.size()));
  b.insert(b.end(), f.kiosk_id.begin(), f.kiosk_id.end());
  for (int i = 0; i < 64; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  return std::string(k_receipt_seal_prefix) + base45_encode(b);
}

ReceiptDocument sample_receipt(Language language, const ReceiptFacts& facts,
                               const std::string& seal, int extra_lines) {
  bool ar = language == Language::ar;
  LocaleFormatter format(language, DigitStyle::western);
  auto money = [&](std::int64_t minor) {
    return format.money(Money{minor, facts.amount.currency}).value();
  };
  ReceiptDocument d;
  d.language = language;
  d.issuer = ar ? "بلدية مسقط" : "Muscat Municipality";
  d.title = ar ? "إيصال دفع رسوم" : "Fee payment receipt";
  d.lines = {{ar ? "نوع الرسم" : "Fee", ar ? "رخصة بناء" : "Building permit"},
             {ar ? "رقم الطلب" : "Application", "12345"},
             {ar ? "رسوم الخدمة" : "Service fee", money(1000)},
             {ar ? "رسوم البلدية" : "Municipal fee", money(250)}};
  for (int i = 0; i < extra_lines; ++i) {
    d.lines.emplace_back(ar ? fmt::format("بند رقم {}", i + 1) : fmt::format("Item {}", i + 1),
                         money(125 * (i + 1)));
  }
  d.total_label = ar ? "المجموع" : "Total";
  d.total = money(facts.amount.minor_units);
  std::time_t seconds = static_cast<std::time_t>(facts.wall_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &utc);
  d.details = {{ar ? "رقم العملية" : "Transaction", facts.transaction_id},
               {ar ? "الوقت" : "Time", when},
               {ar ? "الكشك" : "Kiosk", facts.kiosk_id}};
  d.qr_text = seal;
  d.qr_caption = ar ? "رمز موقَّع من الكشك: امسحه للتحقق من صحة الإيصال"
                    : "Signed by the kiosk: scan to check this receipt";
  d.footer = ar ? "شكراً لاستخدامكم شبّاك" : "Thank you for using Shubbak";
  return d;
}

Image to_image(const MonoBitmap& page) {
  Image image{page.width, page.height, {}};
  image.argb.reserve(static_cast<std::size_t>(page.width) * static_cast<std::size_t>(page.height));
  for (int y = 0; y < page.height; ++y) {
    for (int x = 0; x < page.width; ++x)
      image.argb.push_back(page.black(x, y) ? 0xFF000000u : 0xFFFFFFFFu);
  }
  return image;
}

}  // namespace shubbak::testing
