// A deterministic fuzzing driver for LLVMFuzzerTestOneInput targets, for compilers without
// libFuzzer (g++ here; Debian's clang 14 cannot build this C++23 code). It runs every seed in
// the corpus, then mutations of them (bit flips, byte changes, inserts, deletes, splices,
// truncations) from a fixed random seed for a time budget, under ASan and UBSan. A crash
// aborts with the sanitizer's report and leaves the input in crash-<target>.bin.
//
//   fuzz_atr [--seconds N] [--seed S] CORPUS_DIR...
#include <sanitizer/common_interface_defs.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> g_current;
std::string g_crash_file;

void save_crash_input() {
  if (FILE* f = std::fopen(g_crash_file.c_str(), "wb")) {
    std::fwrite(g_current.data(), 1, g_current.size(), f);
    std::fclose(f);
    std::fprintf(stderr, "fuzz: crashing input written to %s (%zu bytes)\n", g_crash_file.c_str(),
                 g_current.size());
  }
}

void run(const std::vector<std::uint8_t>& input) {
  g_current = input;
  // A copy in a buffer of exactly its size, so reading one byte past the end is caught.
  std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[input.size() + (input.empty() ? 1 : 0)]);
  if (!input.empty()) std::memcpy(exact.get(), input.data(), input.size());
  LLVMFuzzerTestOneInput(exact.get(), input.size());
}

std::vector<std::uint8_t> mutate(const std::vector<std::vector<std::uint8_t>>& corpus,
                                 std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % (n == 0 ? 1 : n)); };
  std::vector<std::uint8_t> out = corpus[pick(corpus.size())];
  int rounds = 1 + static_cast<int>(pick(4));
  for (int r = 0; r < rounds; ++r) {
    switch (pick(8)) {
      case 0:
        if (!out.empty()) out[pick(out.size())] ^= static_cast<std::uint8_t>(1U << pick(8));
        break;
      case 1:
        if (!out.empty()) out[pick(out.size())] = static_cast<std::uint8_t>(rng());
        break;
      case 2:
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(pick(out.size() + 1)),
                   static_cast<std::uint8_t>(rng()));
        break;
      case 3:
        if (!out.empty()) out.erase(out.begin() + static_cast<std::ptrdiff_t>(pick(out.size())));
        break;
      case 4:
        out.resize(pick(out.size() + 1));
        break;
      case 5: {  // splice with another seed
        const auto& other = corpus[pick(corpus.size())];
        std::size_t from = pick(other.size() + 1);
        out.resize(pick(out.size() + 1));
        out.insert(out.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
      case 6: {  // interesting values
        static const std::uint8_t k_values[] = {0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0xFE, 0xFF};
        if (!out.empty()) out[pick(out.size())] = k_values[pick(sizeof k_values)];
        break;
      }
      default: {  // duplicate a slice
        if (out.empty()) break;
        std::size_t from = pick(out.size());
        std::size_t len = 1 + pick(std::min<std::size_t>(16, out.size() - from));
        std::vector<std::uint8_t> slice(out.begin() + static_cast<std::ptrdiff_t>(from),
                                        out.begin() + static_cast<std::ptrdiff_t>(from + len));
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(pick(out.size() + 1)), slice.begin(),
                   slice.end());
      }
    }
  }
  if (out.size() > 4096) out.resize(4096);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  std::uint64_t seed = 0x5348424B;
  std::vector<std::vector<std::uint8_t>> corpus;
  std::string name = std::filesystem::path(argv[0]).filename().string();
  g_crash_file = "crash-" + name + ".bin";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::stod(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        std::ifstream in(entry.path(), std::ios::binary);
        corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "%s: no seed corpus given (usage: %s [--seconds N] CORPUS_DIR...)\n",
                 name.c_str(), name.c_str());
    return 2;
  }
  __sanitizer_set_death_callback(save_crash_input);
  for (const auto& input : corpus) run(input);
  run({});
  std::mt19937_64 rng(seed);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t runs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 64; ++i, ++runs) run(mutate(corpus, rng));
  }
  std::printf("%s: %zu seeds, %llu mutated inputs, no crash\n", name.c_str(), corpus.size(),
              static_cast<unsigned long long>(runs));
  return 0;
}
