// Limits: source size, node count, nesting, evaluation steps, text size, pattern work, budgets.
// Each is a clean error, never a crash, a hang or unbounded memory.
#include <array>
#include <chrono>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/unit/workflow/expression_support.hpp"

using namespace shubbak;
using namespace shubbak::workflow;
using namespace shubbak::workflow::testing;

namespace {
std::string repeat(std::string_view piece, int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += piece;
  return text;
}
}  // namespace

TEST_CASE("sources longer than 2000 bytes are refused") {
  std::string longest = "\"" + std::string(1998, 'a') + "\"";
  CHECK(Expression::parse(longest).has_value());
  CHECK(parse_error(longest + " ").message ==
        "column 1: the expression is 2001 bytes long; at most 2000 are allowed");
  CHECK(parse_error(std::string(1'000'000, '(')).message ==
        "column 1: the expression is 1000000 bytes long; at most 2000 are allowed");
}

TEST_CASE("more than 500 nodes are refused") {
  std::string sum_of_250 = repeat("1+", 249) + "1";  // 250 literals + 249 additions = 499 nodes
  CHECK(eval(sum_of_250) == number("250"));
  CHECK(Expression::parse(repeat("1+", 250) + "1").has_value() == false);
  CHECK(parse_error(repeat("1+", 250) + "1").message ==
        "column 500: the expression has more than 500 parts");
  CHECK(parse_error("concat(" + repeat("\"\",", 600) + "\"\")").code == Errc::parse);
}

TEST_CASE("nesting deeper than 32 levels is refused") {
  CHECK(eval(repeat("(", 32) + "1" + repeat(")", 32)) == number("1"));
  CHECK(parse_error(repeat("(", 33) + "1" + repeat(")", 33)).message ==
        "column 33: nesting deeper than 32 levels");
  CHECK(parse_error(repeat("-", 33) + "1").message == "column 33: nesting deeper than 32 levels");
  CHECK(parse_error(repeat("not ", 33) + "true").message ==
        "column 129: nesting deeper than 32 levels");
  CHECK(parse_error(repeat("abs(", 33) + "1" + repeat(")", 33)).message ==
        "column 129: nesting deeper than 32 levels");
  CHECK(parse_error(repeat("(", 1990)).message == "column 33: nesting deeper than 32 levels");
}

TEST_CASE("evaluation stops after max_steps") {
  std::string eleven_nodes = "1+1+1+1+1+1";
  EvaluationLimits limits;
  limits.max_steps = 11;
  CHECK(eval(eleven_nodes, {}, limits) == number("6"));
  limits.max_steps = 10;
  auto stopped = eval_error(eleven_nodes, {}, limits);
  CHECK(stopped.code == Errc::cancelled);
  CHECK(stopped.message == "evaluation stopped after 10 steps");
  // Text work costs steps too: len() of 6400 bytes costs 101 steps on top of its 2 nodes.
  limits.max_steps = 102;
  limits.max_text_bytes = 10000;
  CHECK(eval_error("len($t)", {{"t", text(std::string(6400, 'a'))}}, limits).code ==
        Errc::cancelled);
  limits.max_steps = 103;
  CHECK(eval("len($t)", {{"t", text(std::string(6400, 'a'))}}, limits) == number("6400"));
}

TEST_CASE("texts larger than max_text_bytes are refused") {
  FieldValues fields{{"t", text(std::string(3000, 'x'))}};
  auto joined = eval_error("concat($t, $t)", fields);
  CHECK(joined.code == Errc::cancelled);
  CHECK(joined.message == "a text of 6000 bytes exceeds the limit of 4096 bytes");
  auto read = eval_error("len($big)", {{"big", text(std::string(5000, 'x'))}});
  CHECK(read.code == Errc::cancelled);
  CHECK(read.message == "a text of 5000 bytes exceeds the limit of 4096 bytes");
  EvaluationLimits small;
  small.max_text_bytes = 10;
  CHECK(eval_error("text(12345678901)", {}, small).code == Errc::cancelled);
  CHECK(eval("text(1234567890)", {}, small) == text("1234567890"));
}

