// Recursive-descent parser: Expression::parse. The grammar is in kiosk/workflow/EXPRESSIONS.md;
// each parse_* function below is one of its rules, from the loosest binding to the tightest.
#include <algorithm>

#include <fmt/format.h>

#include "kiosk/workflow/expression/functions.hpp"
#include "kiosk/workflow/expression/lexer.hpp"
#include "kiosk/workflow/expression/node.hpp"
#include "kiosk/workflow/expression/regex_match.hpp"

namespace shubbak::workflow {
namespace {

constexpr std::size_t k_max_source_bytes = 2000;
constexpr int k_max_nodes = 500;
constexpr int k_max_depth = 32;

using NodePtr = std::unique_ptr<const Node>;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

  Expected<NodePtr> run() {
    auto root = parse_or();
    if (!root) return root;
    if (current().kind != Token::Kind::end)
      return expected_here("an operator or the end of the expression");
    return root;
  }

  std::vector<std::string> take_references() { return std::move(m_references); }

 private:
  const Token& current() const { return m_tokens[m_at]; }
  bool at_symbol(std::string_view text) const {
    return current().kind == Token::Kind::symbol && current().text == text;
  }
  bool at_keyword(std::string_view word) const {
    return current().kind == Token::Kind::identifier && current().text == word;
  }

  std::unexpected<Error> expected_here(std::string_view what) const {
    const Token& token = current();
    std::string found = token.kind == Token::Kind::end      ? "the end of the expression"
                        : token.kind == Token::Kind::string ? "a string"
                        : token.kind == Token::Kind::field  ? "$" + token.text
                                                            : "'" + token.text + "'";
    return parse_error(token.column, fmt::format("expected {}, found {}", what, found));
  }

  Expected<std::unique_ptr<Node>> make_node(Node::Kind kind, int column) {
    if (++m_nodes > k_max_nodes) {
      return parse_error(column, fmt::format("the expression has more than {} parts", k_max_nodes));
    }
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->column = column;
    return node;
  }

  // Parentheses, unary operators and function calls nest; the nesting is bounded so that
  // neither this parser nor the evaluator can recurse deeply.
  Expected<void> enter(int column) {
    if (++m_depth > k_max_depth)
      return parse_error(column, fmt::format("nesting deeper than {} levels", k_max_depth));
    return {};
  }
  void leave() { --m_depth; }

  Expected<NodePtr> binary(Operator op, int column, NodePtr left, NodePtr right) {
    auto node = make_node(Node::Kind::binary, column);
    if (!node) return std::unexpected(node.error());
    (*node)->op = op;
    (*node)->children.push_back(std::move(left));
    (*node)->children.push_back(std::move(right));
    return NodePtr(std::move(*node));
  }

  // A left-associative chain: operand { op operand }.
  template <class Next>
  Expected<NodePtr> chain(Next next,
                          std::initializer_list<std::pair<std::string_view, Operator>> operators,
                          bool keywords) {
    auto left = (this->*next)();
    if (!left) return left;
    while (true) {
      auto match = std::find_if(operators.begin(), operators.end(), [&](const auto& entry) {
        return keywords ? at_keyword(entry.first) : at_symbol(entry.first);
      });
      if (match == operators.end()) return left;
      int column = current().column;
      ++m_at;
      auto right = (this->*next)();
      if (!right) return right;
      left = binary(match->second, column, std::move(*left), std::move(*right));
      if (!left) return left;
    }
  }

  Expected<NodePtr> parse_or() {
    return chain(&Parser::parse_and, {{"or", Operator::logical_or}}, true);
  }
  Expected<NodePtr> parse_and() {
    return chain(&Parser::parse_not, {{"and", Operator::logical_and}}, true);
  }

  Expected<NodePtr> parse_not() {
    if (!at_keyword("not")) return parse_comparison();
    return unary(Operator::logical_not, &Parser::parse_not);
  }

  Expected<NodePtr> parse_comparison() {
    static constexpr std::pair<std::string_view, Operator> k_comparisons[] = {
        {"=", Operator::equal},       {"!=", Operator::not_equal}, {"<", Operator::less},
        {"<=", Operator::less_equal}, {">", Operator::greater},    {">=", Operator::greater_equal},
    };
    auto left = parse_additive();
    if (!left) return left;
    for (auto [text, op] : k_comparisons) {
      if (!at_symbol(text)) continue;
      int column = current().column;
      ++m_at;
      auto right = parse_additive();
      if (!right) return right;
      for (auto [other, unused] : k_comparisons) {
        if (at_symbol(other)) {
          return parse_error(current().column, "comparisons do not chain: write 'a < b and b < c'");
        }
      }
      return binary(op, column, std::move(*left), std::move(*right));
    }
    return left;
  }

  Expected<NodePtr> parse_additive() {
    return chain(&Parser::parse_multiplicative, {{"+", Operator::add}, {"-", Operator::subtract}},
                 false);
  }
  Expected<NodePtr> parse_multiplicative() {
    return chain(&Parser::parse_unary, {{"*", Operator::multiply}, {"/", Operator::divide}}, false);
  }

  Expected<NodePtr> parse_unary() {
    if (!at_symbol("-")) return parse_primary();
    return unary(Operator::negate, &Parser::parse_unary);
  }

