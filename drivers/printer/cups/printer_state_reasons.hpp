// IPP's printer-state-reasons and job-state-reasons keywords, folded once into the kiosk's
// PrinterState. Keywords may carry a severity suffix (-report, -warning, -error); it is ignored:
// a printer that says "media-empty-report" has no paper either.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "drivers/printer/receipt_printer.hpp"

namespace shubbak {

// The most serious fault the reasons name (offline, then jam, door open, no paper, low paper),
// or nullopt when none of them is a fault the kiosk knows ("none", "aborted-by-system", ...).
std::optional<PrinterState> state_from_reasons(std::span<const std::string> reasons);

// A printer's state from its printer-state (`stopped`: IPP's "stopped" value) and reasons: a
// stopped printer without a known fault counts as offline.
PrinterState printer_state_from(bool stopped, std::span<const std::string> reasons);

}  // namespace shubbak
