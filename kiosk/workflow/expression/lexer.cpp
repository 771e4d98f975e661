#include "kiosk/workflow/expression/lexer.hpp"

#include <fmt/format.h>

namespace shubbak::workflow {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_part(char c) {
  return is_name_start(c) || is_digit(c);
}

// Length of the valid UTF-8 sequence at `at`, or 0 when it is not valid (overlong forms,
// surrogates and code points above U+10FFFF are refused).
std::size_t utf8_length(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  }
  unsigned char second = byte(at + 1);
  if (lead == 0xE0 && second < 0xA0) return 0;   // overlong
  if (lead == 0xED && second >= 0xA0) return 0;  // surrogate
  if (lead == 0xF0 && second < 0x90) return 0;   // overlong
  if (lead == 0xF4 && second >= 0x90) return 0;  // above U+10FFFF
  return length;
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : m_source(source) {}

  Expected<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      skip_spaces();
      if (m_at >= m_source.size()) break;
      auto token = next();
      if (!token) return std::unexpected(token.error());
      tokens.push_back(std::move(*token));
    }
    tokens.push_back({Token::Kind::end, "", m_column});
    return tokens;
  }

 private:
  void skip_spaces() {
    while (m_at < m_source.size() && (m_source[m_at] == ' ' || m_source[m_at] == '\t' ||
                                      m_source[m_at] == '\n' || m_source[m_at] == '\r')) {
      advance(1);
    }
  }

  // Moves over `bytes` bytes that form whole characters.
  void advance(std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) {
      if ((static_cast<unsigned char>(m_source[m_at + i]) & 0xC0) != 0x80) ++m_column;
    }
    m_at += bytes;
  }

  char peek(std::size_t ahead = 0) const {
    return m_at + ahead < m_source.size() ? m_source[m_at + ahead] : '\0';
  }

  Expected<Token> next() {
    int column = m_column;
    char c = peek();
    if (is_digit(c)) return number(column);
    if (c == '"') return string(column);
    if (c == '$') {
      advance(1);
      if (!is_name_start(peek())) {
        return parse_error(m_column,
                           "a field name after '$' starts with a lowercase letter or '_'");
      }
      return Token{Token::Kind::field, name(), column};
    }
    if (is_name_start(c)) return Token{Token::Kind::identifier, name(), column};
    for (std::string_view two : {"!=", "<=", ">="}) {
      if (m_source.substr(m_at, 2) == two) {
        advance(2);
        return Token{Token::Kind::symbol, std::string(two), column};
      }
    }
    if (std::string_view("(),+-*/=<>").find(c) != std::string_view::npos) {
      advance(1);
      return Token{Token::Kind::symbol, std::string(1, c), column};
    }
    std::size_t length = utf8_length(m_source, m_at);
    if (length == 0) return parse_error(column, "invalid UTF-8");
    if (c == '!') return parse_error(column, "unexpected '!': write 'not' or '!='");
    return parse_error(column,
                       fmt::format("unexpected character '{}'", m_source.substr(m_at, length)));
  }

  std::string name() {
    std::size_t start = m_at;
    while (is_name_part(peek())) advance(1);
    return std::string(m_source.substr(start, m_at - start));
  }

  Expected<Token> number(int column) {
    std::size_t start = m_at;
    while (is_digit(peek())) advance(1);
    if (peek() == '.') {
      advance(1);
      if (!is_digit(peek())) return parse_error(m_column, "a digit must follow the decimal point");
      std::size_t fraction_start = m_at;
      while (is_digit(peek())) advance(1);
      if (m_at - fraction_start > 9)
        return parse_error(column, "a number has at most 9 decimal places");
    }
    if (is_name_part(peek()))
      return parse_error(m_column, fmt::format("unexpected '{}' after a number", peek()));
    return Token{Token::Kind::number, std::string(m_source.substr(start, m_at - start)), column};
  }

  Expected<Token> string(int column) {
    advance(1);
    std::string value;
    while (true) {
      if (m_at >= m_source.size()) return parse_error(column, "unterminated string");
      char c = peek();
      if (c == '"') {
        advance(1);
        return Token{Token::Kind::string, std::move(value), column};
      }
      if (c == '\\') {
        char escaped = peek(1);
        if (escaped != '"' && escaped != '\\') {
          return parse_error(m_column, "unknown escape: a string allows only \\\" and \\\\");
        }
        value += escaped;
        advance(2);
        continue;
      }
      std::size_t length = utf8_length(m_source, m_at);
      if (length == 0) return parse_error(m_column, "invalid UTF-8 in a string");
      value += m_source.substr(m_at, length);
      advance(length);
    }
  }

  std::string_view m_source;
  std::size_t m_at = 0;
  int m_column = 1;
};

}  // namespace

std::unexpected<Error> parse_error(int column, std::string_view message) {
  return fail(Errc::parse, fmt::format("column {}: {}", column, message));
}

Expected<std::vector<Token>> tokenize(std::string_view source) {
  return Lexer(source).run();
}

}  // namespace shubbak::workflow
