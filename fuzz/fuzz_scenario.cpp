// fuzz_scenario: the scenario loader with an include and --set overrides.
// Input: main.toml, then optionally a line "%%" and base.toml (which main.toml may include as
// "base.toml"), then a line "%%" and --set overrides, one a line.
#include <cstdint>

#include "fuzz_support.hpp"
#include "leadsim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  using namespace leadsim;
  const auto p = fuzz::parts(data, size, 3);
  const std::string main = fuzz::write_file("main.toml", p[0]);
  fuzz::write_file("base.toml", p.size() > 1 ? p[1] : std::string_view());
  const std::vector<std::string> sets = p.size() > 2 ? fuzz::lines(p[2], 16) : std::vector<std::string>{};
  fuzz::expect_input_errors_only([&] {
    const Scenario s = load_scenario(main, sets);
    (void)s.agents();
    if (!check_scenario(s).empty()) std::abort();  // loaded means checked
  });
  return 0;
}
