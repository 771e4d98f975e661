// Receipts with their signed QR code, end to end: rendered by the real text engine, printed by
// the FilePrinter as a PNG, read back by the real `shubbakctl receipt verify` (zxing-cpp).
#include <doctest/doctest.h>

#include <fstream>

#include "drivers/printer/file_printer.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/crypto/base45.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "provisioning/receipts/qr_image_reader.hpp"
#include "screens/receipt/receipt_logos.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "tests/integration/receipt/receipt_fixtures.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

namespace {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

CliResult run_shubbakctl(const testing::TempDir& dir, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), SHUBBAKCTL_BIN);
  testing::ChildProcess child(arguments, dir.path());
  auto code = child.wait(30s);
  REQUIRE_MESSAGE(code, "shubbakctl did not exit");
  return {*code, child.stdout_text(), child.stderr_text()};
}

struct Kiosk {
  testing::TempDir dir;
  std::unique_ptr<DeviceKey> key;
  std::filesystem::path public_pem;
  std::unique_ptr<TextEngine> text;
  std::unique_ptr<FilePrinter> printer;

  explicit Kiosk(int width = 576) {
    auto made = DeviceKey::load_or_create(dir / "device-key.pem");
    REQUIRE(made);
    key = std::move(*made);
    public_pem = dir.write("device-public.pem", key->public_key_pem());
    auto engine = TextEngine::open(Config::Text{});
    REQUIRE(engine);
    text = std::move(*engine);
    auto opened = FilePrinter::open(dir / "paper", width);
    REQUIRE(opened);
    printer = std::move(*opened);
  }

  // The receipt with `seal` as its QR code, printed; returns the PNG's path.
  std::string print(const std::string& seal, const std::string& job,
                    Language language = Language::ar) {
    auto page = render_receipt(
        *text, testing::sample_receipt(language, testing::sample_receipt_facts(), seal),
        printer->width_dots());
    REQUIRE_MESSAGE(page, (page ? "" : page.error().describe()));
    auto printed = printer->print(*page, job);
    REQUIRE(printed);
    return printed->id;
  }
};

// `seal` with one bit of its signed facts flipped (the last byte of the time): it still parses.
std::string with_one_fact_bit_flipped(const std::string& seal) {
  auto bytes = base45_decode(std::string_view(seal).substr(k_receipt_seal_prefix.size())).value();
  bytes[16 + 5] ^= 0x01;
  return std::string(k_receipt_seal_prefix) + base45_encode(bytes);
}

}  // namespace

TEST_CASE(
    "a printed Arabic receipt's QR code verifies with the real shubbakctl, and a one-bit change "
    "does not") {
  Kiosk kiosk;
  auto seal = seal_receipt(testing::sample_receipt_facts(), *kiosk.key);
  REQUIRE(seal);
  auto png = kiosk.print(*seal, "receipt-good");

  auto good = run_shubbakctl(kiosk.dir, {"receipt", "verify", png, "--key", kiosk.public_pem});
  INFO(good.out, good.err);
  CHECK(good.exit_code == 0);
  CHECK(good.out.find("transaction: 0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091\n") != std::string::npos);
  CHECK(good.out.find("service:     muscat.municipality.fees\n") != std::string::npos);
  CHECK(good.out.find("amount:      1.250 OMR\n") != std::string::npos);
  CHECK(good.out.find("time:        2024-05-01 10:22:33.120 UTC\n") != std::string::npos);
  CHECK(good.out.find("kiosk:       MCT-SEEB-07\n") != std::string::npos);
  CHECK(good.out.ends_with("valid\n"));

  // The same seal as text.
  auto as_text = run_shubbakctl(kiosk.dir, {"receipt", "verify", *seal, "--key", kiosk.public_pem});
  CHECK(as_text.exit_code == 0);
  CHECK(as_text.out == good.out);

  auto altered = with_one_fact_bit_flipped(*seal);
  auto bad_png = kiosk.print(altered, "receipt-altered");
  auto bad = run_shubbakctl(kiosk.dir, {"receipt", "verify", bad_png, "--key", kiosk.public_pem});
  INFO(bad.out, bad.err);
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("time:        2024-05-01 10:22:33.121 UTC\n") !=
        std::string::npos);  // read, then refused
  CHECK(bad.out.find("INVALID: the signature does not verify") != std::string::npos);
  CHECK(bad.out.find("\nvalid") == std::string::npos);

  auto bad_text =
      run_shubbakctl(kiosk.dir, {"receipt", "verify", altered, "--key", kiosk.public_pem});
  CHECK(bad_text.exit_code == 1);
}

