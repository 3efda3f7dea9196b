// toml_input.cpp: the nesting scan that runs before toml++ sees a user's text (toml_input.hpp).
#include "leadsim/toml_input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace leadsim {

namespace {

std::string too_deep() {
  return fmt::format("nests more than {} levels deep (table header parts, dotted key parts, "
                     "arrays and inline tables together); leadsim reads at most {}",
                     kMaxTomlNesting, kMaxTomlNesting);
}

// One pass over the text. Only what decides depth is tracked: where keys are (line starts at the
// top level, after '{' and ',' in an inline table), the dots in them outside quotes, headers,
// the brackets and braces of values, and strings and comments, inside which nothing counts.
class NestingScan {
 public:
  NestingScan(std::string_view text, const std::string& origin) : t_(text), origin_(origin) {}

  std::optional<Diagnostic> run() {
    frames_.push_back({'\0', 0});  // the top level: its key is the line's
    while (i_ < t_.size() && !problem_) step();
    return problem_;
  }

 private:
  struct Frame {
    char open;  // '\0' top level, '[' array, '{' inline table
    int key_parts;
  };
  enum class Mode { key, value, header };

  char at(size_t k) const { return k < t_.size() ? t_[k] : '\0'; }
  void advance() {
    if (t_[i_] == '\n') {
      ++line_;
      line_start_ = i_ + 1;
    }
    ++i_;
  }
  int depth() const {
    int d = header_ + int(frames_.size()) - 1;
    for (const Frame& f : frames_) d += f.key_parts;
    return d;
  }
  void check(int d) {
    if (d > kMaxTomlNesting && !problem_)
      problem_ = Diagnostic{origin_, line_, int(i_ - line_start_) + 1, too_deep()};
  }

  // Skips a string starting at i_ (a quote), multi-line strings included.
  void skip_string() {
    const char q = t_[i_];
    const bool multi = at(i_ + 1) == q && at(i_ + 2) == q;
    const bool escapes = q == '"';
    advance();
    if (multi) {
      advance();
      advance();
    }
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (escapes && c == '\\') {
        advance();
        if (i_ < t_.size()) advance();
        continue;
      }
      if (!multi && c == '\n') return;  // unterminated: toml++ reports it
      if (c == q && (!multi || (at(i_ + 1) == q && at(i_ + 2) == q))) {
        advance();
        if (multi) {
          advance();
          advance();
        }
        return;
      }
      advance();
    }
  }
  void skip_comment() {
    while (i_ < t_.size() && t_[i_] != '\n') advance();
  }

  void step() {
    const char c = t_[i_];
    Frame& top = frames_.back();
    if (c == '"' || c == '\'') {
      skip_string();
      return;
    }
    if (c == '#') {
      skip_comment();
      return;
    }
    if (c == '\n') {
      // A line ends the top level's key or value (arrays, and inline tables, may span lines).
      if (frames_.size() == 1) {
        top.key_parts = 0;
        mode_ = Mode::key;
        key_started_ = false;
        skip_to_line_end_ = false;
      }
      advance();
      return;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      advance();
      return;
    }
    switch (mode_) {
      case Mode::header:
        if (c == '.') check(++header_parts_);
        else if (c == ']') {
          header_ = header_parts_;
          mode_ = Mode::value;  // the rest of the line: "]" of [[...]], a comment
          frames_.back().key_parts = 0;
          skip_to_line_end_ = true;
        }
        advance();
        return;
      case Mode::key:
        if (frames_.size() == 1 && !key_started_ && c == '[') {
          // A table header, [a.b] or [[a.b]].
          mode_ = Mode::header;
          header_ = 0;
          header_parts_ = 1;
          advance();
          if (at(i_) == '[') advance();
          check(header_parts_);
          return;
        }
        if (!key_started_) {
          key_started_ = true;
          top.key_parts = 1;
          check(depth());
        }
        if (c == '.') {
          ++top.key_parts;
          check(depth());
        } else if (c == '=') {
          mode_ = Mode::value;
        } else if (c == '}' && top.open == '{') {
          close();  // {} or a trailing comma
          return;
        }
        advance();
        return;
      case Mode::value:
        if (skip_to_line_end_ && frames_.size() == 1) {
          advance();
          return;
        }
        if (c == '[' || c == '{') {
          frames_.push_back({c, 0});
          check(depth());
          mode_ = c == '{' ? Mode::key : Mode::value;
          key_started_ = false;
        } else if ((c == ']' && top.open == '[') || (c == '}' && top.open == '{')) {
          close();
          return;
        } else if (c == ',' && top.open == '{') {
          top.key_parts = 0;
          mode_ = Mode::key;
          key_started_ = false;
        }
        advance();
        return;
    }
  }

  void close() {
    frames_.pop_back();
    mode_ = Mode::value;  // the value the container was part of goes on
    advance();
  }

  std::string_view t_;
  const std::string& origin_;
  size_t i_ = 0, line_start_ = 0;
  int line_ = 1;
  std::vector<Frame> frames_;
  Mode mode_ = Mode::key;
  bool key_started_ = false, skip_to_line_end_ = false;
  int header_ = 0, header_parts_ = 0;
  std::optional<Diagnostic> problem_;
};

}  // namespace

std::optional<Diagnostic> toml_nesting_problem(std::string_view text, const std::string& origin) {
  return NestingScan(text, origin).run();
}

std::string dotted_path_problem(std::string_view path) {
  const auto parts = 1 + std::count(path.begin(), path.end(), '.');
  if (parts <= kMaxTomlNesting) return "";
  return fmt::format("has {} dotted parts; leadsim reads at most {}", parts, kMaxTomlNesting);
}

}  // namespace leadsim
