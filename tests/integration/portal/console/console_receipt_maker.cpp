// For the console's browser test: what kiosk-7 makes, with its own code, written to OUT_DIR:
//   batch.json   a batch of two paid transactions signed with its device key (device.pem, made
//                here) and a third with a card number in a field, which the portal refuses
//   seal.txt     the first transaction's receipt seal (seal_receipt(), the kiosk's signing path)
//   receipt.png  its receipt in Arabic with the seal as QR code, rendered by the kiosk's renderer
//   id.txt       the first transaction's id; refused.txt the refused one's
// usage: console_receipt_maker OUT_DIR
#include <chrono>
#include <cstdio>
#include <fstream>

#include "kiosk/core/config.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "kiosk/image/mono_png.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/uuid7.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "screens/text/text_engine.hpp"
#include "tests/integration/receipt/receipt_fixtures.hpp"

using namespace shubbak;

namespace {

int failed(const char* what, const Error& error) {
  std::fprintf(stderr, "console_receipt_maker: %s: %s\n", what, error.describe().c_str());
  return 1;
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: console_receipt_maker OUT_DIR\n");
    return 2;
  }
  std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  auto key = DeviceKey::load_or_create(out / "device.pem");
  if (!key) return failed("device key", key.error());

  std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  Uuid7Generator ids;
  std::vector<OutboxItem> items;
  std::vector<TransactionRecord> records;
  for (std::int64_t sequence = 1; sequence <= 3; ++sequence) {
    auto id = ids.next(now + sequence);
    if (!id) return failed("id", id.error());
    TransactionRecord record;
    record.id = *id;
    record.kiosk_id = "kiosk-7";
    record.sequence = sequence;
    record.wall_ms = now + sequence;
    record.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
    record.service_id = "muscat.municipality.fees";
    record.service_version = "1.0.0";
    record.amount = Money{1250, "OMR"};
    record.payment_reference = "PAY-" + std::to_string(1000 + sequence);
    record.fields = {{"fee", "building permit"}, {"application", "12345"}};
    if (sequence == 3) record.fields.emplace_back("card", "4111111111111111");
    std::string canonical = canonical_json(record);
    auto signature = (*key)->sign(canonical);
    if (!signature) return failed("signature", signature.error());
    items.push_back(OutboxItem{sequence, record.id, canonical, base64_encode(*signature)});
    records.push_back(std::move(record));
  }
  write(out / "batch.json", portal_protocol::encode_batch(portal_protocol::Batch{
                                "kiosk-7", base64_encode((*key)->public_key()), std::move(items)}));

  const TransactionRecord& first = records.front();
  ReceiptFacts facts{first.id, first.service_id, first.amount, first.wall_ms, first.kiosk_id};
  auto seal = seal_receipt(facts, **key);
  if (!seal) return failed("seal", seal.error());
  write(out / "seal.txt", *seal);
  write(out / "id.txt", first.id);
  write(out / "refused.txt", records.back().id);

  auto text = TextEngine::open(Config::Text{});
  if (!text) return failed("text engine", text.error());
  auto page = render_receipt(**text, testing::sample_receipt(Language::ar, facts, *seal), 576);
  if (!page) return failed("receipt", page.error());
  if (auto ok = write_mono_png(out / "receipt.png", *page); !ok)
    return failed("receipt.png", ok.error());
  return 0;
}