  Expected<NodePtr> unary(Operator op, Expected<NodePtr> (Parser::*operand)()) {
    int column = current().column;
    ++m_at;
    if (auto entered = enter(column); !entered) return std::unexpected(entered.error());
    auto node = make_node(Node::Kind::unary, column);
    if (!node) return std::unexpected(node.error());
    auto child = (this->*operand)();
    leave();
    if (!child) return child;
    (*node)->op = op;
    (*node)->children.push_back(std::move(*child));
    return NodePtr(std::move(*node));
  }

  Expected<NodePtr> parse_primary() {
    const Token& token = current();
    int column = token.column;
    switch (token.kind) {
      case Token::Kind::number: {
        auto number = Decimal::parse(token.text);
        if (!number) return parse_error(column, number.error().message);
        return literal(Value{*number}, column);
      }
      case Token::Kind::string:
        return literal(Value{token.text}, column);
      case Token::Kind::field: {
        if (std::find(m_references.begin(), m_references.end(), token.text) == m_references.end()) {
          m_references.push_back(token.text);
        }
        auto node = make_node(Node::Kind::field, column);
        if (!node) return std::unexpected(node.error());
        (*node)->name = token.text;
        ++m_at;
        return NodePtr(std::move(*node));
      }
      case Token::Kind::identifier:
        if (token.text == "true") return literal(Value{true}, column);
        if (token.text == "false") return literal(Value{false}, column);
        if (token.text == "null") return literal(Value{}, column);
        return parse_call();
      case Token::Kind::symbol:
        if (token.text == "(") {
          ++m_at;
          if (auto entered = enter(column); !entered) return std::unexpected(entered.error());
          auto inner = parse_or();
          leave();
          if (!inner) return inner;
          if (!at_symbol(")")) return expected_here("')'");
          ++m_at;
          return inner;
        }
        break;
      case Token::Kind::end:
        break;
    }
    return expected_here("a value");
  }

  Expected<NodePtr> literal(Value value, int column) {
    auto node = make_node(Node::Kind::literal, column);
    if (!node) return std::unexpected(node.error());
    (*node)->literal = std::move(value);
    ++m_at;
    return NodePtr(std::move(*node));
  }

  Expected<NodePtr> parse_call() {
    const Token& token = current();
    int column = token.column;
    std::string name = token.text;
    if (name == "and" || name == "or" || name == "not") return expected_here("a value");
    if (find_function(name) == nullptr)
      return parse_error(column, fmt::format("unknown function {}()", name));
    ++m_at;
    if (!at_symbol("(")) return expected_here(fmt::format("'(' after {}", name));
    ++m_at;
    auto node = make_node(Node::Kind::call, column);
    if (!node) return std::unexpected(node.error());
    (*node)->name = name;
    if (auto entered = enter(column); !entered) return std::unexpected(entered.error());
    if (!at_symbol(")")) {
      while (true) {
        auto argument = parse_or();
        if (!argument) return argument;
        (*node)->children.push_back(std::move(*argument));
        if (at_symbol(")")) break;
        if (!at_symbol(",")) return expected_here("',' or ')'");
        ++m_at;
      }
    }
    leave();
    ++m_at;
    // The pattern is compiled once, here; a pattern that does not compile is left for the
    // checker to report with its reason.
    if (name == "matches" && (*node)->children.size() == 2 &&
        (*node)->children[1]->is_text_literal()) {
      if (auto pattern =
              compile_pattern(std::get<std::string>((*node)->children[1]->literal.data))) {
        (*node)->pattern = std::make_shared<const Pattern>(std::move(*pattern));
      }
    }
    return NodePtr(std::move(*node));
  }

  std::vector<Token> m_tokens;
  std::size_t m_at = 0;
  int m_nodes = 0;
  int m_depth = 0;
  std::vector<std::string> m_references;
};

}  // namespace

std::string_view symbol(Operator op) {
  switch (op) {
    case Operator::negate:
      return "-";
    case Operator::logical_not:
      return "not";
    case Operator::multiply:
      return "*";
    case Operator::divide:
      return "/";
    case Operator::add:
      return "+";
    case Operator::subtract:
      return "-";
    case Operator::equal:
      return "=";
    case Operator::not_equal:
      return "!=";
    case Operator::less:
      return "<";
    case Operator::less_equal:
      return "<=";
    case Operator::greater:
      return ">";
    case Operator::greater_equal:
      return ">=";
    case Operator::logical_and:
      return "and";
    case Operator::logical_or:
      return "or";
  }
  return "?";
}

Expected<Expression> Expression::parse(std::string_view source) {
  if (source.size() > k_max_source_bytes) {
    return parse_error(1, fmt::format("the expression is {} bytes long; at most {} are allowed",
                                      source.size(), k_max_source_bytes));
  }
  auto tokens = tokenize(source);
  if (!tokens) return std::unexpected(tokens.error());
  Parser parser(std::move(*tokens));
  auto root = parser.run();
  if (!root) return std::unexpected(root.error());
  return Expression(std::string(source), std::shared_ptr<const Node>(std::move(*root)),
                    parser.take_references());
}

}  // namespace shubbak::workflow