TEST_CASE("a catastrophic pattern runs in linear time, and its work is counted") {
  // (a+)+$ against "aaaa...ab" takes exponential time in a backtracking engine; RE2 does not
  // backtrack: it answers at once, on as long a text as its step cost allows.
  FieldValues fields{{"t", text(std::string(1000, 'a') + "b")}};
  CHECK(eval("matches($t, \"(a+)+$\")", fields) == boolean(false));
  CHECK(eval("matches($t, \"(a|aa)+b\")", fields) == boolean(true));
  CHECK(eval("matches(\"aaa\", \"(a+)+$\")") == boolean(true));
  // The match is charged by text length and pattern size: a small step limit stops it.
  EvaluationLimits limits;
  limits.max_steps = 20;
  CHECK(eval_error("matches($t, \"(a+)+$\")", fields, limits).code == Errc::cancelled);
}

TEST_CASE("a shared work budget spans evaluations and stops them all once spent") {
  auto expression = Expression::parse("len($t) > 1 and matches($t, \"^[a-z]+$\")");
  REQUIRE(expression.has_value());
  FieldValues fields{{"t", text(std::string(1000, 'a'))}};
  std::int64_t one = 0;
  {
    WorkBudget budget(1'000'000);
    REQUIRE(expression->evaluate(fields, k_today, {}, &budget).value() == boolean(true));
    one = budget.spent();
  }
  CHECK(one > 0);
  CHECK(one <= expression->cost_bound());
  WorkBudget budget(3 * one);
  for (int i = 0; i < 3; ++i) CHECK(expression->evaluate(fields, k_today, {}, &budget).has_value());
  auto stopped = expression->evaluate(fields, k_today, {}, &budget);
  REQUIRE(!stopped);
  CHECK(stopped.error().code == Errc::cancelled);
  CHECK(stopped.error().message.find("work budget of") != std::string::npos);
  budget.restart(3 * one);
  CHECK(expression->evaluate(fields, k_today, {}, &budget).has_value());
}

TEST_CASE("cost_bound covers what an evaluation can spend") {
  // Worst cases for each kind of work: long texts through text functions, a long list, a
  // pattern, many nodes.
  FieldValues fields{{"t", text(std::string(4096, 'x'))},
                     {"l", Value{std::vector<std::string>(500, "v")}}};
  for (const char* source :
       {"concat($t)", "len(upper(lower(trim($t)))) > 0", "matches($t, \"(x+x+)+y\")",
        "selected($l, \"w\")", "text($l) = \"\"", "contains($t, \"y\") or starts_with($t, \"y\")",
        "substr($t, 0, 4096) = $t", "1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1"}) {
    CAPTURE(source);
    auto expression = Expression::parse(source);
    REQUIRE(expression.has_value());
    WorkBudget budget(100'000'000);
    (void)expression->evaluate(fields, k_today, {}, &budget);
    CHECK(budget.spent() <= expression->cost_bound());
  }
}

TEST_CASE("an Expression is immutable and reusable across evaluations") {
  auto expression = Expression::parse("$a * 2");
  REQUIRE(expression.has_value());
  Expression copy = *expression;
  CHECK(copy.evaluate({{"a", number("2")}}, k_today).value() == number("4"));
  CHECK(expression->evaluate({{"a", number("3")}}, k_today).value() == number("6"));
  CHECK(expression->evaluate({}, k_today).value().is_null());
}

TEST_CASE("one Expression evaluates on several threads at once") {
  auto expression = Expression::parse(
      "if(matches($t, \"^[0-9]+$\"), money(number($t), \"OMR\") * 1.5, money(0, \"OMR\"))");
  REQUIRE(expression.has_value());
  std::vector<std::thread> threads;
  std::array<int, 4> correct{};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto value = expression->evaluate({{"t", text(std::to_string(i))}}, k_today);
        if (value && *value == money(static_cast<std::int64_t>(i) * 1500, "OMR"))
          ++correct[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : correct) CHECK(count == 200);
}
