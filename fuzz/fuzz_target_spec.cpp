// fuzz_target_spec: a spec of `leadsim target`, either kind (a [target] question or a [placement]
// question, told apart as the command tells them), loaded and held against the toy scenario.
#include <cstdint>

#include "fuzz_support.hpp"
#include "leadsim/placement.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  using namespace leadsim;
  const std::string path =
      fuzz::write_file("target.toml", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expect_input_errors_only([&] {
    if (is_placement_spec(path)) {
      const PlacementSpec spec = load_placement_spec(path);
      check_placement_spec(spec, fuzz::toy());
    } else {
      TargetSpec spec = load_target_spec(path);
      check_target_spec(spec, fuzz::toy());
    }
  });
  return 0;
}
