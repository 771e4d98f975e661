#include "provisioning/shubbakctl/kiosk_self_test.hpp"

#include <chrono>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "drivers/printer/file_printer.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "provisioning/shubbakctl/repository_probe.hpp"

namespace shubbak::provision {

namespace {

constexpr auto k_heartbeat_deadline = std::chrono::seconds(15);

class Report {
 public:
  explicit Report(std::FILE* out) : m_out(out) {}

  // Prints the check's line; `result` empty is a pass, otherwise the reason it failed.
  void check(const char* name, const Expected<std::string>& result) {
    if (result) {
      std::fprintf(m_out, "  PASS %-10s %s\n", name, result->c_str());
    } else {
      std::fprintf(m_out, "  FAIL %-10s %s\n", name, result.error().describe().c_str());
      m_failed = true;
    }
    std::fflush(m_out);
  }
  bool passed() const { return !m_failed; }

 private:
  std::FILE* m_out;
  bool m_failed = false;
};

Expected<std::string> check_device_key(const DeviceKey& key) {
  constexpr std::string_view k_probe = "shubbak self-test";
  auto signature = key.sign(k_probe);
  if (!signature) return std::unexpected(signature.error());
  if (!verify_ed25519(key.public_key(), as_bytes(k_probe), *signature))
    return fail(Errc::integrity, "a signature made with the device key does not verify");
  return std::string("signs and verifies");
}

Expected<std::string> check_portal(const Config& config, const StoreHealth* health) {
  if (config.portal.url.empty()) return fail(Errc::config, "[portal] url is not set");
  auto client = HttpsClient::create(
      TlsOptions{config.portal.ca_file, config.portal.client_cert, config.portal.client_key});
  if (!client) return std::unexpected(client.error());
  portal_protocol::Heartbeat heartbeat;
  heartbeat.kiosk_id = config.kiosk.id;
  heartbeat.version = "self-test";
  heartbeat.boot_id = "provisioning";
  if (health) {
    heartbeat.queue_depth = health->queue_depth;
    heartbeat.last_sequence = health->last_sequence;
    heartbeat.audit_head_seq = health->audit_head_seq;
    heartbeat.audit_head_hash = health->audit_head_hash;
  }
  std::string url = config.portal.url + std::string(portal_protocol::k_heartbeat_path);
  auto response =
      (*client)->post_json(url, portal_protocol::encode_heartbeat(heartbeat), k_heartbeat_deadline);
  if (!response) return std::unexpected(response.error());
  if (response->status != 204)
    return fail(Errc::io, fmt::format("the portal answered HTTP {}: {}", response->status,
                                      response->body.substr(0, 200)));
  return fmt::format("heartbeat answered over mutual TLS by {}", config.portal.url);
}

}  // namespace

bool run_self_test(const std::filesystem::path& config_path, std::FILE* out) {
  Report report(out);
  auto config = load_config(config_path);
  report.check("config", config ? Expected<std::string>(config_path.string())
                                : std::unexpected(config.error()));
  if (!config) {
    std::fprintf(out, "  (the other checks need the configuration)\n");
    return false;
  }
  const auto& data_dir = config->kiosk.data_dir;

  auto key = DeviceKey::load(data_dir / "device-key.pem");
  report.check("device-key", key ? check_device_key(**key) : std::unexpected(key.error()));

  // The store as the runtime opens it (kiosk/app/store_and_forward.cpp), its log kept quiet.
  Logger logger(LogLevel::error);
  logger.add_sink(make_stderr_sink());
  std::unique_ptr<TransactionStore> store;
  std::optional<StoreHealth> health;
  if (key) {
    TransactionStore::Options options;
    options.path = data_dir / "journal.db";
    options.kiosk_id = config->kiosk.id;
    options.device_key = key->get();
    options.min_free_bytes = static_cast<std::int64_t>(config->store.min_free_mb) * 1024 * 1024;
    auto opened = TransactionStore::open(options, Log(logger, "store"));
    if (opened) {
      store = std::move(*opened);
      if (auto h = store->health()) health = *h;
    }
    report.check("store", opened ? Expected<std::string>((data_dir / "journal.db").string())
                                 : std::unexpected(opened.error()));
  } else {
    report.check("store", fail(Errc::config, "not opened: no device key"));
  }

  if (config->printer.uri == "sim://receipts") {
    auto printer = FilePrinter::open(data_dir / "receipts", config->printer.width_dots);
    report.check("printer", printer ? Expected<std::string>("sim://receipts (PNG files)")
                                    : std::unexpected(printer.error()));
  } else {
    report.check("printer", Expected<std::string>("none configured"));
  }
  if (config->payment.terminal == "sim://demo") {
    // The payment intents live in the store: payments work exactly when it opens.
    report.check("payment",
                 store ? Expected<std::string>("sim://demo, payment intents in the store")
                       : fail(Errc::unsupported, "off: the transaction store did not open"));
  } else {
    report.check("payment", Expected<std::string>("none configured"));
  }

  report.check("portal", check_portal(*config, health ? &*health : nullptr));
  report.check("updates", probe_repository(*config));
  return report.passed();
}

}  // namespace shubbak::provision
