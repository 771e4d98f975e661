#include "kiosk/payments/payment_journal.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace shubbak {

namespace {

namespace fs = std::filesystem;

std::optional<PaymentStatus> parse_status(std::string_view s) {
  for (auto st : {PaymentStatus::approved, PaymentStatus::declined, PaymentStatus::cancelled,
                  PaymentStatus::timeout, PaymentStatus::unknown, PaymentStatus::reversed}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

// One file of the older journal, as an intent to store; nullopt when it cannot even be named.
std::optional<StoredPaymentIntent> read_legacy_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  StoredPaymentIntent intent;
  intent.status = std::string(to_string(PaymentStatus::unknown));
  if (!j.is_discarded() && j.is_object() && j.contains("reference") && j["reference"].is_string() &&
      j.value("minor_units", nlohmann::json()).is_number_integer() &&
      parse_status(j.value("status", std::string())) &&
      safe_payment_reference(j["reference"].get<std::string>())) {
    intent.reference = j["reference"].get<std::string>();
    intent.minor_units = j["minor_units"].get<std::int64_t>();
    intent.currency = j.value("currency", "");
    intent.service_id = j.value("service", "");
    intent.terminal_reference = j.value("terminal_reference", "");
    intent.status = j.value("status", "");
    return intent;
  }
  // Damaged: its name is its reference; what the terminal did is asked of the terminal.
  std::string stem = file.stem().string();
  if (!safe_payment_reference(stem)) return std::nullopt;
  intent.reference = stem;
  return intent;
}

}  // namespace

bool safe_payment_reference(std::string_view r) {
  return !r.empty() && r.size() <= 64 && std::all_of(r.begin(), r.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

PaymentJournal::PaymentJournal(TransactionStore& store, fs::path legacy_directory)
    : m_store(store), m_table(store), m_legacy_directory(std::move(legacy_directory)) {}

Expected<void> PaymentJournal::preflight(const TransactionDraft& draft) {
  return m_store.check(draft);
}

Expected<void> PaymentJournal::begin(const PaymentIntent& intent) {
  if (!safe_payment_reference(intent.reference)) {
    return fail(Errc::invalid_argument, "payment reference is not [A-Za-z0-9-]{1,64}");
  }
  StoredPaymentIntent row;
  row.reference = intent.reference;
  row.minor_units = intent.amount.minor_units;
  row.currency = intent.amount.currency;
  row.service_id = intent.service_id;
  row.status = std::string(to_string(intent.status));
  row.terminal_reference = intent.terminal_reference;
  return m_table.open(row);
}

Expected<void> PaymentJournal::answer(const std::string& reference, const PaymentResult& result) {
  return m_table.answer(reference, to_string(result.status), result.terminal_reference);
}

Expected<UnresolvedIntents> PaymentJournal::unresolved() {
  auto rows = m_table.unresolved();
  if (!rows) return std::unexpected(rows.error());
  UnresolvedIntents out;
  for (auto& row : *rows) {
    auto status = parse_status(row.status);
    std::string problem;
    if (!safe_payment_reference(row.reference)) {
      problem = "its reference is not [A-Za-z0-9-]{1,64}";
    } else if (!status) {
      problem = fmt::format("its status '{}' is not a terminal answer", row.status.substr(0, 32));
    } else if (!make_money(row.minor_units, row.currency)) {
      problem = "its amount is not money";
    }
    if (!problem.empty()) {
      out.damaged.push_back({std::move(row.reference), std::move(problem)});
      continue;
    }
    out.intents.push_back({std::move(row.reference),
                           Money{row.minor_units, std::move(row.currency)},
                           std::move(row.service_id), *status, std::move(row.terminal_reference),
                           row.state == "reversing"});
  }
  return out;
}

Expected<std::optional<std::string>> PaymentJournal::transaction_for(const std::string& reference) {
  return m_table.transaction_for(reference);
}

Expected<void> PaymentJournal::claim_for_reversal(const std::string& reference) {
  return m_table.claim_for_reversal(reference);
}

Expected<void> PaymentJournal::end(const std::string& reference, IntentEnd how,
                                   std::string_view why, std::string_view transaction_id) {
  return m_table.end(reference, how, why, transaction_id);
}

Expected<void> PaymentJournal::note_unresolved(const std::string& reference, std::string_view why) {
  return m_table.note_unresolved(reference, why);
}

Expected<int> PaymentJournal::import_legacy() {
  if (m_legacy_directory.empty()) return 0;
  std::error_code ec;
  if (!fs::is_directory(m_legacy_directory, ec)) return 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(m_legacy_directory, ec))
    files.push_back(entry.path());
  if (ec)
    return fail(Errc::io,
                fmt::format("cannot read {}: {}", m_legacy_directory.string(), ec.message()));
  std::sort(files.begin(), files.end());
  int moved = 0;
  std::optional<Error> first_error;
  for (const auto& file : files) {
    if (file.extension() == ".tmp") {
      fs::remove(file, ec);  // a write that never finished: the old build never asked the terminal
      continue;
    }
    if (file.extension() != ".json") continue;
    auto intent = read_legacy_file(file);
    if (!intent) {
      if (!first_error)
        first_error =
            Error{Errc::integrity, fmt::format("{} names no payment reference", file.string())};
      continue;
    }
    auto written = m_table.import(*intent);
    if (!written) {
      if (!first_error) first_error = written.error();
      continue;
    }
    // Only once the row is durable does the file go: a crash in between imports it again, which
    // the store ignores (the reference exists).
    fs::remove(file, ec);
    ++moved;
  }
  if (fs::is_empty(m_legacy_directory, ec)) fs::remove(m_legacy_directory, ec);
  if (first_error && moved == 0) return std::unexpected(*first_error);
  return moved;
}

}  // namespace shubbak
