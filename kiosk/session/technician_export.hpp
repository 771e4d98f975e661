// The technician's log export to a USB stick: a new directory under export_dir with the audit
// log (one JSON entry a line, with its chain hashes, so the service desk can verify it) and the
// diagnostics report. Each file is fsynced, then its directory, so pulling the stick after
// "exported" loses nothing. The audit log holds no citizen data; as a second guard, any run of
// 13 to 19 digits that passes the Luhn check (a card number) is masked in the export.
//
// Threading: blocks on the disk; call it on a worker.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

struct ExportResult {
  std::filesystem::path directory;
  std::vector<std::filesystem::path> files;
  std::int64_t audit_entries = 0;
};

// `stamp` names the directory ("20250101T120000Z"); `store` may be null (the audit file then
// says the store was out of service). Fails when export_dir does not exist (no stick mounted).
Expected<ExportResult> export_technician_logs(const std::filesystem::path& export_dir,
                                              const std::string& kiosk_id, const std::string& stamp,
                                              TransactionStore* store,
                                              const std::string& diagnostics_report);

// `text` with every Luhn-valid run of 13-19 digits replaced by '*'s.
std::string mask_card_numbers(std::string text);

}  // namespace shubbak
