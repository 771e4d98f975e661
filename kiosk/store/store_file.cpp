#include "kiosk/store/store_file.hpp"

#include <atomic>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "kiosk/store/sqlite.hpp"

namespace shubbak {

namespace {

namespace fs = std::filesystem;

}  // namespace

// "<name>.corrupt-<ms>" beside `path`.
std::optional<fs::path> moved_aside_copy(const fs::path& path) {
  std::error_code ec;
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string prefix = path.filename().string() + ".corrupt-";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.find('-', prefix.size()) == std::string::npos)
      return entry.path();
  }
  return std::nullopt;
}

namespace {

// Runs PRAGMA integrity_check; an empty string means "ok", otherwise the first problem.
Expected<std::string> integrity_problem(sqlite::Database& db) {
  auto stmt = db.prepare("PRAGMA integrity_check(1)");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::string("integrity_check returned nothing");
  std::string result = stmt->column_text(0);
  return result == "ok" ? std::string() : result;
}

}  // namespace

Expected<fs::path> move_store_aside(const fs::path& path, std::int64_t now_ms) {
  std::error_code ec;
  fs::path aside;
  // Never over an earlier copy: each is evidence of its own.
  for (std::int64_t stamp = now_ms;; ++stamp) {
    aside = path;
    aside += fmt::format(".corrupt-{}", stamp);
    if (!fs::exists(aside, ec)) break;
  }
  // The -wal and -shm files belong to the same database state: keep them with it.
  for (std::string_view suffix : {"-wal", "-shm"}) {
    fs::path side = path;
    side += suffix;
    fs::path side_aside = aside;
    side_aside += suffix;
    if (fs::exists(side, ec)) fs::rename(side, side_aside, ec);
  }
  fs::rename(path, aside, ec);
  if (ec)
    return fail(Errc::io, fmt::format("cannot move {} aside: {}", path.string(), ec.message()));
  return aside;
}

Expected<std::string> structural_problem(const fs::path& path, const std::atomic<bool>* cancel) {
  if (cancel != nullptr && cancel->load()) return fail(Errc::cancelled, "integrity check stopped");
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READONLY);
  if (!db) return std::unexpected(db.error());
  if (cancel != nullptr) {
    // SQLite asks between virtual machine steps; a non-zero answer interrupts the check. (The
    // b-tree walk is one step: a stop waits for it, about a second for 100,000 transactions.)
    sqlite3_progress_handler(
        db->handle(), 100,
        [](void* flag) { return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0; },
        const_cast<std::atomic<bool>*>(cancel));
  }
  auto problem = integrity_problem(*db);
  if (!problem && cancel != nullptr && cancel->load())
    return fail(Errc::cancelled, "integrity check stopped");
  if (!problem && problem.error().code == Errc::integrity) return problem.error().message;
  return problem;
}

Expected<void> check_store_file(const fs::path& path, std::int64_t now_ms, const Log& log,
                                bool structural_check) {
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (!exists) {
    if (auto aside = moved_aside_copy(path)) {
      return fail(
          Errc::integrity,
          fmt::format(
              "{} was found damaged and moved aside to {}; out of service until a technician "
              "restores it or accepts a new journal (shubbakctl kiosk accept-new-journal)",
              path.string(), aside->string()));
    }
  }

  if (exists && structural_check) {
    // Checked on a connection of its own, closed before the file may be moved aside.
    auto checked = sqlite::Database::open(path, SQLITE_OPEN_READWRITE);
    if (!checked) return std::unexpected(checked.error());
    auto problem = integrity_problem(*checked);
    bool corrupt = problem ? !problem->empty() : problem.error().code == Errc::integrity;
    if (!problem && !corrupt)
      return std::unexpected(problem.error());  // e.g. locked: not corruption
    checked = sqlite::Database::open(":memory:", SQLITE_OPEN_READWRITE);
    if (corrupt) {
      std::string why = problem ? *problem : problem.error().message;
      auto aside = move_store_aside(path, now_ms);
      if (!aside) return std::unexpected(aside.error());
      log.error("{} failed its integrity check ({}); moved aside to {}", path.string(), why,
                aside->string());
      return fail(Errc::integrity, fmt::format("{} is corrupt ({}); moved aside to {}",
                                               path.string(), why, aside->string()));
    }
  }

  return {};
}

}  // namespace shubbak
