#include "provisioning/shubbakctl/journal_acceptance.hpp"

#include <fmt/format.h>

#include "kiosk/core/config.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak::provision {

int accept_new_journal(const AcceptJournalOptions& options, std::FILE* out, std::FILE* err) {
  auto say = [&](const std::string& message, int code) {
    std::fprintf(err, "shubbakctl: %s\n", message.c_str());
    return code;
  };
  if (options.reason.empty())
    return say("--reason is required: say why a new journal is accepted", 2);
  if (options.continue_after < 0) return say("--continue-after must not be negative", 2);
  auto config = load_config(options.config_path);
  if (!config) return say(config.error().describe(), 2);
  std::filesystem::path data_dir = options.data_dir.value_or(config->kiosk.data_dir);
  // The kiosk's own key, never a new one: the new journal's records must verify with it.
  auto key = DeviceKey::load(data_dir / "device-key.pem");
  if (!key) return say(key.error().describe(), 1);

  Logger logger(LogLevel::warn);
  logger.add_sink(make_stderr_sink());
  TransactionStore::Options store_options;
  store_options.path = data_dir / "journal.db";
  store_options.kiosk_id = config->kiosk.id;
  store_options.device_key = key->get();
  store_options.min_free_bytes = 0;  // accepting must work on a nearly full disk too
  auto store = TransactionStore::accept_new_journal(store_options, Log(logger, "store"),
                                                    options.reason, options.continue_after);
  if (!store) return say(store.error().describe(), 1);
  auto health = (*store)->health();
  std::int64_t last = health ? health->last_sequence : 0;
  std::fprintf(out, "accepted a new journal at %s; the next transaction is sequence %lld\n",
               store_options.path.c_str(), static_cast<long long>(last + 1));
  return 0;
}

}  // namespace shubbak::provision
