// libFuzzer target over the scenario input path: bytes -> JSON reader (size, depth and
// duplicate-key limits) -> `--set` overrides -> parser and resolver (topology, placement,
// latency paths, write path). Any input must end in a Scenario or a ScenarioError; anything
// else (an InternalError from a failed assertion, a sanitizer report, a timeout) is a crash.
//
// Input layout: the scenario text, then optionally '\x01' followed by `--set` assignments
// separated by '\x01' ("trials=5\x01faults/0/at=1d").
//
//   tools/fuzz.sh 600        # builds the `asan-ubsan` preset, runs for 10 minutes
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "durasim/scenario/scenario.hpp"

namespace {

void fuzz_one(std::string_view input) {
  const std::size_t cut = input.find('\x01');
  const std::string_view text = input.substr(0, cut);
  std::vector<std::string> overrides;
  if (cut != std::string_view::npos) {
    std::string_view rest = input.substr(cut + 1);
    while (!rest.empty()) {
      const std::size_t next = rest.find('\x01');
      overrides.emplace_back(rest.substr(0, next));
      rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    }
  }
  try {
    durasim::Json doc = durasim::parse_json_text(text, "fuzz");
    for (const std::string& o : overrides) durasim::apply_override(doc, o, "fuzz");
    const durasim::Scenario s = durasim::parse_scenario(doc, "fuzz");
    // What the report writes and `validate` prints from a scenario.
    static_cast<void>(s.resolved.dump(2));
    static_cast<void>(s.topology->domains_at(durasim::Level::kDisk).size());
  } catch (const durasim::ScenarioError& e) {
    static_cast<void>(e.what());  // a refusal: the expected outcome of most inputs
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_one(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
