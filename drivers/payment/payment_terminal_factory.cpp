#include <fmt/format.h>

#include "drivers/payment/payment_terminal.hpp"
#include "drivers/payment/simulated_terminal.hpp"

namespace shubbak {

namespace {
// The simulated card holder takes this long at the terminal: long enough for the demo to
// show the waiting screen, short enough for tests.
constexpr std::chrono::milliseconds k_simulated_card_holder{400};
}  // namespace

Expected<std::unique_ptr<PaymentTerminal>> open_payment_terminal(std::string_view uri) {
  if (uri == "none") return std::unique_ptr<PaymentTerminal>();
  if (uri == "sim://demo") {
    auto terminal = std::make_unique<SimulatedTerminal>(k_simulated_card_holder);
    if (auto opened = terminal->open(); !opened) return std::unexpected(opened.error());
    return std::unique_ptr<PaymentTerminal>(std::move(terminal));
  }
  return fail(Errc::config,
              fmt::format("payment terminal \"{}\": unknown scheme (sim://demo or none)", uri));
}

}  // namespace shubbak
