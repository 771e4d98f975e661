#include "kiosk/payments/payment_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace shubbak {

namespace {

namespace fs = std::filesystem;

bool safe_reference(const std::string& r) {
  return !r.empty() && r.size() <= 64 && std::all_of(r.begin(), r.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

std::optional<PaymentStatus> parse_status(const std::string& s) {
  for (auto st : {PaymentStatus::approved, PaymentStatus::declined, PaymentStatus::cancelled,
                  PaymentStatus::timeout, PaymentStatus::unknown, PaymentStatus::reversed}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

Expected<void> fsync_path(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return fail_errno(Errc::io, fmt::format("open {}", path.string()), errno);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return fail_errno(Errc::io, fmt::format("fsync {}", path.string()), saved);
  return {};
}

}  // namespace

Expected<PaymentJournal> PaymentJournal::open(const fs::path& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec)
    return fail(Errc::io, fmt::format("cannot create {}: {}", directory.string(), ec.message()));
  return PaymentJournal(directory);
}

Expected<void> PaymentJournal::record(const PaymentIntent& intent) {
  if (!safe_reference(intent.reference))
    return fail(Errc::invalid_argument, "payment reference is not [A-Za-z0-9-]{1,64}");
  nlohmann::json j = {{"reference", intent.reference},
                      {"minor_units", intent.amount.minor_units},
                      {"currency", intent.amount.currency},
                      {"service", intent.service_id},
                      {"status", std::string(to_string(intent.status))},
                      {"terminal_reference", intent.terminal_reference}};
  fs::path target = m_directory / (intent.reference + ".json");
  fs::path temporary = m_directory / (intent.reference + ".json.tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << j.dump();
    out.flush();
    if (!out)
      return fail(Errc::io, fmt::format("cannot write {} (disk full?)", temporary.string()));
  }
  if (auto synced = fsync_path(temporary, O_RDONLY); !synced) return synced;
  std::error_code ec;
  fs::rename(temporary, target, ec);
  if (ec)
    return fail(Errc::io, fmt::format("cannot rename {}: {}", temporary.string(), ec.message()));
  return fsync_path(m_directory, O_RDONLY | O_DIRECTORY);
}

Expected<std::vector<PaymentIntent>> PaymentJournal::open_intents() const {
  std::vector<std::pair<fs::file_time_type, PaymentIntent>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_directory, ec)) {
    if (entry.path().extension() != ".json") continue;  // a .tmp is a write that never finished
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto j = nlohmann::json::parse(text.str(), nullptr, false);
    PaymentIntent intent;
    std::optional<PaymentStatus> status;
    if (!j.is_discarded() && j.is_object() && j.contains("reference") &&
        j["reference"].is_string() &&
        j.value("minor_units", nlohmann::json()).is_number_integer()) {
      intent.reference = j["reference"].get<std::string>();
      intent.amount = {j["minor_units"].get<std::int64_t>(), j.value("currency", "")};
      intent.service_id = j.value("service", "");
      intent.terminal_reference = j.value("terminal_reference", "");
      status = parse_status(j.value("status", ""));
    }
    if (!status)
      return fail(Errc::integrity,
                  fmt::format("payment record {} is damaged", entry.path().string()));
    intent.status = *status;
    found.emplace_back(entry.last_write_time(), std::move(intent));
  }
  if (ec)
    return fail(Errc::io, fmt::format("cannot read {}: {}", m_directory.string(), ec.message()));
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<PaymentIntent> out;
  for (auto& [time, intent] : found) out.push_back(std::move(intent));
  return out;
}

Expected<void> PaymentJournal::close(const std::string& reference) {
  if (!safe_reference(reference))
    return fail(Errc::invalid_argument, "payment reference is not [A-Za-z0-9-]{1,64}");
  std::error_code ec;
  fs::remove(m_directory / (reference + ".json"), ec);
  if (ec)
    return fail(Errc::io,
                fmt::format("cannot remove payment record {}: {}", reference, ec.message()));
  return fsync_path(m_directory, O_RDONLY | O_DIRECTORY);
}

}  // namespace shubbak
