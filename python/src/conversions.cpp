// conversions.cpp: Python values <-> TOML text, numpy strings, and the GIL-free runner
// (conversions.hpp).
#include "conversions.hpp"

#include <pybind11/stl.h>
#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <tuple>

#include "leadsim/fields.hpp"
#include "leadsim/toml_text.hpp"

namespace leadsim::python {

using namespace py::literals;

namespace {

py::object date_type() { return py::module_::import("datetime").attr("date"); }

// Whether every item of a list or tuple is a Python str (or every one a float).
template <class PyType>
bool all_of_type(py::handle seq) {
  for (auto item : seq)
    if (!py::isinstance<PyType>(item)) return false;
  return true;
}

// A TOML node as a Python value; `real`: integers become floats (fields of real numbers, whose
// whole values the library prints without a decimal point: 2, not 2.0).
py::object node_value(const toml::node& n, bool real) {
  if (auto x = n.as_boolean()) return py::bool_(x->get());
  if (auto x = n.as_integer()) {
    if (real) return py::float_(double(x->get()));
    return py::int_(x->get());
  }
  if (auto x = n.as_floating_point()) return py::float_(x->get());
  if (auto x = n.as_string()) return py::str(x->get());
  if (auto x = n.as_date()) {
    const toml::date& d = x->get();
    return date_type()(int(d.year), int(d.month), int(d.day));
  }
  if (auto a = n.as_array()) {
    py::list l;
    for (const toml::node& item : *a) l.append(node_value(item, real));
    return l;
  }
  if (auto t = n.as_table()) {
    // In the order written (toml++ keeps keys sorted): shares come in the candidates' order.
    std::vector<std::tuple<toml::source_position, std::string_view, const toml::node*>> items;
    for (auto&& [k, v] : *t) items.emplace_back(k.source().begin, k.str(), &v);
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    py::dict d;
    for (const auto& [where, key, value] : items) d[py::str(key)] = node_value(*value, real);
    return d;
  }
  throw std::logic_error("leadsim: a parameter's TOML value of an unexpected type");
}

}  // namespace

std::string to_toml(py::handle v, const std::string& path) {
  // bool before int: Python's True is an int too.
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  // Python's text of an int is exact at any size (a double would not be).
  if (py::isinstance<py::int_>(v)) return py::str(v).cast<std::string>();
  // The shortest text that reads back as the same double ("inf" and "nan" as TOML has them).
  if (py::isinstance<py::float_>(v)) return toml_number(v.cast<double>());
  if (py::isinstance<py::str>(v)) return toml_string(v.cast<std::string>());
  if (py::isinstance(v, date_type())) return v.attr("isoformat")().cast<std::string>();
  if (py::isinstance<py::dict>(v)) {
    std::string t = "{ ";
    bool first = true;
    for (auto [key, value] : v.cast<py::dict>()) {
      if (!first) t += ", ";
      first = false;
      t += toml_key(py::str(key).cast<std::string>()) + " = " + to_toml(value, path);
    }
    return t + (first ? "}" : " }");
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    if (all_of_type<py::str>(v)) return toml_strings(v.cast<std::vector<std::string>>());
    if (all_of_type<py::float_>(v)) return toml_numbers(v.cast<std::vector<double>>());
    std::string t = "[";
    bool first = true;
    for (auto item : v) {
      if (!first) t += ", ";
      first = false;
      t += to_toml(item, path);
    }
    return t + "]";
  }
  // numpy scalars (numpy.int64, numpy.bool_, ...) and arrays: their Python values.
  if (py::hasattr(v, "tolist") && py::hasattr(v, "dtype")) return to_toml(v.attr("tolist")(), path);
  throw py::type_error(
      "leadsim: cannot use a " + py::str(py::type::of(v).attr("__name__")).cast<std::string>() +
      " as the value of '" + path + "' (use a number, bool, str, datetime.date, list or dict)");
}

py::object from_toml(const std::string& text, const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse("v = " + text);
  } catch (const toml::parse_error& e) {
    // The library prints every value as TOML (toml_text.hpp): this is a bug, not bad input.
    throw std::logic_error("leadsim: the value of '" + path + "' is not TOML: " + text + " (" +
                           std::string(e.description()) + ")");
  }
  bool real = false;
  if (const Field* f = find_field(path)) {
    switch (f->kind) {
      case FieldKind::number:
      case FieldKind::probability:
      case FieldKind::vector:
      case FieldKind::shares:
      case FieldKind::regional:
      case FieldKind::weights:
        real = true;
        break;
      default:  // the TOML type is the kind's: whole(s) integers, text strings, date a date, ...
        break;
    }
  }
  return node_value(*doc.get("v"), real);
}

py::array strings(const std::vector<std::string>& v) {
  // numpy picks the width of the longest string; an empty list is an empty str array.
  return py::module_::import("numpy").attr("array")(py::cast(v), "dtype"_a = "str");
}

void without_gil(const std::function<void()>& work, std::atomic<bool>& cancel) {
  std::exception_ptr error;
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread worker([&] {
      try {
        work();
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(mu);
      done = true;
      cv.notify_all();
    });
    for (;;) {
      std::unique_lock lock(mu);
      if (cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) break;
      lock.unlock();
      py::gil_scoped_acquire gil;
      if (!interrupted && PyErr_CheckSignals() != 0) {
        interrupted = true;
        cancel = true;
      }
    }
    worker.join();
  }
  if (interrupted) throw py::error_already_set();  // the KeyboardInterrupt PyErr_CheckSignals set
  if (error) std::rethrow_exception(error);
}

}  // namespace leadsim::python
