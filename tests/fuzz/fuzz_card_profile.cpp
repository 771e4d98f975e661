// Card profiles arrive in service bundles: JSON from the network, however well signed.
#include "drivers/card/card_profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)shubbak::parse_card_profile(std::string_view(reinterpret_cast<const char*>(data), size),
                                    "fuzz");
  return 0;
}
