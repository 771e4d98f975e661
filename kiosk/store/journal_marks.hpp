// The journal's high-water marks, kept in a small file beside journal.db ("journal.db.marks"),
// outside the database on purpose: when the database is lost, emptied or swapped, the marks
// still say that this kiosk has used sequence numbers before, up to where, and how far its
// records and audit chain were verified.
//
// - reserved_sequence: no record of this kiosk ever had a higher sequence. The store reserves
//   numbers in blocks (writing this file before the first commit of each block), so the file is
//   written once per k_sequence_reservation commits, not at every commit. A new journal, once a
//   technician accepts it, continues after reserved_sequence: numbers are never reused.
// - verified_sequence, verified_audit_seq/hash: records up to verified_sequence had their
//   signature checked, and the audit chain up to verified_audit_seq verified (ending in that
//   hash), at an earlier start. A start checks only what lies beyond.
// - journal_id: a random number stored in the journal itself, so that marks are never applied to
//   another journal than the one they describe.
// - damage: what SQLite's integrity check found, when the check that runs after a start (it reads
//   every page, so it is kept off the start path) failed; the next start moves the journal aside.
//
// The file is a line of JSON and the SHA-256 of that line; it is replaced atomically (temporary
// file, fsync, rename, directory fsync). A file that does not verify is damage, never a default.
//
// Threading: plain functions; the store serialises its own calls.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/store/audit_log.hpp"

namespace shubbak {

// How many sequence numbers one write of the marks file reserves.
inline constexpr std::int64_t k_sequence_reservation = 100;

struct JournalMarks {
  std::int64_t journal_id = 0;
  std::int64_t reserved_sequence = 0;
  std::int64_t verified_sequence = 0;
  std::int64_t verified_audit_seq = 0;
  std::string verified_audit_hash = std::string(k_audit_genesis_hash);
  std::string damage;  // empty: none found

  bool operator==(const JournalMarks&) const = default;
};

// "<journal>.marks", beside the journal.
std::filesystem::path journal_marks_path(const std::filesystem::path& journal);

// The marks at `path`; nullopt when there is no such file; Errc::integrity when the file is
// there but damaged (checksum, format), Errc::io when it cannot be read.
Expected<std::optional<JournalMarks>> read_journal_marks(const std::filesystem::path& path);

// Replaces the file atomically and durably.
Expected<void> write_journal_marks(const std::filesystem::path& path, const JournalMarks& marks);

}  // namespace shubbak
