// diagnostic.hpp: a problem found in the input, located in its file, and the error that carries
// them (exit code 2). Every reader of user input reports through these: a file with five mistakes
// gets five messages, each "file:line:column: error: message".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace leadsim {

// Where something was written: a file and a 1-based line and column (0: not tied to a line).
struct SourcePlace {
  std::string file;
  int line = 0, column = 0;
};

// One problem found in the input, located in its file.
struct Diagnostic {
  std::string file;  // path as given, or "--set" for command-line overrides
  int line = 0;      // 1-based; 0 when the problem is not tied to a line
  int column = 0;
  std::string message;
  std::string str() const;  // "file:line:column: error: message"
  static Diagnostic at(const SourcePlace& p, std::string message) {
    return {p.file, p.line, p.column, std::move(message)};
  }
};

// Bad input (exit code 2): one or more diagnostics.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> d);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace leadsim
