// conversions.hpp: what the bindings share: Python values <-> the loader's TOML text, numpy
// arrays that own a C++ vector, and running library code with the GIL released.
//
//   to_toml       a Python value (number, bool, str, datetime.date, list, dict, numpy scalar) as
//                 the TOML text of a "path=value" override, printed by the library's own TOML
//                 printers (toml_text.hpp), so Python quotes values exactly as `--set` and the
//                 visualiser do
//   from_toml     a parameter's TOML text (Scenario::resolved, or an override) as a Python value
//                 of its field's kind (fields.hpp): number -> float, whole -> int, ...
//   numpy         a std::vector handed to numpy without a copy
//   without_gil   library work on its own thread with the GIL released; Ctrl-C sets a cancel
//                 flag the library watches, then raises KeyboardInterrupt
//
// Why a file of its own: scenario, run and sweep bindings all turn values the same way; one
// copy keeps `leadsim.load(..., set=)`, Scenario.get and sweep(parameters=) in agreement.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace leadsim::python {

namespace py = pybind11;

// A Python value as TOML text for the override of `path` (named in the TypeError of a value
// that has no TOML form).
std::string to_toml(py::handle v, const std::string& path);

// A parameter's TOML text as the Python value of its field's kind: number, probability -> float;
// whole -> int; boolean -> bool; text, word -> str; date -> datetime.date; vector -> list of
// float; wholes -> list of int; texts, references -> list of str; shares, regional, weights ->
// {id: float}; table -> {name: str}. A path the field table does not know: by the TOML type.
py::object from_toml(const std::string& text, const std::string& path);

// A vector handed to numpy without a copy: the array owns it through a capsule.
template <class T>
py::array numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape,
                const py::dtype& dtype = py::dtype::of<T>()) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array(dtype, std::move(shape), owned->data(), owner);
}

// 0/1 bytes as a numpy bool array.
inline py::array bools(std::vector<std::uint8_t>&& v, std::vector<py::ssize_t> shape) {
  return numpy(std::move(v), std::move(shape), py::dtype::of<bool>());
}

// Strings as a numpy array of str (numpy's unicode dtype).
py::array strings(const std::vector<std::string>& v);

// Runs `work` on a thread of its own with the GIL released, taking the GIL back every 50 ms to
// let Python see Ctrl-C; on Ctrl-C sets `cancel` (which `work` passes to the library as its
// cancel flag), waits for `work` to return, then raises KeyboardInterrupt. Exceptions from
// `work` are rethrown here.
void without_gil(const std::function<void()>& work, std::atomic<bool>& cancel);

}  // namespace leadsim::python
