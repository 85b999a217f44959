#include "durasim/core/assert.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "durasim/core/time.hpp"

namespace durasim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Messages name sources relative to the project, never the build machine's absolute paths.
TEST(Assert, MessagesNameSourcesRelativeToTheProject) {
  try {
    static_cast<void>(Duration::from_seconds(std::nan("")));
    FAIL() << "a NaN duration was converted";
  } catch (const InternalError& e) {
    const std::string what = e.what();
    EXPECT_THAT(what, HasSubstr(" at src/core/time.cpp:"));
    EXPECT_THAT(what, Not(HasSubstr(DURASIM_SOURCE_DIR)));
  }
}

}  // namespace
}  // namespace durasim
