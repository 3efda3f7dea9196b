// fuzz_sweep_spec: a sweep spec file (as --spec, and as a scenario's [sweep] table), checked
// against the toy scenario, its design drawn when it is small.
#include <cstdint>

#include "fuzz_support.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  using namespace leadsim;
  const std::string path =
      fuzz::write_file("spec.toml", std::string_view(reinterpret_cast<const char*>(data), size));
  for (bool scenario_file : {false, true}) {
    fuzz::expect_input_errors_only([&] {
      SweepSpec spec;
      spec.max_points = 2000;  // the guard a user sets with --max-points: keeps each input quick
      read_sweep_spec(path, spec, scenario_file);
      check_sweep_spec(spec, fuzz::toy());
      if (design_size(spec) <= spec.max_points)
        for (const SweepPoint& pt : design_points(spec)) (void)pt.overrides(spec);
    });
  }
  return 0;
}
