// Card profiles: how to read an ID card, as data shipped in service bundles
// (assets/card-profiles/*.json, format "shubbak-card-profile/1"). A profile is a sequence of
// ISO 7816-4 commands (SELECT by AID or file id, READ BINARY, READ RECORD, GET UID) that fill
// named buffers, and a mapping from TLV tags or byte ranges in those buffers to the fields of
// an IdentityRecord. Errors name the JSON path, so an admin fixes the bundle at once.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drivers/card/card_reader.hpp"
#include "drivers/card/identity_record.hpp"
#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

struct CardProfileStep {
  enum class Op { select_aid, select_file, read_binary, read_record, get_uid };
  Op op = Op::select_aid;
  Bytes id;                             // AID or 2-byte file id
  std::string into;                     // buffer name for reads
  std::uint16_t offset = 0;             // read_binary
  std::optional<std::uint16_t> length;  // read_binary: absent reads to the end of the EF
  std::uint8_t sfi = 0;                 // read_record (and read_binary with a short EF id)
  std::uint8_t record = 0;              // read_record
};

struct CardProfileField {
  enum class Encoding { ascii, utf8, bcd_date, ascii_date, hex };
  std::string source;                   // buffer name
  std::vector<std::uint32_t> tag_path;  // empty: use offset/length
  std::size_t offset = 0;
  std::size_t length = 0;
  Encoding encoding = Encoding::ascii;
  bool required = true;
};

struct CardProfile {
  std::string id;
  std::string title_ar;
  std::string title_en;
  std::vector<CardProfileStep> steps;
  std::map<std::string, CardProfileField> fields;  // key: IdentityRecord field name
};

Expected<CardProfile> parse_card_profile(std::string_view json_text, std::string_view source_name);
Expected<CardProfile> load_card_profile(const std::filesystem::path& path);

// Powers the card, runs the profile's commands, decodes the fields and powers the card off.
// Every buffer read from the card is wiped before returning, success or not.
Expected<IdentityRecord> read_identity(CardReader& reader, const CardProfile& profile);

}  // namespace shubbak
