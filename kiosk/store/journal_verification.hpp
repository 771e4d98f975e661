// Verifying what a start has not verified before: the records after the marks' verified
// sequence (canonical form, their columns, the device signature) and the audit chain after the
// marks' verified entry (which must still carry the hash it had). Damage that SQLite's own
// integrity check cannot see (a changed byte inside a record or an audit entry) is found here.
// Private to kiosk/store.
#pragma once

#include <cstdint>
#include <span>

#include "kiosk/core/error.hpp"
#include "kiosk/store/journal_marks.hpp"
#include "kiosk/store/sqlite.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

// Checks everything beyond `marks` in `db`; on success moves the marks' verified fields to what
// was checked and says how much that was. Errc::integrity names the first record or audit entry
// that does not verify; other errors are SQLite's.
Expected<StartupVerification> verify_since_marks(sqlite::Database& db, JournalMarks& marks,
                                                 std::span<const std::uint8_t> device_public_key);

}  // namespace shubbak
