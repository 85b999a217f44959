#include "durasim/core/assert.hpp"

#include <sstream>

namespace durasim {

AssertContext& assert_context() {
  thread_local AssertContext context;
  return context;
}

AssertContextScope::AssertContextScope(std::uint64_t seed, std::uint64_t trial)
    : saved_(assert_context()) {
  assert_context() = AssertContext{true, seed, trial, 0};
}

AssertContextScope::~AssertContextScope() {
  assert_context() = saved_;
}

void assertion_failed(const char* condition, const char* file, int line) {
  std::ostringstream out;
  out << "assertion failed: " << condition << " at " << file << ":" << line;
  const AssertContext& c = assert_context();
  if (c.active) {
    out << " (seed " << c.seed << ", trial " << c.trial << ", sim time " << c.now_ns << " ns)";
  }
  throw InternalError(out.str());
}

void invariant_violated(const std::string& what) {
  std::ostringstream out;
  out << "invariant violated: " << what;
  const AssertContext& c = assert_context();
  if (c.active) {
    out << " (seed " << c.seed << ", trial " << c.trial << ", sim time " << c.now_ns << " ns)";
  }
  throw InternalError(out.str());
}

}  // namespace durasim
