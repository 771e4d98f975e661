#include <doctest/doctest.h>

#include "drivers/display/rotation.hpp"

using namespace shubbak;

TEST_CASE("rotation swaps the panel's sides for 90 and 270 degrees") {
  Size logical{1920, 1080};
  CHECK(physical_size(logical, Rotation::none) == Size{1920, 1080});
  CHECK(physical_size(logical, Rotation::cw90) == Size{1080, 1920});
  CHECK(physical_size(logical, Rotation::cw180) == Size{1920, 1080});
  CHECK(physical_size(logical, Rotation::cw270) == Size{1080, 1920});
  CHECK(logical_size({1080, 1920}, Rotation::cw90) == logical);
}

TEST_CASE("corners land where a clockwise turn puts them") {
  Size logical{400, 300};
  // Turned 90 degrees clockwise, the top-left corner goes to the panel's top-right.
  CHECK(to_physical({0, 0}, logical, Rotation::cw90) == Point{299, 0});
  CHECK(to_physical({399, 0}, logical, Rotation::cw90) == Point{299, 399});
  CHECK(to_physical({0, 0}, logical, Rotation::cw180) == Point{399, 299});
  CHECK(to_physical({0, 0}, logical, Rotation::cw270) == Point{0, 399});
  CHECK(to_physical({399, 299}, logical, Rotation::cw270) == Point{299, 0});
}

TEST_CASE("to_logical undoes to_physical at every pixel of a small panel") {
  Size logical{7, 5};
  for (Rotation r : {Rotation::none, Rotation::cw90, Rotation::cw180, Rotation::cw270}) {
    Size phys = physical_size(logical, r);
    for (int y = 0; y < logical.height; ++y) {
      for (int x = 0; x < logical.width; ++x) {
        Point p = to_physical({x, y}, logical, r);
        REQUIRE(p.x >= 0);
        REQUIRE(p.x < phys.width);
        REQUIRE(p.y >= 0);
        REQUIRE(p.y < phys.height);
        CHECK(to_logical(p, logical, r) == Point{x, y});
      }
    }
  }
}

TEST_CASE("only right angles are rotations") {
  CHECK(rotation_from_degrees(270) == Rotation::cw270);
  CHECK_FALSE(rotation_from_degrees(45).has_value());
  CHECK_FALSE(rotation_from_degrees(-90).has_value());
}
