// Fuzz target: OLPC canonical JSON (kiosk/trust/canonical_json.cpp), the bytes TUF signatures
// cover. Any JSON document that canonicalizes must come out in the one canonical form: this
// target checks the output with its own strict reader of that form (no whitespace, integers
// without leading zeros or "-0", strings escaping exactly '"' and '\', object keys unique and
// in byte order) and that the reader gives back the very value that went in. A value has one
// text in that grammar, so passing both checks means the output is byte-exact.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kiosk/trust/canonical_json.hpp"

namespace {

using Json = nlohmann::json;

void require(bool ok) {
  if (!ok) std::abort();
}

// Reads one value of the canonical grammar at `at`; nullopt when the text breaks the grammar.
class CanonicalReader {
 public:
  explicit CanonicalReader(std::string_view text) : m_text(text) {}

  std::optional<Json> read_document() {
    auto value = read_value(0);
    if (!value || m_at != m_text.size()) return std::nullopt;
    return value;
  }

 private:
  bool take(std::string_view token) {
    if (m_text.substr(m_at, token.size()) != token) return false;
    m_at += token.size();
    return true;
  }

  std::optional<std::string> read_string() {
    if (!take("\"")) return std::nullopt;
    std::string out;
    while (m_at < m_text.size()) {
      char ch = m_text[m_at++];
      if (ch == '"') return out;
      if (ch == '\\') {
        if (m_at >= m_text.size()) return std::nullopt;
        char escaped = m_text[m_at++];
        if (escaped != '"' && escaped != '\\') return std::nullopt;  // only these two
        out.push_back(escaped);
      } else {
        out.push_back(ch);
      }
    }
    return std::nullopt;
  }

  std::optional<Json> read_number() {
    std::size_t start = m_at;
    bool negative = take("-");
    std::size_t digits = m_at;
    while (m_at < m_text.size() && m_text[m_at] >= '0' && m_text[m_at] <= '9') ++m_at;
    std::string_view number = m_text.substr(digits, m_at - digits);
    if (number.empty()) return std::nullopt;
    if (number.size() > 1 && number[0] == '0') return std::nullopt;  // no leading zeros
    if (negative && number == "0") return std::nullopt;              // no "-0"
    Json value = Json::parse(m_text.substr(start, m_at - start), nullptr, false);
    if (value.is_discarded() || value.is_number_float()) return std::nullopt;
    return value;
  }

  std::optional<Json> read_value(int depth) {
    if (depth > 200 || m_at >= m_text.size()) return std::nullopt;
    if (take("null")) return Json(nullptr);
    if (take("true")) return Json(true);
    if (take("false")) return Json(false);
    char ch = m_text[m_at];
    if (ch == '"') {
      auto text = read_string();
      if (!text) return std::nullopt;
      return Json(*text);
    }
    if (ch == '[') {
      ++m_at;
      Json array = Json::array();
      if (take("]")) return array;
      do {
        auto item = read_value(depth + 1);
        if (!item) return std::nullopt;
        array.push_back(std::move(*item));
      } while (take(","));
      if (!take("]")) return std::nullopt;
      return array;
    }
    if (ch == '{') {
      ++m_at;
      Json object = Json::object();
      if (take("}")) return object;
      std::optional<std::string> previous;
      do {
        auto key = read_string();
        if (!key || !take(":")) return std::nullopt;
        // Strictly increasing by unsigned bytes: sorted, and no key twice.
        if (previous && !std::lexicographical_compare(previous->begin(), previous->end(),
                                                      key->begin(), key->end(), [](char a, char b) {
                                                        return static_cast<unsigned char>(a) <
                                                               static_cast<unsigned char>(b);
                                                      })) {
          return std::nullopt;
        }
        auto item = read_value(depth + 1);
        if (!item) return std::nullopt;
        object[*key] = std::move(*item);
        previous = std::move(key);
      } while (take(","));
      if (!take("}")) return std::nullopt;
      return object;
    }
    return read_number();
  }

  std::string_view m_text;
  std::size_t m_at = 0;
};

bool has_float(const Json& value) {
  if (value.is_number_float()) return true;
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (has_float(item)) return true;
    }
  }
  return false;
}

int depth_of(const Json& value) {
  int deepest = 0;
  if (value.is_structured()) {
    for (const auto& item : value) deepest = std::max(deepest, depth_of(item));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Json value = Json::parse(text, nullptr, false);
  if (value.is_discarded()) return 0;
  auto canonical = shubbak::trust::canonical_json(value);
  if (!canonical) {
    // Refused only for what has no canonical form: a float, or nesting past the cap.
    require(has_float(value) || depth_of(value) > shubbak::trust::k_max_canonical_depth);
    require(canonical.error().code == shubbak::Errc::parse);
    return 0;
  }
  require(!has_float(value) && depth_of(value) <= shubbak::trust::k_max_canonical_depth);
  auto read_back = CanonicalReader(*canonical).read_document();
  require(read_back.has_value());
  require(*read_back == value);
  return 0;
}
