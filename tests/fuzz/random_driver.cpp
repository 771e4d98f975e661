// Runs a fuzz target without libFuzzer: first every file of a seed corpus, then random inputs
// built from the pieces that break text and parsers (other scripts, controls, marks, malformed
// bytes), for a fixed count from a fixed seed, so a CI failure reproduces exactly.
//   TARGET [--corpus DIR] [--runs N] [--seed S]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

const std::vector<std::string> k_pieces = {
    "a", "Z", "7", " ", "\n", "(", ")", "[", "]", "«", "»", "-", ".", ",", ":", "/", "%",
    "ب", "ت", "ل", "ا", "لا", "ة", "ء", "ئ", "\u064E", "\u0651", "\u064C",  // Arabic letters and marks
    "١", "٢", "٫", "\u200F", "\u200E", "\u061C", "\u202B", "\u202C", "\u2067", "\u2069",  // digits, bidi controls
    "\u05D0", "\u05D1", "\u0915\u094D", "\u4E2D", "\U0001F600", "\u00A0", "\u2029", "\uFEFF", "e\u0301",
    "\xFF", "\xC3", "\xE2\x82", "\xF0\x9F", "\xED\xA0\x80", "\xC0\xAF",  // malformed UTF-8
};

std::vector<std::uint8_t> random_input(std::mt19937& rng) {
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(rng())};
  int pieces = static_cast<int>(rng() % 40);
  for (int i = 0; i < pieces; ++i) {
    if (rng() % 8 == 0) {
      out.push_back(static_cast<std::uint8_t>(rng()));  // raw noise
      continue;
    }
    const auto& p = k_pieces[rng() % k_pieces.size()];
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path corpus;
  long runs = 1000;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--corpus") corpus = argv[i + 1];
    if (flag == "--runs") runs = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "--seed") seed = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
  }
  long seeds = 0;
  if (!corpus.empty()) {
    if (!std::filesystem::is_directory(corpus)) {
      std::fprintf(stderr, "no corpus directory %s\n", corpus.c_str());
      return 1;
    }
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::vector<std::uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++seeds;
    }
  }
  std::mt19937 rng(seed);
  for (long i = 0; i < runs; ++i) {
    auto input = random_input(rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("%ld corpus inputs and %ld random inputs: no failure\n", seeds, runs);
  return 0;
}