TEST_CASE("an English receipt on 58 mm paper verifies too (3-dot modules)") {
  Kiosk kiosk(384);
  auto seal = seal_receipt(testing::sample_receipt_facts(), *kiosk.key);
  REQUIRE(seal);
  auto png = kiosk.print(*seal, "receipt-58mm", Language::en);
  auto result = run_shubbakctl(kiosk.dir, {"receipt", "verify", png, "--key", kiosk.public_pem});
  INFO(result.out, result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.ends_with("valid\n"));
}

TEST_CASE("--cert takes a certificate for the device key and checks it names the receipt's kiosk") {
  Kiosk kiosk;
  auto seal = seal_receipt(testing::sample_receipt_facts(), *kiosk.key).value();
  auto certify = [&](const std::string& name, const std::string& cn) {
    auto cert = kiosk.dir / name;
    testing::ChildProcess openssl(
        {OPENSSL_BIN, "req", "-new", "-x509", "-key", kiosk.dir / "device-key.pem", "-subj",
         "/CN=" + cn, "-days", "1", "-out", cert},
        kiosk.dir.path());
    REQUIRE(openssl.wait(30s) == 0);
    return cert.string();
  };
  auto right = run_shubbakctl(
      kiosk.dir, {"receipt", "verify", seal, "--cert", certify("kiosk.pem", "MCT-SEEB-07")});
  INFO(right.out, right.err);
  CHECK(right.exit_code == 0);
  CHECK(right.out.ends_with("valid\n"));

  auto other = run_shubbakctl(
      kiosk.dir, {"receipt", "verify", seal, "--cert", certify("other.pem", "MCT-RUWI-02")});
  CHECK(other.exit_code == 1);
  CHECK(other.out.find("INVALID: the certificate is for kiosk \"MCT-RUWI-02\"") !=
        std::string::npos);

  // The TLS enrolment certificate certifies an ECDSA key: it cannot vouch for a receipt.
  testing::TestPki pki(kiosk.dir.path(), "portal");
  auto tls = pki.issue_client("tls", "MCT-SEEB-07");
  auto ecdsa = run_shubbakctl(kiosk.dir, {"receipt", "verify", seal, "--cert", tls.cert});
  CHECK(ecdsa.exit_code == 2);
  CHECK(ecdsa.err.find("not the kiosk's Ed25519 device key") != std::string::npos);
}

TEST_CASE(
    "shubbakctl receipt verify: usage errors exit 2, unreadable seals and pictures without a code "
    "exit 1") {
  Kiosk kiosk;
  auto seal = seal_receipt(testing::sample_receipt_facts(), *kiosk.key).value();
  CHECK(run_shubbakctl(kiosk.dir, {"receipt", "verify", seal}).exit_code == 2);
  CHECK(run_shubbakctl(kiosk.dir, {"receipt", "verify", seal, "--key", kiosk.public_pem, "--cert",
                                   kiosk.public_pem})
            .exit_code == 2);
  CHECK(run_shubbakctl(kiosk.dir, {"receipt", "verify", seal, "--key", kiosk.dir / "missing.pem"})
            .exit_code == 2);
  auto not_a_key = run_shubbakctl(
      kiosk.dir, {"receipt", "verify", seal, "--key", kiosk.dir.write("x.pem", "hello")});
  CHECK(not_a_key.exit_code == 2);
  CHECK(not_a_key.err.find("not a PEM public key") != std::string::npos);
  CHECK(run_shubbakctl(kiosk.dir, {"receipt", "verify", (kiosk.dir / "nope.png").string(), "--key",
                                   kiosk.public_pem})
            .exit_code == 2);

  auto garbage =
      run_shubbakctl(kiosk.dir, {"receipt", "verify", "SR1:HELLO", "--key", kiosk.public_pem});
  CHECK(garbage.exit_code == 1);
  CHECK(garbage.out.starts_with("INVALID: "));

  // A receipt printed without a code.
  auto page = render_receipt(
      *kiosk.text, testing::sample_receipt(Language::ar, testing::sample_receipt_facts(), ""), 576);
  REQUIRE(page);
  auto png = kiosk.printer->print(*page, "no-code").value().id;
  auto blank = run_shubbakctl(kiosk.dir, {"receipt", "verify", png, "--key", kiosk.public_pem});
  CHECK(blank.exit_code == 1);
  CHECK(blank.out.find("no readable QR code") != std::string::npos);
}

