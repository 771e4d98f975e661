#include "drivers/card/card_profile.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drivers/card/ber_tlv.hpp"
#include "kiosk/core/hex.hpp"

namespace shubbak {

namespace {

using Json = nlohmann::json;
constexpr std::string_view k_format = "shubbak-card-profile/1";
const std::set<std::string> k_field_names = {"id_number",   "name_ar",     "name_en", "birth_date",
                                             "expiry_date", "nationality", "card_uid"};

// Reads a JSON object strictly: unknown keys are refused, with the path of the offender.
class ObjectReader {
 public:
  ObjectReader(const Json& object, std::string path, std::vector<std::string>& problems)
      : m_object(object), m_path(std::move(path)), m_problems(problems) {}

  const Json* get(const std::string& key, Json::value_t type, bool required) {
    m_known.insert(key);
    auto it = m_object.find(key);
    if (it == m_object.end()) {
      if (required) problem(key, "is missing");
      return nullptr;
    }
    bool ok = it->type() == type || (type == Json::value_t::number_unsigned &&
                                     it->type() == Json::value_t::number_integer && *it >= 0);
    if (!ok) {
      problem(key, fmt::format("expected {}, got {}", Json(type).type_name(), it->type_name()));
      return nullptr;
    }
    return &*it;
  }
  std::optional<std::string> string(const std::string& key, bool required = true) {
    const Json* j = get(key, Json::value_t::string, required);
    return j ? std::optional<std::string>(j->get<std::string>()) : std::nullopt;
  }
  std::optional<std::uint64_t> number(const std::string& key, std::uint64_t max,
                                      bool required = true) {
    const Json* j = get(key, Json::value_t::number_unsigned, required);
    if (!j) return std::nullopt;
    auto value = j->get<std::uint64_t>();
    if (value > max) {
      problem(key, fmt::format("{} is above {}", value, max));
      return std::nullopt;
    }
    return value;
  }
  std::optional<Bytes> hex(const std::string& key, std::size_t min, std::size_t max) {
    auto text = string(key);
    if (!text) return std::nullopt;
    auto bytes = parse_hex(*text);
    if (!bytes || bytes->size() < min || bytes->size() > max) {
      problem(key, fmt::format("expected {} to {} hex bytes", min, max));
      return std::nullopt;
    }
    return std::move(*bytes);
  }
  void finish() {
    for (auto& [key, _] : m_object.items()) {
      if (!m_known.contains(key)) problem(key, "is not a known key");
    }
  }
  void problem(const std::string& key, const std::string& what) {
    m_problems.push_back(fmt::format("{}.{} {}", m_path, key, what));
  }
  const std::string& path() const { return m_path; }

