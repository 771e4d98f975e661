// The console's receipt verification: an admin pastes a receipt's QR text or uploads a photo or
// scan of the receipt (a PNG), and the seal is checked against the device key the portal pinned
// for the kiosk the seal names (provisioning/receipts does the check). The page says whether the
// seal is valid and why not, shows its fields, and whether the portal holds the transaction it
// names and whether the stored record says the same.
//
// Threading: any thread; the store's calls are safe from any.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/portal_store.hpp"
#include "provisioning/receipts/seal_check.hpp"

namespace shubbak::portal::console {

// The largest picture the form takes; the request may be this and a little more.
inline constexpr std::size_t k_max_receipt_picture_bytes = 8 * 1024 * 1024;

struct ReceiptCheck {
  receipts::SealCheck seal;
  bool from_picture = false;
  std::optional<StoredTransaction> stored;  // the transaction the seal names, if held here
  std::vector<std::string> mismatches;      // what the stored record says otherwise: "kiosk", ...
};

// Checks the seal in `picture` (a PNG's bytes) when it is not empty, else in `text`.
Expected<ReceiptCheck> check_receipt(PortalStore& portal, std::string_view text,
                                     std::string_view picture);

// The form, and the outcome of a check when there is one.
std::string render_receipt_check(const PageContext& context,
                                 const std::optional<ReceiptCheck>& check);

}  // namespace shubbak::portal::console
