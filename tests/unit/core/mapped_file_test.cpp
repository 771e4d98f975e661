#include "kiosk/core/mapped_file.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace shubbak;

namespace {

std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("shubbak-mapped-file-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("a mapped file gives its bytes, all of them, and outlives a rename over it") {
  auto dir = scratch_dir();
  std::string content(70000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 31 % 251);
  std::ofstream(dir / "font.ttf", std::ios::binary) << content;
  auto mapped = MappedFile::open(dir / "font.ttf");
  REQUIRE(mapped);
  auto bytes = (*mapped)->bytes();
  REQUIRE(bytes.size() == content.size());
  CHECK(std::equal(bytes.begin(), bytes.end(), content.begin(),
                   [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); }));
  // A package upgrade replaces a font by rename: the mapping keeps the old file's bytes.
  std::ofstream(dir / "new.ttf", std::ios::binary) << std::string(10, 'x');
  std::filesystem::rename(dir / "new.ttf", dir / "font.ttf");
  CHECK((*mapped)->bytes().size() == content.size());
  CHECK((*mapped)->bytes()[1] == 31);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a missing, empty or directory path is refused with its name") {
  auto dir = scratch_dir();
  std::ofstream(dir / "empty.ttf").flush();
  for (auto path : {dir / "missing.ttf", dir / "empty.ttf", dir}) {
    auto mapped = MappedFile::open(path);
    REQUIRE_FALSE(mapped);
    CHECK(mapped.error().message.find(path.string()) != std::string::npos);
  }
  CHECK(MappedFile::open(dir / "missing.ttf").error().code == Errc::not_found);
  std::filesystem::remove_all(dir);
}