 private:
  const Json& m_object;
  std::string m_path;
  std::vector<std::string>& m_problems;
  std::set<std::string> m_known;
};

void parse_step(const Json& json, std::string path, CardProfile& profile,
                std::set<std::string>& buffers, std::vector<std::string>& problems) {
  if (!json.is_object()) {
    problems.push_back(fmt::format("{} must be an object", path));
    return;
  }
  ObjectReader r(json, path, problems);
  CardProfileStep step;
  auto op = r.string("op");
  if (!op) return;
  if (*op == "select_aid") {
    step.op = CardProfileStep::Op::select_aid;
    if (auto aid = r.hex("aid", 5, 16)) step.id = *aid;
  } else if (*op == "select_file") {
    step.op = CardProfileStep::Op::select_file;
    if (auto fid = r.hex("fid", 2, 2)) step.id = *fid;
  } else if (*op == "read_binary") {
    step.op = CardProfileStep::Op::read_binary;
    step.into = r.string("into").value_or("");
    step.offset = static_cast<std::uint16_t>(r.number("offset", 0x7FFF, false).value_or(0));
    if (auto length = r.number("length", 0x8000, false))
      step.length = static_cast<std::uint16_t>(*length);
    step.sfi = static_cast<std::uint8_t>(r.number("sfi", 30, false).value_or(0));
    if (step.sfi != 0 && step.offset > 255)
      r.problem("offset", "must be below 256 with a short EF id");
  } else if (*op == "read_record") {
    step.op = CardProfileStep::Op::read_record;
    step.into = r.string("into").value_or("");
    step.sfi = static_cast<std::uint8_t>(r.number("sfi", 30, false).value_or(0));
    step.record = static_cast<std::uint8_t>(r.number("record", 254).value_or(1));
    if (step.record == 0) r.problem("record", "records are numbered from 1");
  } else if (*op == "get_uid") {
    step.op = CardProfileStep::Op::get_uid;
    step.into = r.string("into").value_or("");
  } else {
    r.problem("op",
              fmt::format(
                  "\"{}\" is not one of select_aid, select_file, read_binary, read_record, get_uid",
                  *op));
    return;
  }
  if (!step.into.empty()) buffers.insert(step.into);
  r.finish();
  profile.steps.push_back(std::move(step));
}

void parse_field(const std::string& name, const Json& json, std::string path, CardProfile& profile,
                 const std::set<std::string>& buffers, std::vector<std::string>& problems) {
  if (!k_field_names.contains(name)) {
    problems.push_back(
        fmt::format("{} is not an identity field ({})", path, fmt::join(k_field_names, ", ")));
    return;
  }
  if (!json.is_object()) {
    problems.push_back(fmt::format("{} must be an object", path));
    return;
  }
  ObjectReader r(json, path, problems);
  CardProfileField field;
  field.source = r.string("source").value_or("");
  if (!field.source.empty() && !buffers.contains(field.source)) {
    r.problem("source", fmt::format("\"{}\" is not filled by any step", field.source));
  }
  if (auto tag = r.string("tag", false)) {
    auto parsed = parse_tag_path(*tag);
    if (!parsed)
      r.problem("tag", parsed.error().message);
    else
      field.tag_path = *parsed;
  } else {
    auto offset = r.number("offset", 0xFFFF, false);
    auto length = r.number("length", 0xFFFF, false);
    if (!offset || !length || *length == 0) {
      r.problem("tag", "is missing (or give offset and a non-zero length)");
    } else {
      field.offset = *offset;
      field.length = *length;
    }
  }
  auto encoding = r.string("encoding", false).value_or("ascii");
  static const std::map<std::string, CardProfileField::Encoding> k_encodings = {
      {"ascii", CardProfileField::Encoding::ascii},
      {"utf-8", CardProfileField::Encoding::utf8},
      {"bcd-date", CardProfileField::Encoding::bcd_date},
      {"ascii-date", CardProfileField::Encoding::ascii_date},
      {"hex", CardProfileField::Encoding::hex}};
  auto it = k_encodings.find(encoding);
  if (it == k_encodings.end())
    r.problem(
        "encoding",
        fmt::format("\"{}\" is not one of ascii, utf-8, bcd-date, ascii-date, hex", encoding));
  else
    field.encoding = it->second;
  if (const Json* required = r.get("required", Json::value_t::boolean, false))
    field.required = required->get<bool>();
  r.finish();
  profile.fields[name] = std::move(field);
}

}  // namespace

Expected<CardProfile> parse_card_profile(std::string_view text, std::string_view source) {
  Json root = Json::parse(text, nullptr, false);
  if (root.is_discarded()) return fail(Errc::parse, fmt::format("{}: not valid JSON", source));
  if (!root.is_object()) return fail(Errc::parse, fmt::format("{}: $ must be an object", source));
  std::vector<std::string> problems;
  CardProfile profile;
  ObjectReader r(root, "$", problems);
  if (auto format = r.string("format"); format && *format != k_format) {
    r.problem("format", fmt::format("\"{}\" is not \"{}\"", *format, k_format));
  }
  profile.id = r.string("id").value_or("");
  if (const Json* title = r.get("title", Json::value_t::object, true)) {
    ObjectReader t(*title, "$.title", problems);
    profile.title_ar = t.string("ar").value_or("");
    profile.title_en = t.string("en").value_or("");
    t.finish();
  }
  std::set<std::string> buffers;
  if (const Json* steps = r.get("steps", Json::value_t::array, true)) {
    if (steps->empty()) r.problem("steps", "is empty");
    for (std::size_t i = 0; i < steps->size(); ++i) {
      parse_step((*steps)[i], fmt::format("$.steps[{}]", i), profile, buffers, problems);
    }
  }
  if (const Json* fields = r.get("fields", Json::value_t::object, true)) {
    for (auto& [name, value] : fields->items()) {
      parse_field(name, value, fmt::format("$.fields.{}", name), profile, buffers, problems);
    }
    if (!fields->contains("id_number")) r.problem("fields", "has no id_number");
  }
  r.finish();
  if (!problems.empty())
    return fail(Errc::parse, fmt::format("{}: {}", source, fmt::join(problems, "; ")));
  return profile;
}

Expected<CardProfile> load_card_profile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail_errno(Errc::not_found, fmt::format("cannot read {}", path.string()), errno);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_card_profile(text.str(), path.string());
}

}  // namespace shubbak
