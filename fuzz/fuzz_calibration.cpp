// fuzz_calibration: a calibration spec file, loaded and held against the toy scenario.
#include <cstdint>

#include "fuzz_support.hpp"
#include "leadsim/calibration.hpp"
#include "leadsim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  using namespace leadsim;
  const std::string path =
      fuzz::write_file("calibration.toml", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expect_input_errors_only([&] {
    CalibrationSpec spec = load_calibration_spec(path);
    check_calibration_spec(spec, fuzz::toy());
    for (const CalibrationParam& p : spec.params) (void)calibration_value_text(p, 0.5);
  });
  return 0;
}
