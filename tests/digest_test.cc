#include "core/digest.h"

#include "gtest/gtest.h"

namespace rung {
namespace {

TEST(Sha256HexTest, MatchesTheFipsExamples) {
  EXPECT_EQ(Sha256Hex("abc").value(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("").value(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace rung
