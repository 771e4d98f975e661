#include <doctest/doctest.h>

#include <vector>

#include "drivers/printer/cups/ipp_job.hpp"
#include "drivers/printer/cups/printer_state_reasons.hpp"

using namespace shubbak;

namespace {
std::optional<PrinterState> from(std::vector<std::string> reasons) {
  return state_from_reasons(reasons);
}
}  // namespace

TEST_CASE(
    "IPP reason keywords map onto the kiosk's printer states, whatever their severity suffix") {
  CHECK(from({"media-empty-error"}) == PrinterState::media_empty);
  CHECK(from({"media-empty-report"}) == PrinterState::media_empty);
  CHECK(from({"media-needed"}) == PrinterState::media_empty);
  CHECK(from({"media-jam-warning"}) == PrinterState::jam);
  CHECK(from({"door-open"}) == PrinterState::door_open);
  CHECK(from({"cover-open-report"}) == PrinterState::door_open);
  CHECK(from({"media-low-report"}) == PrinterState::media_low);
  CHECK(from({"offline-report"}) == PrinterState::offline);
  CHECK(from({"shutdown"}) == PrinterState::offline);
  CHECK(from({"paused"}) == PrinterState::offline);
  CHECK(from({"none"}) == std::nullopt);
  CHECK(from({"aborted-by-system", "job-canceled-at-device"}) == std::nullopt);
  CHECK(from({}) == std::nullopt);
  // Not fooled by a keyword that only starts like one it knows.
  CHECK(from({"media-emptyish"}) == std::nullopt);
}

TEST_CASE("the most serious of several reasons wins") {
  CHECK(from({"media-low-report", "media-empty-error"}) == PrinterState::media_empty);
  CHECK(from({"media-empty", "media-jam"}) == PrinterState::jam);
  CHECK(from({"media-jam", "offline-report"}) == PrinterState::offline);
}

TEST_CASE(
    "a stopped printer with no fault it names is offline; low paper alone does not stop printing") {
  std::vector<std::string> none{"none"};
  std::vector<std::string> low{"media-low-report"};
  std::vector<std::string> jam{"media-jam-error"};
  CHECK(printer_state_from(false, none) == PrinterState::ok);
  CHECK(printer_state_from(true, none) == PrinterState::offline);
  CHECK(printer_state_from(false, low) == PrinterState::media_low);
  CHECK(printer_state_from(true, low) == PrinterState::offline);
  CHECK(printer_state_from(true, jam) == PrinterState::jam);
}

TEST_CASE("job names are transaction ids, never free text") {
  CHECK(is_plain_job_name("T-20260315-000042"));
  CHECK(is_plain_job_name("ticket-A.17_b"));
  CHECK_FALSE(is_plain_job_name(""));
  CHECK_FALSE(is_plain_job_name("Ahmed Al-Balushi"));
  CHECK_FALSE(is_plain_job_name("رقم"));
  CHECK_FALSE(is_plain_job_name("a/b"));
  CHECK_FALSE(is_plain_job_name(std::string(128, 'a')));
}
