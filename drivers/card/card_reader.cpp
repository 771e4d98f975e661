#include "drivers/card/card_reader.hpp"

#include <fmt/format.h>

namespace shubbak {

namespace {
constexpr int k_max_get_response_rounds = 256;
constexpr std::size_t k_max_response_bytes = 65536;
}  // namespace

Expected<ResponseApdu> transmit(CardReader& reader, const CommandApdu& command) {
  auto response = reader.transmit_raw(command);
  if (!response) return response;
  if (response->sw1() == 0x6C) {
    // Wrong Le: the card names the exact length; send the same command once more with it.
    CommandApdu again = command;
    again.le = response->sw2() == 0 ? k_max_short_le : response->sw2();
    response = reader.transmit_raw(again);
    if (!response) return response;
  }
  Bytes collected = std::move(response->data);
  int rounds = 0;
  while (response->sw1() == 0x61) {
    if (++rounds > k_max_get_response_rounds) {
      secure_wipe(collected);
      return fail(Errc::device, "card keeps answering 61xx to GET RESPONSE");
    }
    CommandApdu get_response{
        static_cast<std::uint8_t>(command.cla & 0x03),          0xC0, 0x00, 0x00, {},
        response->sw2() == 0 ? k_max_short_le : response->sw2()};
    response = reader.transmit_raw(get_response);
    if (!response) {
      secure_wipe(collected);
      return response;
    }
    if (collected.size() + response->data.size() > k_max_response_bytes) {
      secure_wipe(collected);
      return fail(Errc::device, "card's chained response is longer than 65536 bytes");
    }
    collected.insert(collected.end(), response->data.begin(), response->data.end());
    secure_wipe(response->data);
  }
  response->data = std::move(collected);
  return response;
}

Expected<Bytes> read_contactless_uid(CardReader& reader) {
  auto response = transmit(reader, CommandApdu{0xFF, 0xCA, 0x00, 0x00, {}, k_max_short_le});
  if (!response) return std::unexpected(response.error());
  if (!response->ok()) {
    return fail(
        errc_for_status_word(response->sw),
        fmt::format("GET DATA (UID): reader answered {}", describe_status_word(response->sw)));
  }
  if (response->data.empty() || response->data.size() > 10) {
    return fail(Errc::device, fmt::format("GET DATA (UID): {}-byte UID", response->data.size()));
  }
  return std::move(response->data);
}

}  // namespace shubbak
