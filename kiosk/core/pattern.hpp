// Regular expressions, the one way Shubbak matches text against a pattern: bundle patterns,
// the expression language's matches(), identifier checks. RE2 underneath (only pattern.cpp
// includes it): its syntax (https://github.com/google/re2/wiki/Syntax), UTF-8, and matching in
// time linear in the text, with no backtracking and no recursion, whatever the pattern. There
// is no standard-library regex anywhere: it recurses per character and overflows the stack.
//
//   auto pattern = Pattern::compile("[0-9]{8}");              // Errc::invalid_argument if bad
//   pattern->full_match("12345678");                         // the whole text
//   pattern->search("id 12345678 ok");                       // anywhere in the text
//
// A compiled Pattern is immutable and cheap to copy (shared); any thread may match with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace re2 {
class RE2;
}

namespace shubbak {

struct PatternLimits {
  std::size_t max_source_bytes = 256;
  // RE2's compiled program, in instructions: what one byte of text can cost at most. A pattern
  // like `[0-9]{8}` is about 20; counted repetitions of large classes grow it quickly.
  int max_program_size = 1000;
  // RE2's memory for the program and its lazily built DFA; when the DFA would need more, RE2
  // falls back to its NFA, still linear in the text. Bounds a bundle's memory per pattern.
  std::int64_t max_memory_bytes = 256 * 1024;
};

class Pattern {
 public:
  // Errc::invalid_argument, naming the problem: too long, not valid RE2 syntax (with RE2's
  // reason and the offending part), or too complex (program size over the limit).
  static Expected<Pattern> compile(std::string_view source, const PatternLimits& limits = {});

  // Whether the whole of `text` matches.
  bool full_match(std::string_view text) const;
  // Whether the pattern matches anywhere in `text` (^ and $ anchor it).
  bool search(std::string_view text) const;

  const std::string& source() const { return m_source; }
  // The size of the compiled program: matching n bytes costs at most about n times this.
  int program_size() const { return m_program_size; }

 private:
  Pattern(std::string source, std::shared_ptr<const re2::RE2> compiled, int program_size)
      : m_source(std::move(source)),
        m_compiled(std::move(compiled)),
        m_program_size(program_size) {}

  std::string m_source;
  std::shared_ptr<const re2::RE2> m_compiled;
  int m_program_size = 0;
};

}  // namespace shubbak
