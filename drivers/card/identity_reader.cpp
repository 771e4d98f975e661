// read_identity(): runs a CardProfile against a card.
#include <map>

#include <fmt/format.h>

#include "drivers/card/ber_tlv.hpp"
#include "drivers/card/card_profile.hpp"
#include "kiosk/core/hex.hpp"

namespace shubbak {

namespace {

constexpr std::size_t k_max_ef_size = 32 * 1024;

// Buffers read from the card; wiped however the read ends.
struct CardBuffers {
  std::map<std::string, Bytes> named;
  ~CardBuffers() {
    for (auto& [_, bytes] : named) secure_wipe(bytes);
  }
};

// Powers the card off however the read ends.
struct PowerGuard {
  CardReader& reader;
  ~PowerGuard() { (void)reader.power_off(); }
};

Expected<void> run_checked(CardReader& reader, const CommandApdu& command, std::string_view what,
                           Bytes* into) {
  auto response = transmit(reader, command);
  if (!response)
    return fail(response.error().code, fmt::format("{}: {}", what, response.error().message));
  if (auto ok = check_status(*response, what); !ok) {
    secure_wipe(response->data);
    return ok;
  }
  if (into) into->insert(into->end(), response->data.begin(), response->data.end());
  secure_wipe(response->data);
  return {};
}

Expected<void> read_binary(CardReader& reader, const CardProfileStep& step, Bytes& into) {
  std::size_t chunk = std::min<std::size_t>(reader.max_response_length(), 1024);
  std::size_t wanted = step.length ? *step.length : k_max_ef_size;
  std::size_t offset = step.offset;
  while (into.size() < wanted) {
    std::size_t ask = std::min(chunk, wanted - into.size());
    CommandApdu command{0x00, 0xB0, 0, 0, {}, static_cast<std::uint32_t>(ask)};
    if (step.sfi != 0 && offset == step.offset) {
      command.p1 = static_cast<std::uint8_t>(0x80 | step.sfi);
      command.p2 = static_cast<std::uint8_t>(offset);
    } else {
      if (offset > 0x7FFF) return fail(Errc::device, "READ BINARY: file larger than 32 KiB");
      command.p1 = static_cast<std::uint8_t>(offset >> 8);
      command.p2 = static_cast<std::uint8_t>(offset & 0xFF);
    }
    auto response = transmit(reader, command);
    if (!response)
      return fail(response.error().code, fmt::format("READ BINARY: {}", response.error().message));
    // Reading to the end: 6B00 at an offset past the end means the last read ended exactly there.
    if (response->sw == 0x6B00 && !step.length && offset > step.offset) break;
    if (auto ok = check_status(*response, "READ BINARY"); !ok) {
      secure_wipe(response->data);
      return ok;
    }
    std::size_t got = response->data.size();
    into.insert(into.end(), response->data.begin(), response->data.end());
    secure_wipe(response->data);
    offset += got;
    if (got < ask || got == 0) break;  // end of file
  }
  if (step.length && into.size() < *step.length) {
    return fail(Errc::device, fmt::format("READ BINARY: file has {} bytes, profile wants {}",
                                          into.size(), *step.length));
  }
  return {};
}

bool valid_date(std::string_view d) {
  if (d.size() != 10) return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Expected<std::string> decode_field(const std::string& name, const CardProfileField& field,
                                   ByteView bytes) {
  std::string text;
  switch (field.encoding) {
    case CardProfileField::Encoding::ascii:
      for (auto b : bytes) {
        if (b < 0x20 || b > 0x7E)
          return fail(Errc::parse, fmt::format("field {}: not printable ASCII", name));
        text.push_back(static_cast<char>(b));
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      return text;
    case CardProfileField::Encoding::utf8: {
      text.assign(bytes.begin(), bytes.end());
      // Reject malformed UTF-8: a broken name must not reach a receipt.
      std::size_t i = 0;
      while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t n = c < 0x80           ? 1
                        : (c >> 5) == 0x6  ? 2
                        : (c >> 4) == 0xE  ? 3
                        : (c >> 3) == 0x1E ? 4
                                           : 0;
        if (n == 0 || i + n > text.size()) {
          secure_wipe(text);
          return fail(Errc::parse, fmt::format("field {}: malformed UTF-8", name));
        }
        for (std::size_t k = 1; k < n; ++k) {
          if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
            secure_wipe(text);
            return fail(Errc::parse, fmt::format("field {}: malformed UTF-8", name));
          }
        }
        i += n;
      }
      return text;
    }
    case CardProfileField::Encoding::hex:
      return to_hex_upper(bytes);
    case CardProfileField::Encoding::bcd_date: {
      if (bytes.size() != 4)
        return fail(Errc::parse, fmt::format("field {}: BCD date of {} bytes", name, bytes.size()));
      std::string digits = to_hex_upper(bytes);
      text = fmt::format("{}-{}-{}", digits.substr(0, 4), digits.substr(4, 2), digits.substr(6, 2));
      break;
    }
    case CardProfileField::Encoding::ascii_date: {
      if (bytes.size() != 8)
        return fail(Errc::parse, fmt::format("field {}: date of {} bytes", name, bytes.size()));
      std::string digits(bytes.begin(), bytes.end());
      text = fmt::format("{}-{}-{}", digits.substr(0, 4), digits.substr(4, 2), digits.substr(6, 2));
      break;
    }
  }
  if (!valid_date(text)) return fail(Errc::parse, fmt::format("field {}: not a valid date", name));
  return text;
}

std::string* field_slot(IdentityRecord& record, const std::string& name) {
  if (name == "id_number") return &record.id_number;
  if (name == "name_ar") return &record.name_ar;
  if (name == "name_en") return &record.name_en;
  if (name == "birth_date") return &record.birth_date;
  if (name == "expiry_date") return &record.expiry_date;
  if (name == "nationality") return &record.nationality;
  if (name == "card_uid") return &record.card_uid;
  return nullptr;
}

}  // namespace

Expected<IdentityRecord> read_identity(CardReader& reader, const CardProfile& profile) {
  auto status = reader.slot_status();
  if (!status) return std::unexpected(status.error());
  if (*status == IccStatus::absent) return fail(Errc::not_found, "no card in the reader");
  auto atr = reader.power_on();
  if (!atr) return std::unexpected(atr.error());
  PowerGuard power{reader};
  CardBuffers buffers;
  for (const auto& step : profile.steps) {
    Bytes* into = step.into.empty() ? nullptr : &buffers.named[step.into];
    Expected<void> done;
    switch (step.op) {
      case CardProfileStep::Op::select_aid:
        done = run_checked(reader, CommandApdu{0x00, 0xA4, 0x04, 0x0C, step.id, std::nullopt},
                           "SELECT application", nullptr);
        break;
      case CardProfileStep::Op::select_file:
        done = run_checked(reader, CommandApdu{0x00, 0xA4, 0x02, 0x0C, step.id, std::nullopt},
                           "SELECT file", nullptr);
        break;
      case CardProfileStep::Op::read_binary:
        done = read_binary(reader, step, *into);
        break;
      case CardProfileStep::Op::read_record:
        done = run_checked(reader,
                           CommandApdu{0x00,
                                       0xB2,
                                       step.record,
                                       static_cast<std::uint8_t>((step.sfi << 3) | 0x04),
                                       {},
                                       k_max_short_le},
                           "READ RECORD", into);
        break;
      case CardProfileStep::Op::get_uid: {
        auto uid = read_contactless_uid(reader);
        if (!uid)
          done = std::unexpected(uid.error());
        else {
          into->insert(into->end(), uid->begin(), uid->end());
          secure_wipe(*uid);
        }
        break;
      }
    }
    if (!done)
      return fail(done.error().code,
                  fmt::format("profile {}: {}", profile.id, done.error().message));
  }
  IdentityRecord record;
  for (const auto& [name, field] : profile.fields) {
    const Bytes& source = buffers.named[field.source];
    ByteView value;
    std::vector<TlvNode> tlv;
    if (!field.tag_path.empty()) {
      auto parsed = parse_ber_tlv(source);
      if (!parsed)
        return fail(Errc::parse, fmt::format("profile {}: buffer {}: {}", profile.id, field.source,
                                             parsed.error().message));
      tlv = std::move(*parsed);
      const TlvNode* node = find_tlv(tlv, field.tag_path);
      if (node == nullptr) {
        if (field.required)
          return fail(Errc::not_found, fmt::format("profile {}: card has no {}", profile.id, name));
        continue;
      }
      value = node->value;
    } else {
      if (field.offset + field.length > source.size()) {
        if (field.required)
          return fail(Errc::not_found, fmt::format("profile {}: card has no {}", profile.id, name));
        continue;
      }
      value = ByteView(source).subspan(field.offset, field.length);
    }
    auto decoded = decode_field(name, field, value);
    if (!decoded)
      return fail(decoded.error().code,
                  fmt::format("profile {}: {}", profile.id, decoded.error().message));
    *field_slot(record, name) = std::move(*decoded);
  }
  if (record.id_number.empty())
    return fail(Errc::parse, fmt::format("profile {}: empty id number", profile.id));
  return record;
}

}  // namespace shubbak