TEST_CASE(
    "the issuer's logo prints dithered at the top; an unreadable one is left out, not the "
    "receipt") {
  auto text = TextEngine::open(Config::Text{});
  REQUIRE(text);
  std::string seal = testing::placeholder_sample_seal();
  auto document = testing::sample_receipt(Language::ar, testing::sample_receipt_facts(), seal);
  ReceiptLogos logos;
  auto without = render_receipt(**text, document, 576, logos.dots(document.logo, 576));
  document.logo = std::string(SHUBBAK_SOURCE_DIR) + "/assets/receipt-logo.png";
  auto with = render_receipt(**text, document, 576, logos.dots(document.logo, 576));
  REQUIRE((without && with));
  CHECK(with->height > without->height + 150);  // a 192-dot logo above the issuer
  // The logo's grey disc prints as scattered dots, neither solid nor empty.
  int ink = 0;
  for (int y = 40; y < 60; ++y) {
    for (int x = 288 - 10; x < 288 + 10; ++x) ink += with->black(x, y);
  }
  CHECK(ink > 40);
  CHECK(ink < 360);
  CHECK(testing::compare_with_golden(testing::to_image(*with), "receipt-ar-576-logo") == "");
  // Its QR code still reads.
  auto image = testing::to_image(*with);
  GreyImage grey{with->width, with->height, {}};
  for (auto argb : image.argb) grey.pixels.push_back(static_cast<std::uint8_t>(argb & 0xFF));
  auto read = receipts::read_qr_code(grey);
  REQUIRE(read);
  CHECK(*read == seal);

  document.logo = "/nonexistent/logo.png";
  auto missing = render_receipt(**text, document, 576, logos.dots(document.logo, 576));
  REQUIRE(missing);
  CHECK(missing->height == without->height);
}

TEST_CASE("golden receipts: Arabic and English at 576 dots, Arabic at 384, each QR code readable") {
  auto text = TextEngine::open(Config::Text{});
  REQUIRE(text);
  std::string seal = testing::placeholder_sample_seal();
  REQUIRE(parse_receipt_seal(seal));
  struct Case {
    std::string golden;
    Language language;
    int width;
  };
  for (Case c :
       {Case{"receipt-ar-576", Language::ar, 576}, Case{"receipt-en-576", Language::en, 576},
        Case{"receipt-ar-384", Language::ar, 384}}) {
    CAPTURE(c.golden);
    auto page = render_receipt(
        **text, testing::sample_receipt(c.language, testing::sample_receipt_facts(), seal),
        c.width);
    REQUIRE(page);
    auto image = testing::to_image(*page);
    CHECK(testing::compare_with_golden(image, c.golden) == "");
    GreyImage grey{page->width, page->height, {}};
    for (auto argb : image.argb) grey.pixels.push_back(static_cast<std::uint8_t>(argb & 0xFF));
    auto read = receipts::read_qr_code(grey);
    REQUIRE_MESSAGE(read, (read ? "" : read.error().describe()));
    CHECK(*read == seal);
  }
}

TEST_CASE(
    "the QR code keeps whole modules of at least 3 dots and a 4-module quiet zone, centered") {
  auto text = TextEngine::open(Config::Text{});
  REQUIRE(text);
  ReceiptDocument only_code;  // nothing but the layout's rules and the code
  only_code.qr_text = testing::placeholder_sample_seal();
  for (int width : {384, 576, 832}) {
    CAPTURE(width);
    auto page = render_receipt(**text, only_code, width);
    REQUIRE(page);
    // Rules run across the paper; the code takes at most three fifths of it. The code's box is
    // every other black dot's.
    int top = page->height, bottom = -1, left = width, right = -1, last_rule = -1;
    for (int y = 0; y < page->height; ++y) {
      int black = 0;
      for (int x = 0; x < width; ++x) black += page->black(x, y) ? 1 : 0;
      if (black > width * 3 / 4) {
        last_rule = y;
        continue;
      }
      for (int x = 0; x < width; ++x) {
        if (!page->black(x, y)) continue;
        top = std::min(top, y), bottom = std::max(bottom, y);
        left = std::min(left, x), right = std::max(right, x);
      }
    }
    REQUIRE(bottom > top);
    int side = right - left + 1;
    CHECK(bottom - top + 1 == side);
    int finder = 0;  // the top-left finder pattern's top edge: 7 modules
    while (page->black(left + finder, top)) ++finder;
    REQUIRE(finder % 7 == 0);
    int module = finder / 7;
    CHECK(module >= 3);
    CHECK(module <= 6);
    CHECK(side % module == 0);
    CHECK((side / module - 21) % 4 == 0);              // version N is 17 + 4N modules
    CHECK(std::abs((left + right + 1) - width) <= 1);  // centered
    CHECK(top - last_rule > 4 * module);               // the quiet zone above
    CHECK(page->height - 1 - bottom >= 4 * module);    // and below
    CHECK(left >= 4 * module);
  }
}
