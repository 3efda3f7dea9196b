// fuzz_support.hpp: what the libFuzzer targets share: a private temporary folder for the files a
// target writes from its input, the input split into parts, and the rule that the only exception
// an input may cause is InputError (exit 2 in the command). Anything else aborts, which libFuzzer
// reports as a crash with the input that caused it.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "leadsim/diagnostic.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::fuzz {

// The toy scenario, loaded once: what the spec targets check their specs against.
inline const Scenario& toy() {
  static const Scenario s = load_scenario(LEADSIM_SOURCE_DIR "/scenarios/toy.toml");
  return s;
}

// A folder of this process's own, removed at exit.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    // mkdtemp's template: it replaces the six X's with a name no other process holds.
    std::string t = (std::filesystem::temp_directory_path() / "leadsim-fuzz-XXXXXX").string();
    if (!mkdtemp(t.data())) std::abort();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return std::filesystem::path(t);
  }();
  return dir;
}

// Writes `bytes` to scratch()/name and returns the path.
inline std::string write_file(const std::string& name, std::string_view bytes) {
  const std::filesystem::path p = scratch() / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) std::abort();
  return p.string();
}

// The input split at each line "%%" (the separator the seed corpora use): at most `max_parts`
// parts, the last holding the rest.
inline std::vector<std::string_view> parts(const std::uint8_t* data, size_t size, size_t max_parts) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_parts) {
    const size_t at = rest.find("\n%%\n");
    if (at == std::string_view::npos) break;
    out.push_back(rest.substr(0, at + 1));
    rest.remove_prefix(at + 4);
  }
  out.push_back(rest);
  return out;
}

// Lines of `text`, at most `max_lines`.
inline std::vector<std::string> lines(std::string_view text, size_t max_lines) {
  std::vector<std::string> out;
  while (!text.empty() && out.size() < max_lines) {
    const size_t nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

// Runs `f`: InputError is the expected answer to bad input; any other exception is a finding.
template <class F>
void expect_input_errors_only(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    if (e.diagnostics().empty()) {
      std::fprintf(stderr, "leadsim fuzz: an InputError without a diagnostic\n");
      std::abort();
    }
    for (const Diagnostic& d : e.diagnostics())
      if (d.message.empty()) {
        std::fprintf(stderr, "leadsim fuzz: a diagnostic without a message (%s)\n", d.file.c_str());
        std::abort();
      }
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "leadsim fuzz: out of memory (bad_alloc) on a small input\n");
    std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "leadsim fuzz: not an input error: %s\n", e.what());
    std::abort();
  }
}

}  // namespace leadsim::fuzz
