#include "drivers/printer/cups/printer_state_reasons.hpp"

#include <string_view>

namespace shubbak {

namespace {

std::string_view without_severity(std::string_view keyword) {
  for (std::string_view suffix : {"-report", "-warning", "-error"}) {
    if (keyword.ends_with(suffix)) return keyword.substr(0, keyword.size() - suffix.size());
  }
  return keyword;
}

std::optional<PrinterState> state_of(std::string_view keyword) {
  std::string_view base = without_severity(keyword);
  if (base == "media-empty" || base == "media-needed") return PrinterState::media_empty;
  if (base == "media-jam") return PrinterState::jam;
  if (base == "door-open" || base == "cover-open") return PrinterState::door_open;
  if (base == "media-low") return PrinterState::media_low;
  // cupsd says "paused" for a queue a technician stopped, and "printer-stopped" on its jobs.
  if (base == "offline" || base == "shutdown" || base == "printer-stopped" || base == "paused" ||
      base == "timed-out") {
    return PrinterState::offline;
  }
  return std::nullopt;
}

// Higher is more serious: the state the citizen and technician must hear about first.
int severity(PrinterState state) {
  switch (state) {
    case PrinterState::ok:
      return 0;
    case PrinterState::media_low:
      return 1;
    case PrinterState::media_empty:
      return 2;
    case PrinterState::door_open:
      return 3;
    case PrinterState::jam:
      return 4;
    case PrinterState::offline:
      return 5;
  }
  return 5;
}

}  // namespace

std::optional<PrinterState> state_from_reasons(std::span<const std::string> reasons) {
  std::optional<PrinterState> worst;
  for (const auto& reason : reasons) {
    auto state = state_of(reason);
    if (state && (!worst || severity(*state) > severity(*worst))) worst = state;
  }
  return worst;
}

PrinterState printer_state_from(bool stopped, std::span<const std::string> reasons) {
  auto state = state_from_reasons(reasons);
  if (state && *state != PrinterState::media_low) return *state;
  if (stopped)
    return PrinterState::offline;  // stopped for a reason it does not say, or not only low paper
  return state.value_or(PrinterState::ok);
}

}  // namespace shubbak
