// T=1 blocks and the protocol state machine against a card whose answers are the fuzz input:
// each answer is one length byte and that many block bytes.
#include "drivers/card/t1_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shubbak::ByteView input(data, size);
  (void)shubbak::parse_t1_block(input);
  std::size_t at = 0;
  int exchanges = 0;
  auto card = [&](shubbak::ByteView, std::uint8_t) -> shubbak::Expected<shubbak::Bytes> {
    if (++exchanges > 1000) __builtin_trap();  // the protocol must give up by itself
    if (at >= input.size()) return shubbak::fail(shubbak::Errc::timeout, "silent");
    std::size_t announced = input[at];
    ++at;
    std::size_t length = std::min<std::size_t>(announced, input.size() - at);
    shubbak::Bytes block(input.begin() + static_cast<std::ptrdiff_t>(at),
                         input.begin() + static_cast<std::ptrdiff_t>(at + length));
    at += length;
    return block;
  };
  shubbak::T1Protocol t1(card, 16, 254);
  (void)t1.negotiate_ifsd();
  shubbak::Bytes apdu(40, 0xB0);
  while (at < input.size() && exchanges < 1000) {
    if (!t1.transceive(apdu) && at >= input.size()) break;
  }
  return 0;
}
