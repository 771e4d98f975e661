// For the portal fuzz targets: encode_results(), compiled in with the protocol, names outcomes;
// the store that defines outcome_name() (with SQLite behind it) is not part of those targets.
#include <string_view>

#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

std::string_view outcome_name(UploadOutcome outcome) {
  return outcome == UploadOutcome::accepted    ? "accepted"
         : outcome == UploadOutcome::duplicate ? "duplicate"
                                               : "rejected";
}

}  // namespace shubbak
