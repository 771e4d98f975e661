// CCID answers, interrupt messages and class descriptors from a reader that may lie.
#include "drivers/card/apdu.hpp"
#include "drivers/card/ccid_descriptor.hpp"
#include "drivers/card/ccid_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shubbak::ByteView bytes(data, size);
  if (auto response = shubbak::parse_ccid_response(bytes)) {
    (void)shubbak::ccid_command_error(*response, "fuzz");
    (void)response->icc_status();
    (void)shubbak::parse_response_apdu(response->payload);
  }
  (void)shubbak::parse_notify_slot_change(bytes);
  if (auto descriptor = shubbak::find_ccid_descriptor(bytes)) {
    (void)descriptor->exchange_level();
    (void)shubbak::apply_ccid_quirks(0x1D6B, 0x0C1D, *descriptor);
  }
  if (auto command = shubbak::parse_command_apdu(bytes)) {
    auto again = command->encode(true);
    if (!again) __builtin_trap();  // whatever parses must encode back
  }
  return 0;
}
