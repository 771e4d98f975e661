#include "kiosk/session/technician_export.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/luhn.hpp"

namespace shubbak {

namespace fs = std::filesystem;

std::string mask_card_numbers(std::string text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    std::size_t length = end - i;
    if (length >= 13 && length <= 19 && passes_luhn(std::string_view(text).substr(i, length))) {
      std::fill(text.begin() + static_cast<std::ptrdiff_t>(i),
                text.begin() + static_cast<std::ptrdiff_t>(end), '*');
    }
    i = end;
  }
  return text;
}

Expected<ExportResult> export_technician_logs(const fs::path& export_dir,
                                              const std::string& kiosk_id, const std::string& stamp,
                                              TransactionStore* store,
                                              const std::string& diagnostics_report) {
  std::error_code ec;
  if (!fs::is_directory(export_dir, ec)) {
    return fail(Errc::not_found, fmt::format("no export medium at {} (is the USB stick mounted?)",
                                             export_dir.string()));
  }
  ExportResult result;
  result.directory = export_dir / fmt::format("shubbak-{}-{}", kiosk_id, stamp);
  fs::create_directory(result.directory, ec);
  if (ec)
    return fail(Errc::io,
                fmt::format("cannot create {}: {}", result.directory.string(), ec.message()));

  std::string audit;
  if (store) {
    auto visited = store->for_each_audit_entry([&](const AuditEntry& entry) {
      nlohmann::json line = {{"seq", entry.seq},         {"wall_ms", entry.wall_ms},
                             {"boot_id", entry.boot_id}, {"kind", entry.kind},
                             {"detail", entry.detail},   {"prev_hash", entry.prev_hash},
                             {"hash", entry.hash}};
      audit += line.dump();
      audit += '\n';
      ++result.audit_entries;
    });
    if (!visited) return std::unexpected(visited.error());
  } else {
    audit = "{\"error\":\"the transaction store is out of service\"}\n";
  }
  fs::path audit_file = result.directory / "audit-log.jsonl";
  if (auto written = write_file_atomically(audit_file, mask_card_numbers(std::move(audit)));
      !written) {
    return std::unexpected(written.error());
  }
  result.files.push_back(audit_file);
  fs::path report_file = result.directory / "diagnostics.txt";
  if (auto written = write_file_atomically(report_file, mask_card_numbers(diagnostics_report));
      !written) {
    return std::unexpected(written.error());
  }
  result.files.push_back(report_file);
  if (auto synced = sync_directory(export_dir); !synced) return std::unexpected(synced.error());
  return result;
}

}  // namespace shubbak
