#include "kiosk/core/strict_json.hpp"

#include <cmath>
#include <vector>

namespace shubbak {

namespace {

using Json = nlohmann::json;

bool is_identifier(std::string_view key) {
  if (key.empty()) return false;
  auto first = key.front();
  if (!(first == '_' || (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
    return false;
  }
  for (char c : key) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

// Bytes a message may carry into a log: printable ASCII; anything else as \xNN. Keeps hostile
// input (invalid UTF-8, control characters, megabytes) out of log lines.
std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max_bytes; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (text.size() > max_bytes) out += "...";
  return out;
}

// Builds the document from nlohmann's SAX events, refusing as it goes. Every callback that
// returns false stops the parser at once.
class StrictBuilder {
 public:
  explicit StrictBuilder(const JsonLimits& limits) : m_limits(limits) {}

  bool null() { return add(Json(nullptr)); }
  bool boolean(bool value) { return add(Json(value)); }
  bool number_integer(std::int64_t value) { return add(Json(value)); }
  bool number_unsigned(std::uint64_t value) { return add(Json(value)); }

  bool number_float(double value, const std::string& raw) {
    bool integral = raw.find_first_of(".eE") == std::string::npos;
    if (integral) {
      return refuse(
          fmt::format("the integer {} is out of range (integers must lie within "
                      "-9223372036854775808 .. 18446744073709551615)",
                      printable(raw, 40)));
    }
    if (!m_limits.allow_fractions) {
      return refuse(
          fmt::format("{} is not an integer (numbers with a fraction or an exponent "
                      "are not accepted here)",
                      printable(raw, 40)));
    }
    if (!std::isfinite(value)) return refuse(fmt::format("{} is out of range", printable(raw, 40)));
    return add(Json(value));
  }

  bool string(std::string& value) {
    if (value.size() > m_limits.max_string_bytes) {
      return refuse(fmt::format("a string of {} bytes; at most {} are allowed", value.size(),
                                m_limits.max_string_bytes));
    }
    if (value.find('\0') != std::string::npos) return refuse("a string holds U+0000");
    return add(Json(std::move(value)));
  }

  bool binary(Json::binary_t&) { return refuse("binary values are not JSON"); }

  bool start_object(std::size_t) { return open(Json::object()); }
  bool start_array(std::size_t) { return open(Json::array()); }

  bool key(std::string& key) {
    Frame& frame = m_frames.back();
    frame.key = key;  // the path names the key even when it is refused
    frame.key_pending = true;
    if (key.size() > m_limits.max_key_bytes) {
      return refuse(fmt::format("a key of {} bytes; at most {} are allowed", key.size(),
                                m_limits.max_key_bytes));
    }
    if (key.find('\0') != std::string::npos) return refuse("a key holds U+0000");
    if (frame.container->contains(key))
      return refuse(fmt::format("duplicate key \"{}\"", printable(key, 64)));
    if (frame.count >= m_limits.max_object_members) {
      return refuse(fmt::format("more than {} members in one object", m_limits.max_object_members));
    }
    return true;
  }

  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    std::string_view what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." without the tag.
    if (auto tag_end = what.find("] ");
        what.starts_with("[json.exception") && tag_end != std::string_view::npos) {
      what.remove_prefix(tag_end + 2);
    }
    return refuse(fmt::format("not JSON (byte {}): {}", position, printable(what, 300)));
  }

  Json take_result() { return std::move(m_root); }
  const std::optional<JsonProblem>& problem() const { return m_problem; }

 private:
  struct Frame {
    Json* container;
    std::size_t count = 0;  // members or items so far
    std::string key;        // objects: the key being read
    bool key_pending = false;
  };

  // The path of the value being read now.
  std::string path() const {
    std::string out = "$";
    for (const auto& frame : m_frames) {
      if (frame.container->is_object()) {
        if (!frame.key_pending) break;  // between members: the object itself
        out = json_path_key(out, frame.key);
      } else {
        out = json_path_index(out, frame.count);
      }
    }
    return out;
  }

  bool refuse(std::string reason) {
    if (!m_problem) m_problem = JsonProblem{path(), std::move(reason)};
    return false;
  }

  // Places a value in its container (or as the root); returns where it lives now.
  Json* place(Json value) {
    if (++m_values > m_limits.max_values) {
      refuse(fmt::format("more than {} values in the document", m_limits.max_values));
      return nullptr;
    }
    if (m_frames.empty()) {
      m_root = std::move(value);
      return &m_root;
    }
    Frame& frame = m_frames.back();
    if (frame.container->is_array()) {
      if (frame.count >= m_limits.max_array_items) {
        refuse(fmt::format("more than {} items in one array", m_limits.max_array_items));
        return nullptr;
      }
      frame.container->push_back(std::move(value));
      ++frame.count;
      return &frame.container->back();
    }
    Json& slot = (*frame.container)[frame.key];
    slot = std::move(value);
    ++frame.count;
    frame.key_pending = false;
    return &slot;
  }

  bool add(Json value) { return place(std::move(value)) != nullptr; }

  bool open(Json container) {
    if (m_frames.size() + 1 > m_limits.max_depth) {
      return refuse(fmt::format("nesting deeper than {} levels", m_limits.max_depth));
    }
    // The container is placed first so that the path of its contents includes its own key or
    // index; the parent's count moves on only when it closes.
    if (!m_frames.empty()) {
      Frame& parent = m_frames.back();
      if (parent.container->is_array() && parent.count >= m_limits.max_array_items) {
        return refuse(fmt::format("more than {} items in one array", m_limits.max_array_items));
      }
    }
    if (++m_values > m_limits.max_values) {
      return refuse(fmt::format("more than {} values in the document", m_limits.max_values));
    }
    Json* where = nullptr;
    if (m_frames.empty()) {
      m_root = std::move(container);
      where = &m_root;
    } else {
      Frame& parent = m_frames.back();
      if (parent.container->is_array()) {
        parent.container->push_back(std::move(container));
        where = &parent.container->back();
      } else {
        where = &(*parent.container)[parent.key];
        *where = std::move(container);
      }
    }
    m_frames.push_back(Frame{where, 0, {}, false});
    return true;
  }

  bool close() {
    m_frames.pop_back();
    if (!m_frames.empty()) {
      Frame& parent = m_frames.back();
      ++parent.count;
      parent.key_pending = false;
    }
    return true;
  }

  const JsonLimits& m_limits;
  Json m_root;
  std::vector<Frame> m_frames;
  std::size_t m_values = 0;
  std::optional<JsonProblem> m_problem;
};

}  // namespace

std::string json_path_key(std::string_view path, std::string_view key) {
  if (is_identifier(key) && key.size() <= 64) return fmt::format("{}.{}", path, key);
  return fmt::format("{}[\"{}\"]", path, printable(key, 64));
}

std::string json_path_index(std::string_view path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::expected<Json, JsonProblem> read_strict_json(std::string_view bytes,
                                                  const JsonLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return std::unexpected(
        JsonProblem{"$", fmt::format("the document is {} bytes; at most {} are allowed",
                                     bytes.size(), limits.max_bytes)});
  }
  StrictBuilder builder(limits);
  bool ok =
      Json::sax_parse(bytes.begin(), bytes.end(), &builder, nlohmann::detail::input_format_t::json,
                      /*strict=*/true, /*ignore_comments=*/false);
  if (!ok || builder.problem()) {
    if (builder.problem()) return std::unexpected(*builder.problem());
    return std::unexpected(JsonProblem{"$", "not JSON"});
  }
  return builder.take_result();
}

Expected<Json> parse_strict_json(std::string_view bytes, const JsonLimits& limits) {
  auto document = read_strict_json(bytes, limits);
  if (!document) return fail(Errc::parse, document.error().describe());
  return std::move(*document);
}

}  // namespace shubbak
